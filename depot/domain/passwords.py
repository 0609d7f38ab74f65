"""What a password for page logins must be. Checked wherever one is set: a new user, a changed
password, the CLI and (later) the admin pages and the users API."""
from __future__ import annotations

from depot.errors import InvalidInputError

MIN_LENGTH = 10
MAX_LENGTH = 200  # the login form takes no more


def check_password(password: str, username: str = "") -> None:
    """Raise InvalidInputError (code `weak_password`) for a password that is too easy to guess."""
    if len(password) < MIN_LENGTH:
        raise InvalidInputError("a password needs at least %(minimum)s characters",
                                code="weak_password", field="password", minimum=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        raise InvalidInputError("a password may have at most %(maximum)s characters",
                                code="weak_password", field="password", maximum=MAX_LENGTH)
    if len(set(password)) == 1:
        raise InvalidInputError("a password must not be one character repeated",
                                code="weak_password", field="password")
    if username.strip() and password.strip().casefold() == username.strip().casefold():
        raise InvalidInputError("a password must not be the user name",
                                code="weak_password", field="password")
