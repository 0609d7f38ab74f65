"""Models -> the JSON shapes of the public contract."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from depot.domain.damage import Finding
from depot.domain.history import DEFAULT_REPEAT_DAYS, repeat_of
from depot.domain.payments import DEFAULT_PAY_BEFORE
from depot.domain.quotes import QuoteStatus
from depot.domain.text import Reason
from depot.domain.tracking import notification_status
from depot.domain.warranty import WarrantyDecision
from depot.domain.workflow import CLOCKED_STATUSES, RmaFacts, Status, allowed_actions
from depot.domain.workflow import waiting_for as waiting_for_rule
from depot.i18n import reason_text, stored_reasons_text
from depot.models import (
    Carton,
    Complaint,
    ComplaintEvent,
    Customer,
    Exchange,
    Notification,
    Part,
    Payment,
    ProductModel,
    Quote,
    Rma,
    RmaEvent,
    Survey,
    Unit,
    User,
)
from depot.services.exchange import replaced_by
from depot.services.workflow import balance, facts


def iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def model(m: ProductModel) -> dict[str, Any]:
    return {"code": m.code, "name": m.name, "warranty_months": m.warranty_months,
            "serial_pattern": m.serial_pattern, "retired": bool(m.retired)}


def customer(c: Customer | None) -> dict[str, Any] | None:
    if c is None:
        return None
    return {"id": c.id, "name": c.name, "phone": c.phone, "email": c.email, "address": c.address,
            "key_account": c.key_account, "language": c.language}


def warranty(decision: WarrantyDecision, lang: str) -> dict[str, Any]:
    return {"status": decision.status.value, "starts_on": iso(decision.starts_on),
            "ends_on": iso(decision.ends_on),
            "reasons": [reason_text(r, lang) for r in decision.reasons],
            "reason_codes": [r.code for r in decision.reasons]}


def rma_warranty(r: Rma, lang: str) -> dict[str, Any]:
    reasons = [Reason.from_stored(x) for x in r.warranty_reasons]
    return {"status": r.warranty_status, "starts_on": iso(r.warranty_starts_on),
            "ends_on": iso(r.warranty_ends_on), "reasons": [reason_text(x, lang) for x in reasons],
            "reason_codes": [x.code for x in reasons]}


def unit(u: Unit, decision: WarrantyDecision, lang: str, *, with_rmas: bool = True
         ) -> dict[str, Any]:
    out = {"serial": u.serial, "model": u.model.code, "model_name": u.model.name,
           "purchase_date": iso(u.purchase_date), "extended_months": u.extended_months,
           "has_proof_of_purchase": u.proof_attachment_id is not None,
           "customer": customer(u.customer), "warranty": warranty(decision, lang),
           "replaced_by": replaced_by(u)}
    if with_rmas:
        out["rmas"] = [rma_brief(r) for r in u.rmas]
        out["complaints"] = [complaint_brief(c) for c in u.complaints]
    return out


def rma_brief(r: Rma) -> dict[str, Any]:
    return {"number": r.number, "status": r.status, "received_on": iso(r.received_on),
            "due_on": iso(r.due_on)}


def event(e: RmaEvent, tz: ZoneInfo) -> dict[str, Any]:
    """The contract's event, and from where it came: `via` (web, api, link, cli, job; null
    when unknown) and the client's `ip`. Staff only: customers never see events."""
    return {"action": e.action, "from_status": e.from_status, "to_status": e.to_status,
            "actor": e.actor.username if e.actor else None,
            "at": e.at.isoformat().replace("+00:00", "Z"), "reason": e.reason,
            "via": e.via, "ip": e.ip}


def local(moment: datetime | None, tz: ZoneInfo) -> str:
    """A moment as a person reads it: in the depot's zone (DEPOT_TIMEZONE), never UTC's."""
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M") if moment else ""


def history(r: Rma, tz: ZoneInfo) -> list[dict[str, Any]]:
    """The events as the staff RMA page shows them: who by name, when in the depot's zone."""
    return [{**event(e, tz), "who": (e.actor.display_name or e.actor.username) if e.actor
             else None, "local_at": local(e.at, tz)}
            for e in r.events]


