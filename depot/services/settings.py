"""The depot's settings as one value the web layer and the CLI hand to services."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from depot.config import DEFAULT_MAIL_FROM, DEFAULT_PAYMENT_INSTRUCTIONS
from depot.domain.pricing import PricingPolicy
from depot.errors import InvalidInputError, fill
from depot.i18n import N_
from depot.models import Setting
from depot.services.outbox import MailSettings


@dataclass(frozen=True)
class DepotInfo:
    name: str
    address: str
    phone: str
    public_url: str


@dataclass(frozen=True)
class DepotSettings:
    depot: DepotInfo
    secret: str
    tz: ZoneInfo
    mail: MailSettings
    pricing: PricingPolicy
    payment_instructions: str
    remind_after_days: int
    freight_covered: str = "depot"
    freight_not_covered: str = "customer"
    label_size: str = "4x6"
    close_after_days: int = 14
    repeat_days: int = 90
    survey_after_days: int = 3  # DEPOT_SURVEY_AFTER_DAYS
    pay_before: str = "shipping"  # DEPOT_PAY_BEFORE: repair or shipping
    qa_by_other: bool = False  # DEPOT_QA_BY_OTHER: who finished a repair may not pass its QA
    exchange_warranty_days: int = 90  # DEPOT_EXCHANGE_WARRANTY_DAYS
    doa_days: int = 15  # DEPOT_DOA_DAYS
    request_expire_days: int = 30  # DEPOT_REQUEST_EXPIRE_DAYS

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> DepotSettings:
        """The settings of this configuration, built once per distinct set of values (a test or
        an admin may change the config of a running app, so the values are the cache key)."""
        return _build(tuple((key, config.get(key)) for key in _KEYS))


_KEYS = ("DEPOT_NAME", "DEPOT_ADDRESS", "DEPOT_PHONE", "DEPOT_PUBLIC_URL", "SECRET_KEY",
         "DEPOT_TIMEZONE", "DEPOT_MAIL_FROM", "DEPOT_SMTP_URL", "DEPOT_SMTP_TIMEOUT",
         "INSTANCE_PATH",
         "DEPOT_LABOR_PRICE", "DEPOT_INSPECTION_FEE", "DEPOT_RETURN_SHIPPING", "DEPOT_TAX_RATE",
         "DEPOT_QUOTE_VALID_DAYS", "DEPOT_PAYMENT_INSTRUCTIONS", "DEPOT_REMIND_AFTER_DAYS",
         "DEPOT_FREIGHT_COVERED", "DEPOT_FREIGHT_NOT_COVERED", "DEPOT_LABEL_SIZE",
         "DEPOT_CLOSE_AFTER_DAYS", "DEPOT_PAY_BEFORE", "DEPOT_QA_BY_OTHER",
         "DEPOT_REPEAT_DAYS", "DEPOT_SURVEY_AFTER_DAYS", "DEPOT_EXCHANGE_WARRANTY_DAYS",
         "DEPOT_DOA_DAYS", "DEPOT_REQUEST_EXPIRE_DAYS", "DEPOT_WEBHOOK_TIMEOUT")


@lru_cache(maxsize=16)
def _build(items: tuple[tuple[str, Any], ...]) -> DepotSettings:
    config = dict(items)
    return DepotSettings(
        depot=DepotInfo(config["DEPOT_NAME"], config["DEPOT_ADDRESS"], config["DEPOT_PHONE"],
                        config["DEPOT_PUBLIC_URL"]),
        secret=config["SECRET_KEY"],
        tz=ZoneInfo(config["DEPOT_TIMEZONE"]),
        mail=MailSettings(config["DEPOT_MAIL_FROM"], config["DEPOT_SMTP_URL"],
                          Path(config["INSTANCE_PATH"]) / "outbox",
                          timeout=float(config["DEPOT_SMTP_TIMEOUT"]),
                          webhook_timeout=float(config["DEPOT_WEBHOOK_TIMEOUT"] or 5)),
        pricing=PricingPolicy(
            labor_price=Decimal(config["DEPOT_LABOR_PRICE"]),
            inspection_fee=Decimal(config["DEPOT_INSPECTION_FEE"]),
            return_shipping=Decimal(config["DEPOT_RETURN_SHIPPING"]),
            tax_rate=Decimal(config["DEPOT_TAX_RATE"]),
            valid_days=int(config["DEPOT_QUOTE_VALID_DAYS"])),
        payment_instructions=config["DEPOT_PAYMENT_INSTRUCTIONS"],
        remind_after_days=int(config["DEPOT_REMIND_AFTER_DAYS"]),
        freight_covered=config["DEPOT_FREIGHT_COVERED"],
        freight_not_covered=config["DEPOT_FREIGHT_NOT_COVERED"],
        label_size=config["DEPOT_LABEL_SIZE"],
        close_after_days=int(config["DEPOT_CLOSE_AFTER_DAYS"]),
        repeat_days=int(config.get("DEPOT_REPEAT_DAYS") or 90),
        survey_after_days=int(config.get("DEPOT_SURVEY_AFTER_DAYS")
                              if config.get("DEPOT_SURVEY_AFTER_DAYS") is not None else 3),
        pay_before=config.get("DEPOT_PAY_BEFORE") or "shipping",
        qa_by_other=bool(config.get("DEPOT_QA_BY_OTHER")),
        exchange_warranty_days=_days(config.get("DEPOT_EXCHANGE_WARRANTY_DAYS"), 90),
        doa_days=_days(config.get("DEPOT_DOA_DAYS"), 15),
        request_expire_days=_days(config.get("DEPOT_REQUEST_EXPIRE_DAYS"), 30),
    )


def _days(value: Any, default: int) -> int:
    return default if value is None or value == "" else int(value)


# ---------------------------------------------------------------------------------------------
# What an admin edits on /admin/settings: stored in the `settings` table, one row per setting
# that differs from the environment's value (the default). Every reader of the settings (pages,
# mails, PDFs, labels, the outbox worker, the CLI) goes through load().

EDITABLE = {  # the setting's name on the page and in the table -> the environment variable
    "public_url": "DEPOT_PUBLIC_URL",
    "mail_from": "DEPOT_MAIL_FROM",
    "name": "DEPOT_NAME",
    "phone": "DEPOT_PHONE",
    "address": "DEPOT_ADDRESS",
    "payment_instructions": "DEPOT_PAYMENT_INSTRUCTIONS",
}
MAX_LENGTH = {"payment_instructions": 2000}
MAX_LINE = 200
LOOPBACK = ("127.0.0.1", "localhost", "::1", "0.0.0.0")


def stored(session: Session) -> dict[str, str]:
    """The settings saved on the settings page (name -> value)."""
    return {row.key: row.value for row in session.scalars(select(Setting))
            if row.key in EDITABLE}


def effective(config: Mapping[str, Any], saved: Mapping[str, str]) -> dict[str, str]:
    """Each editable setting's value: the saved one, else the environment's."""
    return {name: saved.get(name, str(config.get(variable) or ""))
            for name, variable in EDITABLE.items()}


def load(session: Session, config: Mapping[str, Any]) -> DepotSettings:
    """The depot's settings: the environment's (config), with what the admin saved on top."""
    merged = {key: config.get(key) for key in _KEYS}
    for name, value in stored(session).items():
        merged[EDITABLE[name]] = value
    return _build(tuple(merged.items()))


def save(session: Session, config: Mapping[str, Any], values: Mapping[str, str], *,
         actor: str, now: datetime) -> dict[str, str]:
    """Check and store the settings in `values` (names of EDITABLE; others are ignored); a value
    equal to the environment's drops the saved one, so the environment is the default again.
    Returns the effective settings. Raises InvalidInputError naming the field."""
    cleaned = {name: _clean(name, values[name]) for name in EDITABLE if name in values}
    rows = {row.key: row for row in session.scalars(select(Setting))}
    for name, value in cleaned.items():
        default = _clean_default(name, config.get(EDITABLE[name]))
        row = rows.get(name)
        if value == default:
            if row is not None:
                session.delete(row)
        elif row is None:
            session.add(Setting(key=name, value=value, updated_at=now, updated_by=actor))
        elif row.value != value:
            row.value, row.updated_at, row.updated_by = value, now, actor
    session.commit()
    return effective(config, stored(session))


def _clean_default(name: str, value: Any) -> str:
    text = str(value or "").replace("\r\n", "\n").strip()
    return text.rstrip("/") if name == "public_url" else text


def _clean(name: str, value: str) -> str:
    text = (value or "").replace("\r\n", "\n").strip()
    if len(text) > MAX_LENGTH.get(name, MAX_LINE):
        raise InvalidInputError("this setting is longer than %(max)s characters",
                                code="setting_too_long", field=name,
                                max=MAX_LENGTH.get(name, MAX_LINE))
    if name != "payment_instructions" and ("\n" in text or "\r" in text):
        raise InvalidInputError("this setting must be one line", code="setting_not_one_line",
                                field=name)
    if name == "public_url":
        parts = urlsplit(text)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.query \
                or parts.fragment or " " in text:
            raise InvalidInputError(
                "the public URL must be an address such as https://rma.example.com",
                code="invalid_public_url", field=name)
        return text.rstrip("/")
    if name == "mail_from":
        local, _, domain = text.rpartition("@")
        if not local or "." not in domain and domain != "localhost" or " " in text \
                or "<" in text or ">" in text or "," in text:
            raise InvalidInputError("the mail sender must be one address such as "
                                    "rma@example.com", code="invalid_mail_from", field=name)
    if name == "name" and not text:
        raise InvalidInputError("the depot needs a name", code="setting_required", field=name)
    return text


@dataclass(frozen=True)
class Notice:
    """A setting still at a default that a depot should not run with: a sentence (msgid) with
    %(name)s placeholders, for the settings page, `flask depot doctor` and `make run`."""

    setting: str
    template: str
    details: dict[str, str]

    @property
    def message(self) -> str:
        return fill(self.template, self.details)


def is_loopback(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return host in LOOPBACK or host.startswith("127.")


def unconfigured(values: Mapping[str, str]) -> list[Notice]:
    """The settings (effective values) left at a default that hurts customers."""
    notices = []
    if is_loopback(values["public_url"]):
        notices.append(Notice("public_url", N_(
            "customer links and QR codes point at %(url)s, which no customer can open: set the "
            "public URL"), {"url": values["public_url"]}))
    sender = values["mail_from"]
    if sender == DEFAULT_MAIL_FROM or sender.lower().endswith("@localhost"):
        notices.append(Notice("mail_from", N_(
            "mail is sent from %(sender)s, which customers' mail servers refuse: set the mail "
            "sender"), {"sender": sender}))
    if not values["phone"]:
        notices.append(Notice("phone", N_(
            "the depot's phone is not set: receipts, labels and mails print it empty"), {}))
    if not values["address"]:
        notices.append(Notice("address", N_(
            "the depot's address is not set: receipts and labels print it empty"), {}))
    if values["payment_instructions"].strip() == DEFAULT_PAYMENT_INSTRUCTIONS.strip():
        notices.append(Notice("payment_instructions", N_(
            "the payment text is the default and names no account: set the payment "
            "instructions"), {}))
    return notices
