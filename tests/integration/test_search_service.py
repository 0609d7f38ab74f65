"""The search on a real database (SQLite here, PostgreSQL with -m db): what `q` finds, the
filters, newest first, keyset pages, the counts, bad input; and the technician held at
start_repair, repeat_of."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from depot.domain.workflow import Action
from depot.errors import InvalidInputError
from depot.models import Rma, db
from depot.services import repair, search, shipping
from depot.services.search import RmaFilter, Sort
from depot.services.units import CustomerInput
from tests.conftest import NOW

SECRET = "a-test-secret-of-more-than-32-bytes-long"
TODAY = date(2026, 11, 20)
LIU = CustomerInput("刘德华", "13912345678", "liu@example.com", "")
CHEN = CustomerInput("陈小春", "021-66668888", "chen@Example.COM", "")


def find(**kw) -> list[str]:
    page = search.search_rmas(db.session, RmaFilter(**kw), today=TODAY, secret=SECRET,
                              limit=200)
    return [r.number for r in page.rmas]


@pytest.fixture
def three(flow) -> dict[str, str]:
    """刘德华's unit received 18 Nov, 陈小春's 19 Nov, 张三's (flow's default) 20 Nov."""
    return {
        "liu": flow.received("LIU-001", customer=LIU, now=NOW - timedelta(days=2)),
        "chen": flow.received("CHEN-002", customer=CHEN, now=NOW - timedelta(days=1)),
        "zhang": flow.received("ZS-003", now=NOW),
    }


def test_a_part_of_a_chinese_name_or_a_phone_finds_the_customers_rmas(three):
    assert find(q="德华") == [three["liu"]]  # two characters: shorter than a trigram
    assert find(q="刘德华") == [three["liu"]]  # three: the trigram index
    assert find(q="小") == [three["chen"]]
    assert find(q="2345") == [three["liu"]]
    assert find(q="6666") == [three["chen"]]
    assert find(q="66") == [three["chen"]]
    assert find(q="CHEN@example") == [three["chen"]]  # any case
    assert find(q="周星驰") == []


@pytest.mark.parametrize("broad", [False, True])
def test_a_part_found_in_very_many_customers_finds_the_same(three, monkeypatch, broad):
    # past BROAD_PART customers the list walks newest first and tests each RMA's customer
    # instead of gathering every matching RMA: the answers, pages and counts are the same
    if broad:
        monkeypatch.setattr(search, "BROAD_PART", 0)
    everyone = [three["zhang"], three["chen"], three["liu"]]  # every email is at example.*
    assert find(q="example") == everyone
    assert find(q="德华") == [three["liu"]] and find(q="刘德华") == [three["liu"]]
    assert find(q="ZS-003") == [three["zhang"]]  # a serial is still a serial
    first = search.search_rmas(db.session, RmaFilter(q="example"), today=TODAY, secret=SECRET,
                               limit=2, with_counts=True)
    assert [r.number for r in first.rmas] == everyone[:2] and first.next_cursor
    assert first.counts["received"] == 3
    rest = search.search_rmas(db.session, RmaFilter(q="example"), today=TODAY, secret=SECRET,
                              limit=2, cursor=first.next_cursor)
    assert [r.number for r in rest.rmas] == everyone[2:] and rest.next_cursor is None


def test_number_serial_and_tracking_number_match_whole_and_any_case(three, flow):
    assert find(q=three["zhang"].lower()) == [three["zhang"]]
    assert find(q="  chen-002 ") == [three["chen"]]
    assert find(q="CHEN-00") == []  # a serial matches whole, not in part
    shipped = flow.ready("SHIP-004")
    shipping.ship(db.session, shipped, carrier="SF", tracking_number="SF1234567890",
                  scanned=["SHIP-004", shipped], packed=[], missing=[],
                  settings=flow.settings, actor=flow.staff.logistics, now=NOW)
    assert find(q="sf1234567890") == [shipped]


def test_wildcards_in_q_are_plain_characters(three):
    assert find(q="%") == []
    assert find(q="_") == []


def test_newest_first_and_keyset_pages_cover_everything_once(three, flow):
    more = [flow.received(f"MORE-{i:03d}", now=NOW) for i in range(5)]
    expected = sorted(more + [three["zhang"]], reverse=True) + [three["chen"], three["liu"]]
    assert find() == expected
    seen, cursor = [], None
    while True:
        page = search.search_rmas(db.session, RmaFilter(), today=TODAY, secret=SECRET,
                                  limit=3, cursor=cursor)
        seen += [r.number for r in page.rmas]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == expected


def test_a_sorted_list_pages_by_its_own_column(three):
    sort = Sort("customer_name", descending=False)
    first = search.search_rmas(db.session, RmaFilter(), today=TODAY, secret=SECRET, limit=2,
                               sort=sort)
    assert [r.customer_name for r in first.rmas] == ["刘德华", "张三"]
    rest = search.search_rmas(db.session, RmaFilter(), today=TODAY, secret=SECRET, limit=2,
                              sort=sort, cursor=first.next_cursor)
    assert [r.customer_name for r in rest.rmas] == ["陈小春"] and rest.next_cursor is None
    with pytest.raises(InvalidInputError) as refused:  # a cursor of another sort
        search.search_rmas(db.session, RmaFilter(), today=TODAY, secret=SECRET, limit=2,
                           cursor=first.next_cursor)
    assert refused.value.code == "invalid_cursor"


def test_a_changed_cursor_is_refused(three):
    page = search.search_rmas(db.session, RmaFilter(), today=TODAY, secret=SECRET, limit=1)
    forged = page.next_cursor[:-2] + ("AA" if not page.next_cursor.endswith("AA") else "BB")
    for bad in (forged, "not-a-cursor", page.next_cursor.replace(".", "", 1)):
        with pytest.raises(InvalidInputError) as refused:
            search.search_rmas(db.session, RmaFilter(), today=TODAY, secret=SECRET, cursor=bad)
        assert refused.value.code == "invalid_cursor"
    with pytest.raises(InvalidInputError):  # made with another secret
        search.search_rmas(db.session, RmaFilter(), today=TODAY, secret=SECRET + "x",
                           cursor=page.next_cursor)


def test_filters_status_dates_model_overdue_due_today(three, flow):
    repair_number = flow.inspected("INSP-005", ("no_power",))
    assert find(statuses=("inspected",)) == [repair_number]
    assert find(statuses=("inspected", "received")) == sorted(
        [repair_number, three["zhang"]], reverse=True) + [three["chen"], three["liu"]]
    assert find(received_from=date(2026, 11, 18), received_to=date(2026, 11, 19)) == [
        three["chen"], three["liu"]]
    assert find(model="AT-100", q="刘") == [three["liu"]]
    assert find(model="NO-SUCH") == []
    # Received on 18 Nov (Wed): due 5 working days later, 25 Nov; "today" 26 Nov it is late.
    late = search.search_rmas(db.session, RmaFilter(overdue=True), today=date(2026, 11, 26),
                              secret=SECRET)
    assert [r.number for r in late.rmas] == [three["liu"]] and late.rmas[0].overdue
    due = search.search_rmas(db.session, RmaFilter(due_today=True), today=date(2026, 11, 25),
                             secret=SECRET)
    assert [r.number for r in due.rmas] == [three["liu"]] and due.rmas[0].due_today


def test_counts_per_status_ignore_the_status_filter(three, flow):
    flow.inspected("INSP-006", ("no_power",))
    page = search.search_rmas(db.session, RmaFilter(statuses=("inspected",)), today=TODAY,
                              secret=SECRET, with_counts=True)
    assert page.counts["received"] == 3 and page.counts["inspected"] == 1
    # Every status is counted, the v1.1 `requested` too (requests appear in search).
    assert page.counts["shipped"] == 0 and page.counts["requested"] == 0
    assert len(page.counts) == 13


@pytest.mark.parametrize(("kw", "code"), [
    ({"statuses": ("lost",)}, "invalid_field"),
    ({"received_from": date(2026, 11, 2), "received_to": date(2026, 11, 1)}, "invalid_period"),
    ({"received_from": date(2025, 1, 1), "received_to": date(2026, 2, 5)}, "period_too_long"),
])
def test_bad_filters_are_refused(app, kw, code):
    with pytest.raises(InvalidInputError) as refused:
        find(**kw)
    assert refused.value.code == code


def test_400_days_is_the_longest_period(app):
    assert find(received_from=date(2025, 1, 1), received_to=date(2026, 2, 4)) == []


def test_a_limit_over_200_is_refused(app):
    with pytest.raises(InvalidInputError):
        search.search_rmas(db.session, RmaFilter(), today=TODAY, secret=SECRET, limit=201)


def test_the_csv_export_streams_every_match(three):
    rows = list(search.export_rmas(db.session, RmaFilter(q="13"), today=TODAY))
    assert [r.number for r in rows] == [three["zhang"], three["liu"]]


def test_start_repair_gives_the_rma_to_who_starts_it_unless_assigned(flow):
    number = flow.inspected("BENCH-007", ("no_power",))
    repair.apply_action(db.session, number, Action.START_REPAIR, actor=flow.staff.technician,
                        now=NOW)
    assert db.session.scalar(select(Rma).where(Rma.number == number)).technician.username \
        == "technician.one"
    assert find(technician="technician.one") == [number]
    other = flow.inspected("BENCH-008", ("no_power",))
    repair.assign(db.session, other, "supervisor.one", actor=flow.staff.supervisor, now=NOW)
    repair.apply_action(db.session, other, Action.START_REPAIR, actor=flow.staff.technician,
                        now=NOW)
    assert find(technician="supervisor.one") == [other]


def test_a_renamed_customer_is_found_by_the_new_name_only(three):
    from depot.models import Customer

    customer = db.session.scalar(select(Customer).where(Customer.name == "陈小春"))
    customer.name = "陈奕迅先生"
    db.session.commit()
    assert find(q="奕迅先") == [three["chen"]]  # the trigram index (triggers on SQLite)
    assert find(q="陈小春") == []


def test_the_dashboard_counts_by_hand(three, flow):
    """Today Thu 26 Nov. Due is the 5th working day after receipt: 刘德华's (Wed 18 Nov) on
    25 Nov, late; 陈小春's (19 Nov) on 26 Nov, due today; 张三's and HELD-011 (Fri 20 Nov) on
    27 Nov. WAIT-010 waits for the customer since 20 Nov (6 days, its clock stopped); the
    technician holds HELD-011; the three received ones are nobody's yet."""
    from depot.models import Customer
    from depot.services import dashboard

    waiting, _quote = flow.sent("WAIT-010")
    held = flow.inspected("HELD-011", ("no_power",))
    repair.apply_action(db.session, held, Action.START_REPAIR, actor=flow.staff.technician,
                        now=NOW)
    key = db.session.scalar(select(Customer).where(Customer.name == "刘德华"))
    key.key_account = True
    db.session.commit()
    today = date(2026, 11, 26)
    floor = dashboard.floor(db.session, today)
    assert floor.received_today == 0
    assert dashboard.floor(db.session, date(2026, 11, 20)).received_today == 3
    assert floor.overdue == 1 and floor.due_today == 1
    assert floor.waiting_customer == 1 and floor.waiting_longest_days == 6
    assert [n for _bucket, n in floor.waiting_buckets] == [0, 1, 0]
    assert floor.open_by_status["received"] == 3 and floor.open_by_status["in_repair"] == 1
    loads = {t.username: t.count for t in floor.technicians}
    assert loads == {"technician.one": 1, None: 3} and floor.unassigned == 3
    # The figures' links: the same statuses and holder give the same RMAs on the list.
    assert find(technician="none", statuses=tuple(dashboard.LOAD_STATUSES)) == find(
        statuses=("received",))  # the three received ones, newest first
    assert find(technician="technician.one", statuses=tuple(dashboard.LOAD_STATUSES)) == [held]
    assert waiting in find(technician="none", open=True)  # nobody holds a quote's wait
    assert [(k.name, k.count, k.overdue) for k in floor.key_accounts] == [("刘德华", 1, 1)]
    assert find(statuses=("awaiting_approval",)) == [waiting]  # the figure's link
