"""Signed, expiring links for customers: no account, just a token only Depot can make."""
from __future__ import annotations

from itsdangerous import (
    BadData,
    BadSignature,
    SignatureExpired,
    URLSafeSerializer,
    URLSafeTimedSerializer,
)

from depot.errors import InvalidTransitionError, NotFoundError

QUOTE_SALT = "depot.quote.v1"
MAX_AGE_DAYS = 120  # a hard stop; the quote's own validity date is checked as well


def quote_token(secret: str, quote_number: str, nonce: str) -> str:
    return URLSafeTimedSerializer(secret, salt=QUOTE_SALT).dumps({"q": quote_number, "n": nonce})


def read_quote_token(secret: str, token: str) -> tuple[str, str]:
    """(quote number, nonce) from a customer's link; a forged link is not found, an old one
    has expired."""
    serializer = URLSafeTimedSerializer(secret, salt=QUOTE_SALT)
    try:
        data = serializer.loads(token, max_age=MAX_AGE_DAYS * 86400)
    except SignatureExpired:
        raise InvalidTransitionError("this link has expired", code="quote_expired",
                                     allowed=[]) from None
    except BadSignature:
        raise NotFoundError("this link is not valid", code="invalid_link") from None
    if not isinstance(data, dict) or not isinstance(data.get("q"), str):
        raise NotFoundError("this link is not valid", code="invalid_link")
    return data["q"], str(data.get("n", ""))


STATUS_SALT = "depot.status.v1"


def status_token(secret: str, rma_number: str) -> str:
    """The token of an RMA's status link: the same in every mail of that RMA. It has no age
    limit of its own: the link lives until 90 days after the RMA closes (see
    services.customer_status), so it carries no time either: one RMA, one link."""
    return URLSafeSerializer(secret, salt=STATUS_SALT).dumps({"r": rma_number})


def read_status_token(secret: str, token: str) -> str:
    """The RMA number a status link names; a forged or altered link (or another kind of link,
    a quote's) is not found."""
    try:
        data = URLSafeSerializer(secret, salt=STATUS_SALT).loads(token)
    except BadData:  # a bad signature, or a payload that is not ours
        raise NotFoundError("this link is not valid", code="invalid_link") from None
    if not isinstance(data, dict) or not isinstance(data.get("r"), str):
        raise NotFoundError("this link is not valid", code="invalid_link")
    return data["r"]


SURVEY_SALT = "depot.survey.v1"
SURVEY_MAX_AGE_DAYS = 60  # a survey link answers for two months after it was sent


def survey_token(secret: str, rma_number: str, nonce: str) -> str:
    return URLSafeTimedSerializer(secret, salt=SURVEY_SALT).dumps({"r": rma_number, "n": nonce})


def read_survey_token(secret: str, token: str) -> tuple[str, str]:
    """(RMA number, nonce) from a survey link; a forged or changed link is not found, one past
    SURVEY_MAX_AGE_DAYS has expired."""
    serializer = URLSafeTimedSerializer(secret, salt=SURVEY_SALT)
    try:
        data = serializer.loads(token, max_age=SURVEY_MAX_AGE_DAYS * 86400)
    except SignatureExpired:
        raise InvalidTransitionError("this link has expired", code="link_expired",
                                     allowed=[]) from None
    except BadSignature:
        raise NotFoundError("this link is not valid", code="invalid_link") from None
    if not isinstance(data, dict) or not isinstance(data.get("r"), str):
        raise NotFoundError("this link is not valid", code="invalid_link")
    return data["r"], str(data.get("n", ""))
