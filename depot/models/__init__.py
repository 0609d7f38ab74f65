"""SQLAlchemy 2 typed models, one module per feature. Rules live in depot/domain; these hold
the facts. `from depot.models import Rma` is the public way in."""
from depot.extensions import Base, db
from depot.models import search as _search  # noqa: F401 (its indexes)
from depot.models.base import UTCDateTime
from depot.models.bench import BenchTime, CalendarOverride, FindingCode, Part, PartUse
from depot.models.cartons import Carton, CartonCounter
from depot.models.complaints import Complaint, ComplaintCounter, ComplaintEvent, Survey
from depot.models.exchanges import Exchange
from depot.models.jobs import Job, JobPayload
from depot.models.notifications import Notification, NotificationTemplate, TransitDays
from depot.models.outbox import OutboxMessage
from depot.models.quotes import Payment, Quote, QuoteEvent, QuoteLineRow
from depot.models.ratelimits import RateLimitCounter
from depot.models.rmas import Attachment, Rma, RmaCounter, RmaEvent
from depot.models.settings import Setting
from depot.models.shipping import Printer, Shipment
from depot.models.units import Customer, ProductModel, Unit
from depot.models.users import User
from depot.models.webhooks import Webhook, WebhookDelivery

__all__ = [
    "Attachment", "Base", "BenchTime", "CalendarOverride", "Complaint", "ComplaintCounter",
    "ComplaintEvent", "Customer", "Exchange", "FindingCode", "Job", "JobPayload", "Notification",
    "NotificationTemplate", "OutboxMessage", "Part", "PartUse", "Payment", "Printer",
    "ProductModel", "Quote", "QuoteEvent", "QuoteLineRow", "RateLimitCounter", "Rma",
    "RmaCounter", "RmaEvent", "Setting", "Shipment", "Survey", "TransitDays", "UTCDateTime",
    "Unit", "User", "Webhook", "WebhookDelivery", "db",
    "Carton", "CartonCounter",
]