def notification_rows(r: Rma, tz: ZoneInfo) -> list[dict[str, Any]]:
    """The customer's mails as the staff RMA page shows them, in the depot's zone."""
    return [{**notification(n), "local_at": local(n.created_at, tz),
             "local_sent_at": local(n.message.sent_at if n.message else None, tz)}
            for n in r.notifications]


def payment_rows(r: Rma, tz: ZoneInfo) -> list[dict[str, Any]]:
    """The payments as the staff RMA page shows them, their times in the depot's zone."""
    return [{**payment(p), "local_received_at": local(p.received_at, tz),
             "local_voided_at": local(p.voided_at, tz)} for p in r.payments]


def quote_rows(r: Rma, tz: ZoneInfo) -> dict[int, dict[str, str]]:
    """Quote id -> when it was sent and answered, in the depot's zone."""
    return {q.id: {"sent": local(q.sent_at, tz), "answered": local(q.answered_at, tz)}
            for q in r.quotes}


def reasons(stored: list[dict[str, Any]], lang: str) -> list[str]:
    return stored_reasons_text(stored, lang)


def finding(f: Finding) -> dict[str, Any]:
    return {"code": f.code, "damage_class": f.damage_class.value, "label_zh": f.label_zh,
            "label_zh_tw": f.label_zh_tw, "label_en": f.label_en, "retired": f.retired}


def part(p: Part) -> dict[str, Any]:
    return {"part_number": p.part_number, "name_zh": p.name_zh, "name_en": p.name_en,
            "cost_price": f"{p.cost_price:.2f}", "currency": "CNY", "stock": p.stock,
            "models": list(p.model_codes or [])}


def previous_rma(r: Rma) -> Rma | None:
    """The same unit's most recent RMA before this one (a unit has a handful)."""
    earlier = [x for x in r.unit.rmas if (x.listed_on, x.number) < (r.listed_on, r.number)]
    return max(earlier, key=lambda x: (x.listed_on, x.number), default=None)


def rma_repeat_of(r: Rma, repeat_days: int = DEFAULT_REPEAT_DAYS) -> str | None:
    previous = previous_rma(r)
    return repeat_of(previous.number if previous else None,
                     previous.shipped_on if previous else None, r.received_on, repeat_days)


def rma(r: Rma, lang: str, tz: ZoneInfo, today: date, pay_before: str = DEFAULT_PAY_BEFORE,
        *, actor: User | None = None, qa_by_other: bool = False,
        repeat_days: int = DEFAULT_REPEAT_DAYS) -> dict[str, Any]:
    """The RMA; `allowed_actions` as `actor` meets the guards (`pay_before`: DEPOT_PAY_BEFORE,
    which decides whether an unpaid repair may start; `qa_by_other`: DEPOT_QA_BY_OTHER)."""
    status = Status(r.status)
    known = facts(r, pay_before, actor=actor, qa_by_other=qa_by_other)
    return {
        "number": r.number, "serial": r.unit.serial, "model": r.unit.model.code,
        "model_name": r.unit.model.name,
        "status": r.status, "fault_description": r.fault_description,
        "accessories": list(r.accessories or []), "received_on": iso(r.received_on),
        "reported_on": iso(r.reported_on), "due_on": iso(r.due_on),
        "overdue": status in CLOCKED_STATUSES and r.due_on is not None and r.due_on < today,
        "due_today": status in CLOCKED_STATUSES and r.due_on == today,
        "clock_paused_since": iso(r.paused_since),
        "warranty": rma_warranty(r, lang), "damage_class": r.damage_class, "covered": r.covered,
        "findings": list(r.findings or []), "inspection_notes": r.inspection_notes or "",
        "damage_reasons": reasons(r.damage_reasons or [], lang),
        "coverage_reasons": reasons(r.coverage_reasons or [], lang),
        "coverage_reason_codes": [x.get("code") for x in r.coverage_reasons or []],
        "technician": r.technician.username if r.technician else None,
        "customer": customer(r.unit.customer),
        "parts": [{"part_number": u.part.part_number, "name": u.part.name_zh,
                   "quantity": u.quantity, "unit_cost": f"{u.unit_cost:.2f}",
                   "currency": "CNY"} for u in r.part_uses],
        "quotes": [quote_brief(q) for q in r.quotes],
        "payments": [payment(p) for p in r.payments],
        **_balance(r),
        "waiting_for": waiting_for(r, today, known),
        "photos": [_photo(p) for p in r.photos],
        "evidence": [_photo(p) for p in r.evidence],
        "allowed_actions": [a.value for a in allowed_actions(status, known)],
        "events": [event(e, tz) for e in r.events],
        "shipped_on": iso(r.shipped_on),
        "shipment": shipment(r),
        "replacement_serial": r.exchange.replacement.serial if r.exchange else None,
        "repeat_of": rma_repeat_of(r, repeat_days),
        "notifications": [notification(n) for n in r.notifications],
        "survey": survey(r.survey),
        "complaints": [complaint_brief(c) for c in r.complaints],
        "created_at": r.created_at.isoformat().replace("+00:00", "Z"),
        "carton": r.carton.number if r.carton else None,
    }


