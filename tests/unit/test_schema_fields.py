"""The request schemas as properties: whatever JSON comes in, parse() gives a clean model or an
InvalidInputError that names the field, and never anything else (no 500 can start here)."""
from __future__ import annotations

import inspect
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from depot.domain.syntax import BAD_IN_LINES
from depot.errors import InvalidInputError
from depot.web import schemas
from depot.web.schemas import bodies, fields

TODAY = date(2026, 11, 20)
MODELS = sorted((m for _, m in inspect.getmembers(bodies, inspect.isclass)
                 if issubclass(m, BaseModel) and m not in (BaseModel, bodies.Body)),
                key=lambda m: m.__name__)
NASTY = st.sampled_from(["\x00", "a\x00b", "\ud800", "\udfff x", "x" * 10_000, " ", "\r\n",
                         "1e30", "1e-1000000", "NaN", "-Infinity", "9999-12-31", "2026-02-30",
                         "0000-01-01", str(2**63), "１２", "٣", "1_000", "+1", "\u202e",
                         "a@b.cn\r\nBcc: c@d.cn", "true", "on"])
SCALARS = (st.none() | st.booleans() | st.integers() | st.text() | NASTY
           | st.decimals(allow_nan=True, allow_infinity=True)
           | st.sampled_from([Decimal("1E-1000000"), Decimal("1E+30"), Decimal("-0"),
                              Decimal("12.345"), 2**63, -(2**63)]))
JSON = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.text(max_size=12), inner, max_size=4), max_leaves=12)


def bodies_for(model: type[BaseModel]) -> st.SearchStrategy[dict]:
    names = list(model.model_fields) + [f.alias for f in model.model_fields.values() if f.alias]
    nested = {"customer": st.dictionaries(st.sampled_from(list(bodies.CustomerIn.model_fields)),
                                          JSON, max_size=4),
              "lines": st.lists(st.dictionaries(st.sampled_from(list(bodies.LineIn.model_fields)),
                                                JSON, max_size=4), max_size=3)}
    return st.dictionaries(st.sampled_from(names),
                           st.deferred(lambda: JSON), max_size=len(names)).flatmap(
        lambda d: st.fixed_dictionaries({**{k: st.just(v) for k, v in d.items()},
                                         **{k: s for k, s in nested.items() if k in d}}))


def clean(value: object) -> None:
    """What a model holds is storable: text without controls or surrogates, finite numbers."""
    if isinstance(value, str):
        assert not BAD_IN_LINES.search(value) and len(value) <= fields.TEXT_CAP
    elif isinstance(value, Decimal):
        assert value.is_finite() and abs(value) < Decimal(10) ** 10
    elif isinstance(value, int) and not isinstance(value, bool):
        assert -(2**63) <= value < 2**63
    elif isinstance(value, BaseModel):
        for item in value.__dict__.values():
            clean(item)
    elif isinstance(value, list):
        for item in value:
            clean(item)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_any_json_gives_a_clean_model_or_a_named_refusal(model, data):
    body = data.draw(bodies_for(model))
    for form in (False, True):
        sent = {k: v if not form or not isinstance(v, str | int) else str(v)
                for k, v in body.items()}
        try:
            parsed = schemas.parse(model, sent, form=form, today=TODAY)
        except InvalidInputError as error:
            assert error.details["field"] and error.details["field"] in error.details["fields"]
            assert "%(" not in error.message and error.template in schemas.SENTENCES
        else:
            clean(parsed)


@pytest.mark.parametrize(("value", "expected"), [
    ("120.00", Decimal("120.00")), (120, Decimal("120.00")), ("1.5", Decimal("1.50")),
    (Decimal("9999999999.99"), Decimal("9999999999.99")), (Decimal("0E-1000000"), Decimal("0.00")),
])
def test_money_takes_strings_and_numbers(value, expected):
    parsed = schemas.parse(bodies.PaymentIn, {"amount": value, "method": "cash"}, today=TODAY)
    assert parsed.amount == expected and str(parsed.amount) == str(expected)


@pytest.mark.parametrize("value", ["1e30", Decimal("1E+30"), Decimal("1E-1000000"), "NaN",
                                   "Infinity", Decimal("NaN"), "1.234", "-1", True, "1_000",
                                   " ", "１２０", "10000000000", "1" * 41, [1], {"a": 1}])
def test_money_refuses_what_no_numeric_12_2_holds(value):
    with pytest.raises(InvalidInputError) as refused:
        schemas.parse(bodies.PaymentIn, {"amount": value, "method": "cash"}, today=TODAY)
    assert refused.value.details["field"] == "amount"


def test_dates_are_bounded_by_the_depot_today():
    unit = {"serial": "S1", "model": "M"}
    assert schemas.parse(bodies.UnitIn, {**unit, "purchase_date": "2026-11-21"},
                         today=TODAY).purchase_date == date(2026, 11, 21)  # a zone ahead
    for day in ("2026-11-22", "9999-12-31", "1989-12-31"):
        with pytest.raises(InvalidInputError) as refused:
            schemas.parse(bodies.UnitIn, {**unit, "purchase_date": day}, today=TODAY)
        assert refused.value.code == "invalid_date"
        assert refused.value.details["latest"] == "2026-11-21"
    with pytest.raises(InvalidInputError, match="reported_on"):
        schemas.parse(bodies.RmaIn, {"serial": "S1", "reported_on": "2026-11-21"}, today=TODAY)


def test_json_is_strict_and_forms_are_strings():
    model = {"code": "M", "name": "M"}
    for value in ("12", 12.0, True, Decimal("12")):
        with pytest.raises(InvalidInputError, match="whole number"):
            schemas.parse(bodies.ModelIn, {**model, "warranty_months": value}, today=TODAY)
    assert schemas.parse(bodies.ModelIn, {**model, "warranty_months": " 12 "}, form=True,
                         today=TODAY).warranty_months == 12
    with pytest.raises(InvalidInputError, match="must be text"):
        schemas.parse(bodies.UnitIn, {"serial": 12345, "model": "M", "purchase_date": None},
                      today=TODAY)


def test_limits_come_from_the_columns():
    assert fields.text_limit(bodies.Unit.serial) == 80
    assert fields.text_limit(bodies.Customer.address, 1000) == 1000
    assert fields.int_range(bodies.Part.stock) == (-(2**31), 2**31 - 1)
    with pytest.raises(AssertionError):
        fields.Text(bodies.Unit.serial, cap=81)
    with pytest.raises(AssertionError):
        fields.Int(bodies.Part.stock, 0, 2**31)
