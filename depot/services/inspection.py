"""Inspection: findings and notes, the damage class and coverage with reasons; overrides."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from depot.domain.damage import DamageClass, classify, judge_coverage
from depot.domain.exchange import DEFAULT_DOA_DAYS, doa_reason
from depot.domain.text import Reason
from depot.domain.warranty import WarrantyStatus
from depot.domain.workflow import Action
from depot.errors import InvalidInputError
from depot.models import Rma, User
from depot.services import findings as finding_catalogue
from depot.services.common import DEFAULT_TZ
from depot.services.workflow import Origin, change_status, lock_rma


@dataclass(frozen=True)
class InspectionResult:
    rma: Rma
    damage_class: DamageClass
    covered: bool
    reasons: tuple[Reason, ...]


def _stored(reasons: tuple[Reason, ...]) -> list[dict]:
    return [r.stored() for r in reasons]


def record_inspection(session: Session, number: str, findings: list[str], notes: str = "", *,
                      actor: User | None, now: datetime, tz: ZoneInfo = DEFAULT_TZ,
                      origin: Origin | None = None, doa_days: int = DEFAULT_DOA_DAYS
                      ) -> InspectionResult:
    """Classify the findings, judge coverage and move the RMA to `inspected`.

    A received RMA is inspected; an inspected one may be inspected again to correct findings.
    A quality fault within `doa_days` (DEPOT_DOA_DAYS) of the purchase date is dead on arrival:
    the coverage reasons gain `doa` and the exchange is offered first.
    """
    rma = lock_rma(session, number)
    damage = classify(findings, finding_catalogue.catalogue(session))
    coverage = judge_coverage(WarrantyStatus(rma.warranty_status), damage.damage_class)
    doa = doa_reason(damage.damage_class, rma.unit.purchase_date,
                     rma.reported_on or rma.received_on, doa_days)
    coverage_reasons = coverage.reasons + ((doa,) if doa is not None else ())
    change_status(session, rma, Action.INSPECT, actor=actor, now=now, tz=tz,
                  reason=", ".join(dict.fromkeys(findings)) or None, origin=origin)
    rma.findings = list(dict.fromkeys(findings))
    rma.inspection_notes = notes
    rma.damage_class = damage.damage_class.value
    rma.covered = coverage.covered
    rma.damage_reasons = _stored(damage.reasons)
    rma.coverage_reasons = _stored(coverage_reasons)
    session.commit()
    return InspectionResult(rma, damage.damage_class, coverage.covered,
                            damage.reasons + coverage_reasons)


def override(session: Session, number: str, *, reason: str, warranty: str | None = None,
             covered: bool | None = None, actor: User, now: datetime,
             origin: Origin | None = None) -> Rma:
    """A supervisor's decision over the rules, with a mandatory reason, kept as an event."""
    if not reason.strip():
        raise InvalidInputError("an override needs a reason", code="reason_required",
                                field="reason")
    if warranty is None and covered is None:
        raise InvalidInputError("say what to override: warranty or covered",
                                code="missing_field", field="warranty")
    if warranty is not None and warranty not in [s.value for s in WarrantyStatus]:
        raise InvalidInputError("unknown warranty status %(warranty)s", code="invalid_field",
                                field="warranty", warranty=str(warranty)[:40],
                                known=[s.value for s in WarrantyStatus])
    rma = lock_rma(session, number)
    changes = []
    if warranty is not None:
        changes.append(f"warranty {rma.warranty_status} -> {warranty}")
    if covered is not None:
        changes.append(f"covered {rma.covered} -> {covered}")
    change_status(session, rma, Action.OVERRIDE, actor=actor, now=now,
                  reason=f"{'; '.join(changes)}: {reason.strip()}", origin=origin)
    note = Reason("override", {"actor": actor.username, "reason": reason.strip()})
    if warranty is not None:
        rma.warranty_status = warranty
        rma.warranty_reasons = [*rma.warranty_reasons, *_stored((note,))]
        if rma.damage_class and covered is None:  # coverage follows the new warranty
            coverage = judge_coverage(WarrantyStatus(warranty), DamageClass(rma.damage_class))
            rma.covered = coverage.covered
            rma.coverage_reasons = _stored(coverage.reasons)
    if covered is not None:
        rma.covered = covered
        rma.coverage_reasons = [*rma.coverage_reasons, *_stored((note,))]
    session.commit()
    return rma
