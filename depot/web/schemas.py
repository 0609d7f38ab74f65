"""Request bodies -> typed values. Only syntax is checked here; existence and rules are deeper."""
from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from depot.domain.accessories import ACCESSORIES
from depot.domain.pricing import QuoteLine, make_line
from depot.errors import InvalidInputError
from depot.services.units import CustomerInput, parse_date


def body_object(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise InvalidInputError("the body must be a JSON object", code="invalid_json")
    return data


def text(data: dict[str, Any], name: str, *, required: bool = True, max_len: int = 2000,
         default: str = "") -> str:
    value = data.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise InvalidInputError(f"{name} is required", code="missing_field", field=name)
        return default
    if not isinstance(value, str):
        raise InvalidInputError(f"{name} must be text", code="invalid_field", field=name)
    value = value.strip()
    if len(value) > max_len:
        raise InvalidInputError(f"{name} is longer than {max_len} characters",
                                code="invalid_field", field=name)
    return value


def integer(data: dict[str, Any], name: str, *, minimum: int, maximum: int,
            default: int | None = None) -> int:
    value = data.get(name, default)
    if value is None:
        raise InvalidInputError(f"{name} is required", code="missing_field", field=name)
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        raise InvalidInputError(f"{name} must be a whole number from {minimum} to {maximum}",
                                code="invalid_field", field=name)
    return value


def optional_date(data: dict[str, Any], name: str) -> date | None:
    value = data.get(name)
    if value is not None and not isinstance(value, str):
        raise InvalidInputError(f"{name} must be a date YYYY-MM-DD or null", code="invalid_date",
                                field=name)
    return parse_date(value, name)


def parse_model(data: Any) -> tuple[str, str, int]:
    data = body_object(data)
    return (text(data, "code", max_len=80), text(data, "name", max_len=200),
            integer(data, "warranty_months", minimum=0, maximum=240))


def parse_customer(value: Any) -> CustomerInput | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise InvalidInputError("customer must be an object", code="invalid_field", field="customer")
    return CustomerInput(
        name=text(value, "name", required=False, max_len=200),
        phone=text(value, "phone", required=False, max_len=50),
        email=text(value, "email", required=False, max_len=254),
        address=text(value, "address", required=False, max_len=1000),
    )


def parse_unit(data: Any) -> dict[str, Any]:
    data = body_object(data)
    if "purchase_date" not in data:
        raise InvalidInputError("purchase_date is required (null when unknown)",
                                code="missing_field", field="purchase_date")
    return {
        "serial": text(data, "serial", max_len=80),
        "model_code": text(data, "model", max_len=80),
        "purchase_date": optional_date(data, "purchase_date"),
        "customer": parse_customer(data.get("customer")),
        "extended_months": integer(data, "extended_months", minimum=0, maximum=120, default=0),
    }


def parse_accessories(value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InvalidInputError("accessories must be a list of codes", code="invalid_field",
                                field="accessories", known=list(ACCESSORIES))
    return [v.strip() for v in value if v.strip()]


def parse_rma(data: Any) -> dict[str, Any]:
    data = body_object(data)
    return {
        "serial": text(data, "serial", max_len=80),
        "fault_description": text(data, "fault_description", required=False, max_len=4000),
        "accessories": parse_accessories(data.get("accessories")),
        "reported_on": optional_date(data, "reported_on"),
    }


def optional_bool(data: dict[str, Any], name: str) -> bool | None:
    value = data.get(name)
    if value is None or isinstance(value, bool):
        return value
    raise InvalidInputError(f"{name} must be true or false", code="invalid_field", field=name)


def code_list(data: dict[str, Any], name: str, *, max_items: int = 100) -> list[str]:
    value = data.get(name, [])
    if value is None:
        return []
    if (not isinstance(value, list) or len(value) > max_items
            or not all(isinstance(v, str) and 0 < len(v.strip()) <= 80 for v in value)):
        raise InvalidInputError(f"{name} must be a list of codes", code="invalid_field",
                                field=name)
    return [v.strip() for v in value]


def money(data: dict[str, Any], name: str) -> Decimal:
    """A non-negative amount as a decimal string ("120.00"); numbers are accepted too."""
    value = data.get(name)
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise InvalidInputError(f"{name} must be an amount such as \"120.00\"",
                                code="invalid_field", field=name)
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise InvalidInputError(f"{name} must be an amount such as \"120.00\"",
                                code="invalid_field", field=name) from None
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")) \
            or amount >= Decimal("1e10"):
        raise InvalidInputError(f"{name} must be a non-negative amount with at most 2 decimals",
                                code="invalid_field", field=name)
    return amount.quantize(Decimal("0.01"))


def choice(data: Any, name: str, options: tuple[str, ...]) -> str:
    value = data.get(name)
    if value not in options:
        raise InvalidInputError(f"{name} must be one of {', '.join(options)}",
                                code="invalid_field", field=name, known=list(options))
    return value


def decimal_value(value: Any, name: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise InvalidInputError(f"{name} must be a number such as \"1\" or \"1.5\"",
                                code="invalid_field", field=name)
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise InvalidInputError(f"{name} must be a number", code="invalid_field",
                                field=name) from None
    if not number.is_finite():
        raise InvalidInputError(f"{name} must be a number", code="invalid_field", field=name)
    return number


def quote_lines(data: dict[str, Any]) -> list[QuoteLine] | None:
    """`lines` as checked QuoteLines; None when absent (the service proposes a draft)."""
    if "lines" not in data or data["lines"] is None:
        return None
    raw = data["lines"]
    if not isinstance(raw, list) or len(raw) > 100:
        raise InvalidInputError("lines must be a list of at most 100 lines", code="invalid_field",
                                field="lines")
    out = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict):
            raise InvalidInputError(f"line {index + 1} must be an object", code="invalid_line",
                                    field="lines", index=index)
        try:
            out.append(make_line(
                text(item, "kind", max_len=20), text(item, "description", max_len=500),
                decimal_value(item.get("quantity", 1), "quantity"),
                decimal_value(item.get("unit_price"), "unit_price")))
        except InvalidInputError as exc:
            exc.details["index"] = index
            raise
    return out


def tax_rate(data: dict[str, Any]) -> Decimal | None:
    if data.get("tax_rate") is None:
        return None
    return decimal_value(data["tax_rate"], "tax_rate")
