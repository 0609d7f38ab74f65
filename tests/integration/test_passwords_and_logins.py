"""Passwords are checked on every path that sets one; a login costs one hash check whether the
user exists or not."""
from __future__ import annotations

import pytest
from werkzeug.security import check_password_hash as real_check

from depot.errors import InvalidInputError
from depot.models import User, db
from depot.services import users
from tests.conftest import NOW


def test_create_user_refuses_a_weak_password_and_creates_nothing(app):
    with pytest.raises(InvalidInputError, match="at least 10"):
        users.create_user(db.session, "li.na", "clerk", password="a", now=NOW)
    with pytest.raises(InvalidInputError, match="user name"):
        users.create_user(db.session, "li.na.zhang", "clerk", password="LI.NA.ZHANG", now=NOW)
    assert db.session.query(User).count() == 0
    users.create_user(db.session, "token.only", "clerk", now=NOW)  # no password: API token only


def test_set_password_refuses_a_weak_one(app):
    users.create_user(db.session, "li.na", "clerk", password="first-password", now=NOW)
    for weak in ("short", "zzzzzzzzzzzzzz", "a" * 201):
        with pytest.raises(InvalidInputError):
            users.set_password(db.session, "li.na", weak)
    assert users.authenticate(db.session, "li.na", "first-password") is not None


def test_the_cli_says_why(app):
    runner = app.test_cli_runner()
    short = runner.invoke(args=["users", "create", "li.na", "--role", "clerk", "--password", "a"])
    assert short.exit_code != 0 and "at least 10 characters" in short.output
    same = runner.invoke(args=["users", "create", "li.na", "--role", "clerk",
                               "--password", "1111111111"])
    assert same.exit_code != 0 and "one character repeated" in same.output
    assert db.session.query(User).count() == 0
    good = runner.invoke(args=["users", "create", "li.na", "--role", "clerk",
                               "--password", "a-good-password"])
    assert good.exit_code == 0, good.output
    weak = runner.invoke(args=["users", "set-password", "li.na", "--password", "short"])
    assert weak.exit_code != 0 and "at least 10 characters" in weak.output
    admin = runner.invoke(args=["depot", "ensure-admin"])
    password = admin.output.split("password '")[1].split("'")[0]
    assert users.authenticate(db.session, "admin", password) is not None


@pytest.fixture
def hash_checks(monkeypatch):
    """Every password-hash check authenticate makes (werkzeug's own function still runs)."""
    seen: list[str] = []

    def counting(pwhash: str, password: str) -> bool:
        seen.append(pwhash)
        return real_check(pwhash, password)

    monkeypatch.setattr(users, "check_password_hash", counting)
    return seen


def test_an_unknown_user_costs_a_hash_check_like_a_known_one(app, hash_checks):
    users.create_user(db.session, "li.na", "clerk", password="clerk-password-1", now=NOW)
    users.create_user(db.session, "api.only", "clerk", now=NOW)
    users.create_user(db.session, "gone", "clerk", password="gone-password-1", now=NOW)
    users.update_user(db.session, "gone", active=False)
    dummy = users._dummy_hash()
    assert dummy.split("$")[0] == db.session.query(User).filter_by(
        username="li.na").one().password_hash.split("$")[0]  # same method, same cost

    assert users.authenticate(db.session, "nobody", "clerk-password-1") is None
    assert hash_checks == [dummy]
    assert users.authenticate(db.session, "api.only", "clerk-password-1") is None
    assert hash_checks == [dummy, dummy]
    assert users.authenticate(db.session, "gone", "gone-password-1") is None
    assert len(hash_checks) == 3 and hash_checks[-1] != dummy
    assert users.authenticate(db.session, "li.na", "wrong-password") is None
    assert users.authenticate(db.session, "li.na", "clerk-password-1").username == "li.na"
    assert len(hash_checks) == 5 and dummy not in hash_checks[2:]
