"""An app a test makes and drops closes its pooled connections (tests/conftest.py): on
PostgreSQL a connection left to the garbage collector is a ResourceWarning, an error in the
suite, in whichever later test the collector happened to run."""

import gc

import pytest
import sqlalchemy as sa

from depot import config, create_app
from depot.models import db


@pytest.mark.db
def test_an_app_dropped_with_a_pooled_connection_closes_it(database_url, tmp_path):
    app = create_app(config.TestConfig(database_url, tmp_path / "i2"))
    with app.app_context():
        db.session.execute(sa.text("select 1"))
        db.session.remove()  # back in the pool, open
    del app
    gc.collect()
