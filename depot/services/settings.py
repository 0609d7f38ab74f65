"""The depot's settings as one value the web layer and the CLI hand to services."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from depot.domain.pricing import PricingPolicy
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
         "DEPOT_CLOSE_AFTER_DAYS", "DEPOT_REPEAT_DAYS")


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
                          timeout=float(config["DEPOT_SMTP_TIMEOUT"])),
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
    )