def carton_rma(r: Rma, today: date) -> dict[str, Any]:
    """An RMA as a carton lists it: the search's brief (GET /rmas) and what came in the box."""
    status = Status(r.status)
    return {"number": r.number, "serial": r.unit.serial, "model": r.unit.model.code,
            "model_name": r.unit.model.name, "status": r.status,
            "customer_name": r.unit.customer.name if r.unit.customer else None,
            "received_on": iso(r.received_on), "due_on": iso(r.due_on),
            "overdue": status in CLOCKED_STATUSES and r.due_on is not None and r.due_on < today,
            "fault_description": r.fault_description,
            "accessories": list(r.accessories or []), "warranty_status": r.warranty_status}


def carton(c: Carton, today: date) -> dict[str, Any]:
    return {"number": c.number, "carrier": c.carrier, "tracking_number": c.tracking_number,
            "customer": customer(c.customer),
            "created_by": c.created_by.username if c.created_by else None,
            "created_at": c.created_at.isoformat().replace("+00:00", "Z"),
            "unit_count": len(c.rmas), "rmas": [carton_rma(r, today) for r in c.rmas]}


def notification(n: Notification) -> dict[str, Any]:
    """A milestone mail: `to` the address (null: the customer had none, status no_email),
    `status` queued, sent, failed or no_email, `at` when it was queued, `sent_at` when the
    mail server took it."""
    return {"kind": n.kind, "to": n.recipient or None,
            "status": notification_status(n.message.status if n.message else None),
            "at": _at(n.created_at), "sent_at": _at(n.message.sent_at if n.message else None)}


def money(value: Decimal) -> str:
    return f"{value:.2f}"


def quote_brief(q: Quote) -> dict[str, Any]:
    return {"number": q.number, "version": q.version, "status": q.status,
            "total": money(q.total), "currency": q.currency, "valid_until": iso(q.valid_until),
            "sent_at": _at(q.sent_at), "answered_at": _at(q.answered_at)}


def quote(q: Quote) -> dict[str, Any]:
    return {**quote_brief(q), "rma": q.rma.number, "subtotal": money(q.subtotal),
            "tax_rate": str(q.tax_rate.normalize()), "tax": money(q.tax),
            "lines": [{"kind": line.kind, "description": line.description,
                       "quantity": str(line.quantity.normalize()),
                       "unit_price": money(line.unit_price), "amount": money(line.amount)}
                      for line in q.lines],
            "answer_via": q.answer_via, "answer_comment": q.answer_comment,
            "reminders": q.reminders}


