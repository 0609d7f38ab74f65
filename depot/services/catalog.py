"""Product models: their codes, names, warranty terms and serial patterns."""
from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from depot.errors import ConflictError, InvalidInputError
from depot.models import ProductModel


def create_model(
    session: Session, code: str, name: str, warranty_months: int, *,
    serial_pattern: str | None = None, now: datetime,
) -> ProductModel:
    code = code.strip()
    if session.scalar(select(ProductModel).where(ProductModel.code == code)):
        raise ConflictError("product model %(model)s exists already", code="model_exists",
                            model=code[:80])
    if serial_pattern:
        try:
            re.compile(serial_pattern)
        except re.error as exc:
            raise InvalidInputError("serial pattern is not a valid expression: %(error)s",
                                    code="invalid_serial_pattern", error=str(exc)[:120]) from None
    model = ProductModel(code=code, name=name.strip(), warranty_months=warranty_months,
                         serial_pattern=serial_pattern or None, created_at=now)
    session.add(model)
    session.commit()
    return model


def list_models(session: Session) -> list[ProductModel]:
    return list(session.scalars(select(ProductModel).order_by(ProductModel.code)))
