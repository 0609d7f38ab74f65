"""Users, roles, passwords and API tokens. Passwords are hashed; tokens are stored as SHA-256.

A page session names the user and the user's `session_version` (User.get_id); logging out, a new
password, a new role and deactivation raise the version, so every older copy of the session
cookie stops working at once, wherever it was copied to.
"""
from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from depot.domain.passwords import check_password
from depot.domain.roles import NOBODY, ROLES
from depot.errors import ConflictError, InvalidInputError, NotFoundError
from depot.models import User


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_user(
    session: Session, username: str, role: str, *, password: str | None = None,
    display_name: str = "", now: datetime,
) -> tuple[User, str]:
    """Create a user; return it and its new API token (shown once, stored only as a hash)."""
    username = username.strip()
    if not username or len(username) > 80:
        raise InvalidInputError("a user name of 1 to 80 characters is needed", code="invalid_username")
    if username.casefold() == NOBODY:
        raise InvalidInputError("%(username)s names RMAs nobody holds in the lists: choose "
                                "another user name", code="invalid_username", username=username)
    if role not in ROLES:
        raise InvalidInputError("unknown role %(role)s", code="invalid_role", role=role[:40],
                                roles=list(ROLES))
    if password is not None:
        check_password(password, username)
    if session.scalar(select(User).where(User.username == username)):
        raise ConflictError("user %(username)s exists already", code="user_exists",
                            username=username)
    token = secrets.token_urlsafe(32)
    user = User(username=username, role=role, display_name=display_name or username,
                password_hash=generate_password_hash(password) if password else None,
                token_hash=hash_token(token), active=True, created_at=now, session_version=0)
    session.add(user)
    session.commit()
    return user, token


def _user(session: Session, username: str, *, lock: bool = False) -> User:
    query = select(User).where(User.username == username)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    user = session.scalar(query)
    if user is None:
        raise NotFoundError("no user %(username)s", code="user_not_found",
                            username=username[:80])
    return user


def _end_sessions(user: User) -> None:
    user.session_version = (user.session_version or 0) + 1


def generated_password() -> str:
    """A password for someone to be told once (16 characters of [A-Za-z0-9_-])."""
    return secrets.token_urlsafe(12)


def set_password(session: Session, username: str, password: str) -> None:
    """A new password; every session of the user ends (a thief's copy too)."""
    check_password(password, username)
    user = _user(session, username)
    user.password_hash = generate_password_hash(password)
    _end_sessions(user)
    session.commit()


def update_user(session: Session, username: str, *, role: str | None = None,
                active: bool | None = None, email: str | None = None) -> User:
    """Change a user's role or switch the account on or off; either ends the user's sessions,
    so the next page or API call is judged by the new facts (the API token checks `active`)."""
    if role is not None and role not in ROLES:
        raise InvalidInputError("unknown role %(role)s", code="invalid_role", role=role[:40],
                                roles=list(ROLES))
    admins = _lock_active_admins(session)
    user = _user(session, username, lock=True)
    leaves_admins = user.id in admins and (
        (role is not None and role != "admin") or active is False)
    if leaves_admins and len(admins) == 1:
        raise ConflictError(
            "%(username)s is the last active admin: make another user an admin first",
            code="last_admin", username=user.username)
    changed = False
    if role is not None and role != user.role:
        user.role, changed = role, True
    if active is not None and active != user.active:
        user.active, changed = active, True
    if email is not None:  # where the reports go; "" takes it away
        user.email = _email(email)
    if changed:
        _end_sessions(user)
    session.commit()
    return user


def _lock_active_admins(session: Session) -> list[int]:
    """The ids of the active admins, their rows locked in id order (PostgreSQL; a SQLite
    transaction holds the write lock already) before any other user row is, so two admins
    switching each other off at once cannot both pass and never deadlock: the second counts
    again after the first one's commit."""
    return list(session.scalars(
        select(User.id).where(User.role == "admin", User.active.is_(True))
        .order_by(User.id).with_for_update()))


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


def _email(text: str) -> str | None:
    text = text.strip()
    if text and (len(text) > 254 or "@" not in text or any(c.isspace() for c in text)):
        raise InvalidInputError("%(field)s must be an email address such as name@example.com",
                                code="invalid_email",
                                field="email")
    return text or None


def end_sessions(session: Session, user_id: int) -> None:
    """Logging out ends every session of the user: a copied cookie dies with the original."""
    user = session.get(User, user_id)
    if user is not None:
        _end_sessions(user)
        session.commit()


def user_for_session(session: Session, session_id: str) -> User | None:
    """The user a session cookie names (`<id>:<session version>`, see User.get_id), if the
    account is still active and the session was not ended since; else None."""
    user_id, _, version = (session_id or "").partition(":")
    try:
        user = session.get(User, int(user_id))
        wanted = int(version)
    except ValueError:
        return None
    if user is None or not user.active or (user.session_version or 0) != wanted:
        return None
    return user


def new_token(session: Session, username: str) -> str:
    user = _user(session, username)
    token = secrets.token_urlsafe(32)
    user.token_hash = hash_token(token)
    session.commit()
    return token


def user_by_token(session: Session, token: str) -> User | None:
    if not token:
        return None
    user = session.scalar(select(User).where(User.token_hash == hash_token(token)))
    return user if user is not None and user.active else None


@functools.cache
def _dummy_hash() -> str:
    """A hash made like a real one (same method and cost) of a password nobody knows."""
    return generate_password_hash(secrets.token_urlsafe(24))


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The user, if the password is theirs and the account is active.

    Every attempt costs one password-hash check, whether the user exists or not, so the time an
    answer takes does not tell which user names exist.
    """
    user = session.scalar(select(User).where(User.username == username.strip()))
    if user is None or not user.password_hash:
        check_password_hash(_dummy_hash(), password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    return user


def count_admins(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(User).where(User.role == "admin")) or 0
