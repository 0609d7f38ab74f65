"""Product models: their codes, names, warranty terms and serial patterns; retired models."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from depot.errors import ConflictError, InvalidInputError
from depot.models import ProductModel
from depot.services.common import get_model
from depot.services.serials import check_pattern

# The schemas' own sentence for a missing value (depot.web.schemas.refusals.REQUIRED): a
# blank code or name is refused here too, whoever calls.
REQUIRED = "%(field)s is required"


def _required(value: str, field: str) -> str:
    value = value.strip()
    if not value:
        raise InvalidInputError(REQUIRED, code="missing_field", field=field)
    return value


def create_model(
    session: Session, code: str, name: str, warranty_months: int, *,
    serial_pattern: str | None = None, now: datetime,
) -> ProductModel:
    code = _required(code, "code")
    name = _required(name, "name")
    if session.scalar(select(ProductModel).where(ProductModel.code == code)):
        raise ConflictError("product model %(model)s exists already", code="model_exists",
                            model=code[:80])
    if serial_pattern:
        serial_pattern = check_pattern(serial_pattern)
    model = ProductModel(code=code, name=name, warranty_months=warranty_months,
                         serial_pattern=serial_pattern or None, retired=False, created_at=now)
    session.add(model)
    session.commit()
    return model


def update_model(
    session: Session, code: str, *, name: str | None = None, warranty_months: int | None = None,
    serial_pattern: str | None = None, retired: bool | None = None,
) -> ProductModel:
    """Change what is given (None: as it is). A blank `name` is refused; a blank
    `serial_pattern` removes the pattern; `retired` takes the model out of intake's choices
    (or puts it back). The code never changes: units, imports and labels name the model by it."""
    model = get_model(session, code)
    if name is not None:
        model.name = _required(name, "name")
    if warranty_months is not None:
        model.warranty_months = warranty_months
    if serial_pattern is not None:
        model.serial_pattern = check_pattern(serial_pattern) if serial_pattern.strip() else None
    if retired is not None:
        model.retired = retired
    session.commit()
    return model


def list_models(session: Session, *, include_retired: bool = True) -> list[ProductModel]:
    query = select(ProductModel).order_by(ProductModel.code)
    if not include_retired:
        query = query.where(ProductModel.retired.is_(False))
    return list(session.scalars(query))
