"""What a customer may see of their repair without an account (DESIGN.md §4b "The customer's
side"): how long the status link lives, where a carrier shows a parcel, what each milestone mail
is called and how far it got."""
from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import quote

from depot.domain.outbox import OutboxStatus
from depot.domain.workflow import Status

# "Status links stay valid until 90 days after the RMA closes" (a cancelled RMA is closed too).
LINK_DAYS_AFTER_CLOSE = 90
FINAL_STATUSES = frozenset({Status.CLOSED, Status.CANCELLED})


def link_alive(status: Status, closed_on: date | None, today: date) -> bool:
    """Whether a status link of an RMA in `status`, closed (or cancelled) on `closed_on`,
    still opens on `today`."""
    if status not in FINAL_STATUSES or closed_on is None:
        return True
    return today <= closed_on + timedelta(days=LINK_DAYS_AFTER_CLOSE)


# The carrier's own page for a tracking number ({number} is filled in, URL-quoted); OTHER goes
# to a search that knows every Chinese carrier.
TRACKING_PAGES = {
    "SF": "https://www.sf-express.com/chn/sc/waybill/waybill-detail/{number}",
    "JD": "https://www.jdl.com/orderSearch/?waybillCodes={number}",
    "EMS": "https://www.ems.com.cn/queryList?mailNum={number}",
    "ZTO": "https://www.zto.com/?num={number}",
    "YTO": "https://www.yto.net.cn/?waybillNo={number}",
    "STO": "https://www.sto.cn/pc/service-page/waybill-query?waybillNo={number}",
    "YUNDA": "https://www.yundaex.com/cn/index.html?mailNo={number}",
    "DEPPON": "https://www.deppon.com/?mailNo={number}",
    "OTHER": "https://www.kuaidi100.com/chaxun?nu={number}",
}


def tracking_url(carrier: str | None, number: str | None) -> str | None:
    """The page where the customer follows the parcel, or None before it ships."""
    if not carrier or not number:
        return None
    page = TRACKING_PAGES.get(carrier.upper(), TRACKING_PAGES["OTHER"])
    return page.format(number=quote(number, safe=""))


# Milestone mails (DESIGN.md §4b "Notification kinds"). `survey` and `complaint_resolved` are
# sent by the survey and complaints features through the same function.
class Kind:
    REQUESTED = "requested"  # a request before posting: the packing slip
    RECEIVED = "received"
    QUOTE_SENT = "quote_sent"
    READY_TO_SHIP = "ready_to_ship"
    SHIPPED = "shipped"
    SURVEY = "survey"
    COMPLAINT_RESOLVED = "complaint_resolved"


KINDS = (Kind.REQUESTED, Kind.RECEIVED, Kind.QUOTE_SENT, Kind.READY_TO_SHIP, Kind.SHIPPED,
         Kind.SURVEY, Kind.COMPLAINT_RESOLVED)
# The status an RMA reaches that sends each milestone's mail.
MILESTONES = {Status.RECEIVED: Kind.RECEIVED, Status.AWAITING_APPROVAL: Kind.QUOTE_SENT,
              Status.READY_TO_SHIP: Kind.READY_TO_SHIP, Status.SHIPPED: Kind.SHIPPED}

# How far a notification got: its outbox message's status, or no_email (nothing to send to).
QUEUED, SENT, FAILED, NO_EMAIL = "queued", "sent", "failed", "no_email"
NOTIFICATION_STATUSES = (QUEUED, SENT, FAILED, NO_EMAIL)
_FROM_OUTBOX = {OutboxStatus.PENDING: QUEUED, OutboxStatus.SENDING: QUEUED,
                OutboxStatus.SENT: SENT, OutboxStatus.FAILED: FAILED}


def notification_status(outbox_status: str | None) -> str:
    """A notification's status from its message's (None: there was no address to send to)."""
    if outbox_status is None:
        return NO_EMAIL
    return _FROM_OUTBOX[OutboxStatus(outbox_status)]
