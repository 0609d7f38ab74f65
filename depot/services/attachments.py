"""Files kept with an RMA (photos, the payment slip, a signed quote): stored in the database,
so app servers keep no state, and found again by id."""
from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy.orm import Session

from depot.errors import NotFoundError
from depot.models import Attachment, Rma, User


def attach(session: Session, rma: Rma, kind: str, filename: str, content_type: str,
           data: bytes, *, actor: User | None, now: datetime, flush: bool = True) -> Attachment:
    """Keep `data` with the RMA, inside the caller's transaction (flushed, so it has its id,
    unless the caller is still building the RMA and flushes with its commit)."""
    item = Attachment(kind=kind, filename=filename[:255], content_type=content_type,
                      size=len(data), sha256=hashlib.sha256(data).hexdigest(), data=data,
                      rma=rma, created_by_id=actor.id if actor else None, created_at=now)
    session.add(item)
    if flush:
        session.flush()
    return item


def get_attachment(session: Session, attachment_id: int) -> Attachment:
    item = session.get(Attachment, attachment_id)
    if item is None:
        raise NotFoundError("no such attachment", code="attachment_not_found")
    return item
