"""A small depot whose report for 2026-10-01 … 2026-10-14 was worked out by hand (the answers
are in EXPECTED, with the arithmetic beside each figure). The rows are written directly, with
the dates and actors chosen for the edges: the National Day holiday (Oct 1–7 off, Sat Oct 10 a
make-up workday), the period's first and last minute in Shanghai time, a re-inspection, an
answer given after the period, a payment in another currency, a unit back within 90 days.

China calendar around the period (W: working day):
  Sep 21 Mon W, 22–24 W, 25 Fri off (Mid-Autumn), 26–27 off, Sep 28 Mon W, 29 Tue W,
  30 Wed W, Oct 1–7 off, Oct 8 Thu W, 9 Fri W, 10 Sat W (make-up),
  11 Sun off, 12 Mon W, 13 Tue W, 14 Wed W, 15 Thu W.
"""
from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from depot.models import (
    Complaint,
    Payment,
    ProductModel,
    Quote,
    Rma,
    RmaEvent,
    Survey,
    Unit,
    User,
)
from depot.services import report_facts

SHANGHAI = ZoneInfo("Asia/Shanghai")
FIRST, LAST = date(2026, 10, 1), date(2026, 10, 14)
CREATED = datetime(2026, 1, 1, tzinfo=UTC)


def at(month: int, day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    """A moment of 2026 given in Shanghai time, as the aware UTC time the database keeps."""
    return datetime(2026, month, day, hour, minute, second, tzinfo=SHANGHAI).astimezone(UTC)


EXPECTED = {
    "from": "2026-10-01", "to": "2026-10-14",
    # received in the period: R2 (10-08), R3 (10-09), R7 (10-10), R5 (10-12), R6 (10-14)
    "received": 5,
    # shipped in the period: R1 (10-09), R3 (10-09), R4 (10-12), R2 (10-14)
    "shipped": 4,
    "turnaround": {
        "shipped": 4,
        # R1 due 10-10, R2 due 10-15, R3 due 10-15 on time; R4 due 09-29 shipped 10-12 late
        "on_time": 3, "on_time_share": 0.75,
        # R1 (09-28, 10-09]: 9/29 9/30 10/8 10/9 = 4; R2 (10-08, 10-14]: 10/9 10/10 10/12
        # 10/13 10/14 = 5, less 1 day paused = 4; R3 same day = 0; R4 (09-21, 10-12]:
        # 9/22-24 (3, 9/25 is Mid-Autumn) 9/28-30 (3) 10/8-10 (3) 10/12 (1) = 10.
        # Sorted 0 4 4 10:
        "median_working_days": 4.0,  # (4 + 4) / 2
        "p90_working_days": 10,  # ceil(0.9 * 4) = 4th smallest
    },
    # R5 R7 in warranty; R2 R6 out; R3 unknown
    "warranty": {"in_warranty": 2, "out_of_warranty": 2, "unknown": 1},
    # first inspected in the period: R2 (man-made), R3 (quality), R5 (nothing found),
    # R6 (man-made, at 23:30 on the last day). Not R7 (00:30 the day after), not R1 (its
    # inspection was in September; its re-inspection on 10-02 is no new inspection).
    "damage": {"man_made": 2, "quality": 1, "no_fault_found": 1},
    "man_made_by_model": [
        {"model": "AT-100", "inspected": 3, "man_made": 2, "ratio": 0.6667},  # R2 R5 R6
        {"model": "POS-200", "inspected": 1, "man_made": 0, "ratio": 0.0},  # R3
    ],
    # shell_damage on R2 and R6; the others once each, then by code
    "top_findings": [{"code": "shell_damage", "count": 2}, {"code": "liquid_damage", "count": 1},
                     {"code": "no_power", "count": 1}, {"code": "seal_broken", "count": 1}],
    # sent in it: Q1 Q2 Q3 Q5 (Q4 was sent 09-30); answered in it: Q2 approved, Q4 declined
    # (10-01 08:00); Q5's decline came 10-15
    "quotes": {"sent": 4, "approved": 1, "declined": 1, "approval_rate": 0.5},
    # 300.00 + 20.50 + 100.00 (00:00:30 on 10-01); not 99.99 (23:59 on 09-30), not USD 50,
    # not the 300.00 recorded twice and voided
    "revenue": {"amount": "420.50", "currency": "CNY"},
    # R5: unit SN-1 back on 10-12, its R1 shipped 10-09 (3 days). R2: SN-2's R0 shipped
    # 06-01, 129 days before 10-08: not a repeat.
    "repeat_repairs": 1,
    # registered in it: C2 product_quality (10-01 00:00:30), C3 and C4 packaging_transport,
    # C5 other (10-14 23:59:59); not C1 (09-30 23:59:59), not C6 (10-15 00:00); C3 is closed
    # and still counts (counted by the day registered, whatever its status now)
    "complaints": {"product_quality": 1, "packaging_transport": 2, "staff_conduct": 0,
                   "damage_verdict": 0, "other": 1},
    # answered in it: S2 5 (10-01 00:00), S3 2, S4 4 (10-14 23:59): mean 11 / 3 = 3.67;
    # not S1 (answered 09-30 23:59), not S5 (10-15 00:00:01), not S6 (sent, never answered)
    "survey": {"answered": 3, "mean_score": 3.67},
}

# Bench hours are 09:00-17:00 of working days.
# alice: R2 started Fri 10-09 10:00, finished Mon 10-12 11:00 = Fri 7 + Sat (make-up) 8 + Mon 2
#        = 17 h; R3 10-09 11:00 to 12:30 = 1.5 h; median (1.5 + 17) / 2 = 9.25. Her R2 repair
#        failed QA on 10-12 (the supervisor tested it; the failure is hers).
# bob:   R1 started Wed 09-30 16:00, finished Thu 10-08 10:00 = 1 + (holiday) + 1 = 2 h; R2
#        finished again by him Tue 10-13 10:00 after the failed QA, from the start on 10-09
#        10:00 = 7 + 8 + 8 + 1 = 24 h; median (2 + 24) / 2 = 13. R4, finished by him 09-29,
#        failed QA on 10-02: his.
EXPECTED_TECHNICIANS = [
    {"technician": "alice", "finished": 2, "median_bench_hours": 9.25, "qa_failures": 1},
    {"technician": "bob", "finished": 2, "median_bench_hours": 13.0, "qa_failures": 1},
]


def load(session) -> dict[str, User]:
    """Write the depot above; return its people by name."""
    people = {}
    for name, role in (("alice", "technician"), ("bob", "technician"), ("sup", "supervisor")):
        people[name] = User(username=name, display_name=name, role=role, active=True,
                            created_at=CREATED, session_version=0)
    session.add_all(people.values())
    at100 = ProductModel(code="AT-100", name="考勤机", warranty_months=12, created_at=CREATED)
    pos200 = ProductModel(code="POS-200", name="POS 机", warranty_months=24, created_at=CREATED)
    session.add_all([at100, pos200])
    session.flush()
    units = {}
    for serial, model in (("SN-1", at100), ("SN-2", at100), ("SN-3", pos200), ("SN-4", pos200),
                          ("SN-5", at100), ("SN-6", at100)):
        units[serial] = Unit(serial=serial, model_id=model.id, created_at=CREATED,
                             updated_at=CREATED)
    session.add_all(units.values())
    session.flush()
    alice, bob, sup = people["alice"], people["bob"], people["sup"]
    seq = iter(range(1, 100))

    def rma(serial: str, status: str, received: date, due: date, warranty: str, *,
            shipped: date | None = None, damage: str | None = None, findings=(),
            paused: int = 0) -> Rma:
        row = Rma(number=f"RMA-2026-{next(seq):06d}", year=2026, seq=0, unit_id=units[serial].id,
                  status=status, received_on=received, listed_on=received, due_on=due, warranty_status=warranty,
                  damage_class=damage, findings=list(findings), shipped_on=shipped,
                  paused_working_days=paused, accessories=[], created_at=CREATED,
                  updated_at=CREATED)
        row.seq = int(row.number[-6:])
        session.add(row)
        session.flush()
        return row

    r0 = rma("SN-2", "closed", date(2026, 5, 20), date(2026, 5, 27), "out_of_warranty",
             shipped=date(2026, 6, 1), damage="man_made", findings=["impact_damage"])
    r4 = rma("SN-4", "shipped", date(2026, 9, 21), date(2026, 9, 29), "in_warranty",
             shipped=date(2026, 10, 12), damage="quality", findings=["display_fault"])
    r1 = rma("SN-1", "shipped", date(2026, 9, 28), date(2026, 10, 10), "in_warranty",
             shipped=date(2026, 10, 9), damage="quality", findings=["keypad_fault"])
    r2 = rma("SN-2", "shipped", date(2026, 10, 8), date(2026, 10, 15), "out_of_warranty",
             shipped=date(2026, 10, 14), damage="man_made",
             findings=["shell_damage", "seal_broken"], paused=1)
    r3 = rma("SN-3", "shipped", date(2026, 10, 9), date(2026, 10, 15), "unknown",
             shipped=date(2026, 10, 9), damage="quality", findings=["no_power"])
    r7 = rma("SN-6", "inspected", date(2026, 10, 10), date(2026, 10, 16), "in_warranty",
             damage="quality", findings=["display_fault"])
    r5 = rma("SN-1", "inspected", date(2026, 10, 12), date(2026, 10, 19), "in_warranty",
             damage="no_fault_found")
    r6 = rma("SN-5", "awaiting_approval", date(2026, 10, 14), date(2026, 10, 21),
             "out_of_warranty", damage="man_made", findings=["liquid_damage", "shell_damage"])

    def event(row: Rma, action: str, before: str | None, after: str, when: datetime,
              actor: User | None = None) -> None:
        session.add(RmaEvent(rma_id=row.id, action=action, from_status=before, to_status=after,
                             at=when, actor_id=actor.id if actor else None))

    event(r0, "inspect", "received", "inspected", at(5, 21, 10))
    event(r4, "inspect", "received", "inspected", at(9, 22, 10))
    event(r4, "start_repair", "inspected", "in_repair", at(9, 25, 10), bob)
    event(r4, "finish_repair", "in_repair", "repaired", at(9, 29, 10), bob)
    event(r4, "fail_qa", "repaired", "in_repair", at(10, 2, 10), sup)
    event(r1, "inspect", "received", "inspected", at(9, 29, 10))
    event(r1, "start_repair", "inspected", "in_repair", at(9, 30, 16), bob)
    event(r1, "inspect", "inspected", "inspected", at(10, 2, 9))  # a correction, not new
    event(r1, "finish_repair", "in_repair", "repaired", at(10, 8, 10), bob)
    event(r2, "inspect", "received", "inspected", at(10, 8, 10))
    event(r2, "start_repair", "approved", "in_repair", at(10, 9, 10), alice)
    event(r2, "finish_repair", "in_repair", "repaired", at(10, 12, 11), alice)
    event(r2, "fail_qa", "repaired", "in_repair", at(10, 12, 14), sup)
    event(r2, "finish_repair", "in_repair", "repaired", at(10, 13, 10), bob)
    event(r2, "pass_qa", "repaired", "ready_to_ship", at(10, 13, 11), sup)
    event(r3, "inspect", "received", "inspected", at(10, 9, 10, 30))
    event(r3, "start_repair", "inspected", "in_repair", at(10, 9, 11), alice)
    event(r3, "finish_repair", "in_repair", "repaired", at(10, 9, 12, 30), alice)
    event(r5, "inspect", "received", "inspected", at(10, 13, 9))
    event(r6, "inspect", "received", "inspected", at(10, 14, 23, 30))
    event(r7, "inspect", "received", "inspected", at(10, 15, 0, 30))

    def quote(row: Rma, version: int, status: str, sent: datetime,
              answered: datetime | None = None) -> None:
        session.add(Quote(rma_id=row.id, number=f"{row.number}-Q{version}", version=version,
                          status=status, currency="CNY", tax_rate=Decimal("0"),
                          subtotal=Decimal("100"), tax=Decimal("0"), total=Decimal("100"),
                          valid_until=date(2026, 12, 31), token_nonce="n", created_at=sent,
                          sent_at=sent, answered_at=answered))

    quote(r2, 1, "superseded", at(10, 8, 10, 30))  # Q1
    quote(r2, 2, "approved", at(10, 8, 15), at(10, 9, 9))  # Q2
    quote(r6, 1, "sent", at(10, 14, 23, 50))  # Q3
    quote(r0, 1, "declined", at(9, 30, 20), at(10, 1, 8))  # Q4
    quote(r7, 1, "declined", at(10, 14, 12), at(10, 15, 9))  # Q5

    def pay(row: Rma, amount: str, when: datetime, currency: str = "CNY",
            voided: datetime | None = None) -> None:
        session.add(Payment(rma_id=row.id, amount=Decimal(amount), currency=currency,
                            method="bank_transfer", reference="", received_at=when,
                            voided_at=voided, voided_by_id=sup.id if voided else None,
                            void_reason="recorded twice" if voided else None))

    pay(r2, "300.00", at(10, 9, 10))
    pay(r2, "20.50", at(10, 14, 23, 59))
    pay(r0, "99.99", at(9, 30, 23, 59))
    pay(r0, "100.00", at(10, 1, 0, 0, 30))
    pay(r3, "50.00", at(10, 10, 10), currency="USD")
    pay(r2, "300.00", at(10, 9, 10, 5), voided=at(10, 9, 11))  # recorded twice, voided: none

    cseq = iter(range(1, 100))

    def complaint(kind: str, team: str, when: datetime, status: str = "open") -> None:
        n = next(cseq)
        session.add(Complaint(number=f"CMP-2026-{n:06d}", year=2026, seq=n, kind=kind,
                              team=team, channel="phone", status=status, description="x",
                              created_at=when, updated_at=when))

    complaint("staff_conduct", "customer_service", at(9, 30, 23, 59, 59))  # C1
    complaint("product_quality", "engineering", at(10, 1, 0, 0, 30))  # C2
    complaint("packaging_transport", "logistics", at(10, 5, 12), "closed")  # C3
    complaint("packaging_transport", "logistics", at(10, 9, 9))  # C4
    complaint("other", "customer_service", at(10, 14, 23, 59, 59))  # C5
    complaint("damage_verdict", "supervisor", at(10, 15, 0, 0))  # C6

    def survey(row: Rma, score: int | None, answered: datetime | None) -> None:
        session.add(Survey(rma_id=row.id, token_nonce="n", sent_at=at(9, 1, 10),
                           answered_at=answered, score=score))

    survey(r0, 1, at(9, 30, 23, 59))  # S1
    survey(r4, 5, at(10, 1, 0, 0))  # S2
    survey(r1, 2, at(10, 12, 10))  # S3
    survey(r3, 4, at(10, 14, 23, 59))  # S4
    survey(r2, 3, at(10, 15, 0, 0, 1))  # S5
    survey(r5, None, None)  # S6
    session.commit()
    # the facts change_status keeps, worked out for rows written straight into the tables
    report_facts.fill(session, SHANGHAI)
    return people
