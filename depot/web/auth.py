"""Who is asking, and may they? Bearer tokens for the API, Flask-Login sessions for pages.

Our own pages call the JSON API with their session cookie; such calls must carry the CSRF token
(header X-CSRFToken), so a cookie alone never authorises a change.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import g, request
from flask_login import current_user

from depot.domain.roles import may
from depot.errors import AuthenticationError, PermissionDeniedError
from depot.extensions import csrf, db, login_manager
from depot.models import User
from depot.services import users


def load_user(session_id: str) -> User | None:
    """Flask-Login's user_loader, on every request with a session: the session's user while
    the account is active and the session was not ended (logout, new password, role, off)."""
    return users.user_for_session(db.session, session_id)


def api_user() -> User:
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthenticationError("use 'Authorization: Bearer <token>'", code="unauthorized")
        user = users.user_by_token(db.session, token.strip())
        if user is None:
            raise AuthenticationError("the token is not valid", code="unauthorized")
        return user
    if current_user.is_authenticated:
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            csrf.protect()
        return current_user._get_current_object()
    raise AuthenticationError("a bearer token is needed", code="unauthorized")


def requires(*permissions: str) -> Callable:
    """The endpoint needs a user holding any one of `permissions`."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            user = api_user()
            if not any(may(user.role, p) for p in permissions):
                raise PermissionDeniedError("a %(role)s may not do this", code="forbidden",
                                            role=user.role)
            g.actor = user
            return view(*args, **kwargs)

        return wrapped

    return decorate


def page_requires(*permissions: str) -> Callable:
    """For HTML pages: log in first, then the same role check."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if permissions and not any(may(current_user.role, p) for p in permissions):
                raise PermissionDeniedError("your role may not open this page", code="forbidden")
            g.actor = current_user._get_current_object()
            return view(*args, **kwargs)

        return wrapped

    return decorate


def current_actor() -> User:
    return g.actor
