"""Users, roles, passwords and API tokens. Passwords are hashed; tokens are stored as SHA-256."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from depot.domain.roles import ROLES
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
    if role not in ROLES:
        raise InvalidInputError("unknown role %(role)s", code="invalid_role", role=role[:40],
                                roles=list(ROLES))
    if session.scalar(select(User).where(User.username == username)):
        raise ConflictError("user %(username)s exists already", code="user_exists",
                            username=username)
    token = secrets.token_urlsafe(32)
    user = User(username=username, role=role, display_name=display_name or username,
                password_hash=generate_password_hash(password) if password else None,
                token_hash=hash_token(token), active=True, created_at=now)
    session.add(user)
    session.commit()
    return user, token


def set_password(session: Session, username: str, password: str) -> None:
    if len(password) < 8:
        raise InvalidInputError("a password needs at least 8 characters", code="weak_password")
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFoundError("no user %(username)s", code="user_not_found",
                            username=username[:80])
    user.password_hash = generate_password_hash(password)
    session.commit()


def new_token(session: Session, username: str) -> str:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFoundError("no user %(username)s", code="user_not_found",
                            username=username[:80])
    token = secrets.token_urlsafe(32)
    user.token_hash = hash_token(token)
    session.commit()
    return token


def user_by_token(session: Session, token: str) -> User | None:
    if not token:
        return None
    user = session.scalar(select(User).where(User.token_hash == hash_token(token)))
    return user if user is not None and user.active else None


def authenticate(session: Session, username: str, password: str) -> User | None:
    user = session.scalar(select(User).where(User.username == username.strip()))
    if user is None or not user.active or not user.password_hash:
        return None
    return user if check_password_hash(user.password_hash, password) else None


def count_admins(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(User).where(User.role == "admin")) or 0
