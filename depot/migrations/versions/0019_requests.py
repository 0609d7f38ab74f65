"""requests before shipping (v1.1): a requested RMA has no received_on and no due_on yet;
the list's order is by listed_on (the day received, or requested while a request)

Revision ID: 2f9b5d7c3e19
Revises: 1e8a4c6b2d18
Create Date: 2026-12-03 10:30:00.000000

On SQLite the two columns lose NOT NULL by a batch re-creation of rmas; env.py switches
foreign keys off around the migrations on SQLite (the tables that refer to rmas would
otherwise stop the DROP of the old table) and checks them afterwards.
"""
import warnings

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '2f9b5d7c3e19'
down_revision = '1e8a4c6b2d18'  # 0018_exchange
branch_labels = None
depends_on = None


def _batch():
    # rmas has no expression index; the one SQLite's reflection skips is on units (the key's
    # target, reflected along) and the re-creation does not touch units
    warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index")
    return op.batch_alter_table('rmas', schema=None)


def upgrade():
    with warnings.catch_warnings(), _batch() as batch_op:
        batch_op.alter_column('received_on', existing_type=sa.Date(), nullable=True)
        batch_op.alter_column('due_on', existing_type=sa.Date(), nullable=True)
        batch_op.add_column(sa.Column('listed_on', sa.Date(), nullable=True))
    op.execute("UPDATE rmas SET listed_on = received_on")
    op.drop_index('ix_rmas_received_on_number', table_name='rmas')
    with warnings.catch_warnings(), _batch() as batch_op:
        batch_op.alter_column('listed_on', existing_type=sa.Date(), nullable=False)
    op.create_index('ix_rmas_listed_on_number', 'rmas', ['listed_on', 'number'])


def downgrade():
    # v1 has no requests: one not yet received takes the day it was made as its dates
    op.execute("UPDATE rmas SET received_on = listed_on WHERE received_on IS NULL")
    op.execute("UPDATE rmas SET due_on = listed_on WHERE due_on IS NULL")
    op.drop_index('ix_rmas_listed_on_number', table_name='rmas')
    with warnings.catch_warnings(), _batch() as batch_op:
        batch_op.alter_column('received_on', existing_type=sa.Date(), nullable=False)
        batch_op.alter_column('due_on', existing_type=sa.Date(), nullable=False)
        batch_op.drop_column('listed_on')
    op.create_index('ix_rmas_received_on_number', 'rmas', ['received_on', 'number'])