def payment(p: Payment) -> dict[str, Any]:
    """`credit`: the part above what was asked for, to refund; a voided payment keeps its row
    with `voided_at` and `void_reason` and no longer counts towards `paid`."""
    return {"id": p.id, "amount": money(p.amount), "currency": p.currency, "method": p.method,
            "reference": p.reference, "received_at": _at(p.received_at),
            "credit": money(p.credit or Decimal("0")), "voided_at": _at(p.voided_at),
            "void_reason": p.void_reason,
            "slip": f"/api/v1/attachments/{p.slip_attachment_id}" if p.slip_attachment_id
            else None}


def shipment(r: Rma) -> dict[str, Any] | None:
    s = r.shipment
    if s is None:
        return None
    return {"carrier": s.carrier, "tracking_number": s.tracking_number, "freight": s.freight,
            "scanned": list(s.scanned), "accessories": list(s.packed),
            "missing": list(s.missing), "shipped_at": _at(s.shipped_at)}


def _balance(r: Rma) -> dict[str, Any]:
    b = balance(r)
    return {"amount_due": money(b.due), "paid": money(b.paid),
            "outstanding": money(b.outstanding), "credit": money(b.credit), "currency": "CNY"}


def waiting_for(r: Rma, today: date, known: RmaFacts | None = None) -> str | None:
    """What the RMA waits for, in a word the screens translate."""
    sent = [q for q in r.quotes if q.status in (QuoteStatus.SENT, QuoteStatus.EXPIRED)]
    lapsed = bool(sent) and (sent[-1].status == QuoteStatus.EXPIRED
                             or sent[-1].valid_until < today)
    return waiting_for_rule(Status(r.status), known or facts(r), quote_lapsed=lapsed)


def _at(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None


def _photo(p) -> dict[str, Any]:
    return {"id": p.id, "filename": p.filename, "content_type": p.content_type,
            "url": f"/api/v1/attachments/{p.id}"}


def survey(s: Survey | None) -> dict[str, Any] | None:
    if s is None:
        return None
    return {"sent_at": _at(s.sent_at), "answered_at": _at(s.answered_at), "score": s.score,
            "comment": s.comment}


def complaint_brief(c: Complaint) -> dict[str, Any]:
    return {"number": c.number, "kind": c.kind, "team": c.team, "status": c.status,
            "channel": c.channel, "created_at": _at(c.created_at)}


def complaint_event(e: ComplaintEvent) -> dict[str, Any]:
    return {"action": e.action, "from_status": e.from_status, "to_status": e.to_status,
            "actor": e.actor.username if e.actor else None, "at": _at(e.at), "note": e.note,
            "outcome": e.outcome, "via": e.via}


def complaint(c: Complaint, *, age: int | None = None, with_events: bool = True
              ) -> dict[str, Any]:
    """A complaint; `age` the working days since it was registered; `holder` who started it."""
    out = {**complaint_brief(c), "description": c.description,
           "rma": c.rma.number if c.rma else None, "serial": c.unit.serial if c.unit else None,
           "customer": {"name": c.customer_name, "phone": c.customer_phone,
                        "email": c.customer_email, "address": c.customer_address},
           "holder": c.holder.username if c.holder else None, "outcome": c.outcome,
           "resolution": c.resolution, "resolved_at": _at(c.resolved_at),
           "updated_at": _at(c.updated_at), "age_working_days": age}
    if with_events:
        out["events"] = [complaint_event(e) for e in c.events]
    return out


def returned_unit(e: Exchange, tz: ZoneInfo) -> dict[str, Any]:
    """A unit taken back in exchange (换货) and what became of it (`outcome`)."""
    return {"serial": e.original.serial, "model": e.original.model.code,
            "model_name": e.original.model.name, "rma": e.rma.number,
            "replacement_serial": e.replacement.serial, "reason": e.reason,
            "exchanged_at": _at(e.created_at), "local_exchanged_at": local(e.created_at, tz),
            "outcome": e.outcome, "note": e.outcome_note or "",
            "outcome_by": e.outcome_by.username if e.outcome_by else None,
            "outcome_at": _at(e.outcome_at)}
