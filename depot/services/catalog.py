"""Product models: their codes, names, warranty terms and serial patterns."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from depot.errors import ConflictError
from depot.models import ProductModel
from depot.services.serials import check_pattern


def create_model(
    session: Session, code: str, name: str, warranty_months: int, *,
    serial_pattern: str | None = None, now: datetime,
) -> ProductModel:
    code = code.strip()
    if session.scalar(select(ProductModel).where(ProductModel.code == code)):
        raise ConflictError("product model %(model)s exists already", code="model_exists",
                            model=code[:80])
    if serial_pattern:
        serial_pattern = check_pattern(serial_pattern)
    model = ProductModel(code=code, name=name.strip(), warranty_months=warranty_months,
                         serial_pattern=serial_pattern or None, created_at=now)
    session.add(model)
    session.commit()
    return model


def list_models(session: Session) -> list[ProductModel]:
    return list(session.scalars(select(ProductModel).order_by(ProductModel.code)))
