"""Errors raised below the web layer. Only depot/web/errors.py maps them to HTTP.

This module imports nothing from the project so that every layer can use it.
"""
from __future__ import annotations

from typing import Any


class DepotError(Exception):
    """Base of every error Depot raises on purpose."""

    code = "depot_error"

    def __init__(self, message: str, *, code: str | None = None, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.details: dict[str, Any] = details


class InvalidInputError(DepotError):
    code = "invalid_input"


class NotFoundError(DepotError):
    code = "not_found"


class ConflictError(DepotError):
    """The request clashes with what is stored (a duplicate serial, say)."""

    code = "conflict"


class InvalidTransitionError(DepotError):
    """An action that the RMA's current status does not allow."""

    code = "invalid_transition"


class PermissionDeniedError(DepotError):
    code = "forbidden"


class AuthenticationError(DepotError):
    code = "unauthorized"


class UnavailableError(DepotError):
    code = "unavailable"
