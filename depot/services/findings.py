"""The finding catalogue: read as domain Findings, edited by an admin."""
from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from depot.domain.damage import FINDING_CLASSES, DamageClass, Finding
from depot.errors import ConflictError, InvalidInputError, NotFoundError
from depot.models import FindingCode

CODE_RE = re.compile(r"^[a-z][a-z0-9_]{1,49}$")


def _finding(row: FindingCode) -> Finding:
    return Finding(row.code, DamageClass(row.damage_class), row.label_zh, row.label_en,
                   row.label_zh_tw, row.retired)


def catalogue(session: Session) -> dict[str, Finding]:
    """Every code, retired ones too (old RMAs still name them), in display order."""
    rows = session.scalars(select(FindingCode).order_by(FindingCode.sort_order, FindingCode.code))
    return {row.code: _finding(row) for row in rows}


def names(session: Session, lang: str) -> dict[str, str]:
    """{code: label in `lang`} of every finding, for pages that show an RMA's findings."""
    return {code: finding.label(lang) for code, finding in catalogue(session).items()}


def create_finding(session: Session, code: str, damage_class: str, label_zh: str, label_en: str,
                   label_zh_tw: str = "") -> Finding:
    if not CODE_RE.match(code):
        raise InvalidInputError("a finding code is 2-50 lowercase letters, digits or _",
                                code="invalid_finding_code", field="code")
    if damage_class not in [c.value for c in FINDING_CLASSES]:
        raise InvalidInputError("damage_class must be man_made or quality",
                                code="invalid_field", field="damage_class")
    if session.get(FindingCode, code):
        raise ConflictError("finding %(finding)s exists already", code="finding_exists",
                            finding=code[:80])
    last = session.scalar(select(func.max(FindingCode.sort_order))) or 0
    row = FindingCode(code=code, damage_class=damage_class, label_zh=label_zh,
                      label_zh_tw=label_zh_tw, label_en=label_en, retired=False,
                      sort_order=last + 1)
    session.add(row)
    session.commit()
    return _finding(row)


def update_finding(session: Session, code: str, *, label_zh: str | None = None,
                   label_en: str | None = None, label_zh_tw: str | None = None,
                   retired: bool | None = None) -> Finding:
    """Labels and retirement change; the class of a code never does (old decisions rest on it)."""
    row = session.get(FindingCode, code)
    if row is None:
        raise NotFoundError("no finding %(finding)s", code="finding_not_found",
                            finding=code[:80])
    for name, value in (("label_zh", label_zh), ("label_en", label_en),
                        ("label_zh_tw", label_zh_tw), ("retired", retired)):
        if value is not None:
            setattr(row, name, value)
    session.commit()
    return _finding(row)
