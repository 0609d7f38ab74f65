"""Helpers for the service tests: staff of each role, the depot's settings, and RMAs brought
to a stage of their life by the services themselves (no HTTP, no rows written by hand)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from depot.domain.pricing import make_line
from depot.domain.workflow import Action
from depot.models import OutboxMessage, Quote, RmaEvent, User, db
from depot.services import inspection, intake, quote_mail, quoting, repair, users
from depot.services.quoting import Answer
from depot.services.settings import DepotSettings
from depot.services.units import CustomerInput
from tests.conftest import NOW

ZHANG = CustomerInput("张三", "13800000000", "zs@example.com", "上海市浦东新区世纪大道100号")
NO_MAIL = CustomerInput("王五", "13900000000", "", "北京市朝阳区建国路1号")

LINES = [make_line("part", "外壳 Housing", Decimal("1"), Decimal("120.00")),
         make_line("labor", "维修工时 Labour", Decimal("1.5"), Decimal("80.00")),
         make_line("shipping", "回寄运费 Return shipping", Decimal("1"), Decimal("18.50"))]
LINES_TOTAL = Decimal("258.50")


@dataclass
class Staff:
    clerk: User
    technician: User
    logistics: User
    supervisor: User


@pytest.fixture
def staff(app) -> Staff:
    made = {role: users.create_user(db.session, f"{role}.one", role, now=NOW)[0]
            for role in ("clerk", "technician", "logistics", "supervisor")}
    return Staff(**made)


@pytest.fixture
def settings(app) -> DepotSettings:
    app.config["DEPOT_PUBLIC_URL"] = "http://depot.test"
    app.config["DEPOT_NAME"] = "测试维修中心"
    app.config["DEPOT_ADDRESS"] = "四川省成都市高新区天府大道1号"
    app.config["DEPOT_PHONE"] = "028-88888888"
    return DepotSettings.from_config(app.config)


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def event_count() -> int:
    return count(RmaEvent)


def outbox_count() -> int:
    return count(OutboxMessage)


class Flow:
    """Brings RMAs along their life with the real services, as the staff would."""

    def __init__(self, make_unit, staff: Staff, settings: DepotSettings) -> None:
        self.make_unit, self.staff, self.settings = make_unit, staff, settings

    def received(self, serial: str, *, accessories=(), purchase: date | None = date(2026, 6, 1),
                 customer: CustomerInput = ZHANG, now: datetime = NOW) -> str:
        self.make_unit(serial, purchase, customer=customer)
        rma, _ = intake.receive_unit(db.session, serial, "no power", list(accessories),
                                     actor=self.staff.clerk, now=now)
        return rma.number

    def inspected(self, serial: str, findings=("shell_damage",), *, now: datetime = NOW,
                  **kw) -> str:
        number = self.received(serial, now=now, **kw)
        inspection.record_inspection(db.session, number, list(findings),
                                     actor=self.staff.technician, now=now)
        return number

    def draft(self, number: str, lines=LINES, *, now: datetime = NOW) -> Quote:
        return quoting.create_quote(db.session, number, list(lines), tax_rate=None,
                                    policy=self.settings.pricing, actor=self.staff.clerk, now=now)

    def send(self, number: str, quote_number: str, *, now: datetime = NOW) -> tuple[Quote, bool]:
        return quote_mail.send_quote(db.session, number, quote_number, self.settings,
                                     actor=self.staff.clerk, now=now)

    def sent(self, serial: str, lines=LINES, *, now: datetime = NOW, **kw) -> tuple[str, str]:
        """An uncovered RMA whose quote was sent: (RMA number, quote number)."""
        number = self.inspected(serial, now=now, **kw)
        quote = self.draft(number, lines, now=now)
        self.send(number, quote.number, now=now)
        return number, quote.number

    def answer(self, quote_number: str, approve: bool = True, *, now: datetime = NOW,
               **kw) -> Quote:
        quote = db.session.scalar(select(Quote).where(Quote.number == quote_number))
        return quoting.answer_quote(db.session, quote.id, Answer(approve, **kw), actor=None,
                                    now=now)

    def repaired_and_checked(self, number: str, *, now: datetime = NOW) -> str:
        for action in (Action.START_REPAIR, Action.FINISH_REPAIR, Action.PASS_QA):
            repair.apply_action(db.session, number, action, actor=self.staff.technician, now=now)
        return number

    def ready(self, serial: str, *, covered: bool = True, now: datetime = NOW, **kw) -> str:
        """An RMA at ready_to_ship: covered (a quality fault in warranty), or not covered with
        its quote approved (and not paid)."""
        if covered:
            return self.repaired_and_checked(
                self.inspected(serial, ("no_power",), now=now, **kw), now=now)
        number, quote_number = self.sent(serial, now=now, **kw)
        self.answer(quote_number, now=now)
        return self.repaired_and_checked(number, now=now)


@pytest.fixture
def flow(make_unit, staff, settings) -> Flow:
    return Flow(make_unit, staff, settings)
