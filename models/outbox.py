"""The outbox: every message kiteline sends outside a passive reply waits here first.

Handlers and scheduled jobs enqueue; the dispatcher claims rows and sends through the WeChat API,
respecting each follower's window. ``idempotency_key`` makes an enqueue safe to repeat (a job
that runs twice, a retried webhook) and lets a sent message never go twice.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, String, Text, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base, intpk, json_dict, timestamp

OUTBOX_STATUSES = ("pending", "deferred", "sending", "sent", "failed", "dropped")
OUTBOX_KINDS = ("text", "news", "template")


class OutboxMessage(Base):
    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint(f"status IN {OUTBOX_STATUSES}", name="status"),
        CheckConstraint(f"kind IN {OUTBOX_KINDS}", name="kind"),
    )

    id: Mapped[intpk]
    openid: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    # text: {"content"}; news: {"articles": [{title, description, url, picurl}]};
    # template: {"template_id", "data", "url"}
    payload: Mapped[json_dict]
    # Why it was sent (lesson_push, liaison_notice, ticket_reply, ...), for logs and the console.
    purpose: Mapped[str] = mapped_column(String(32))
    idempotency_key: Mapped[str] = mapped_column(String(120), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[timestamp]
    created_at: Mapped[timestamp]
    sent_at: Mapped[dt.datetime | None] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(Text)


def enqueue(session: Session, *, openid: str, kind: str, payload: dict, purpose: str,
            idempotency_key: str, now: dt.datetime) -> OutboxMessage:
    """Queue one message for ``openid``; repeating the same ``idempotency_key`` returns the row
    already queued instead of adding a second one."""
    existing = session.scalar(select(OutboxMessage).where(OutboxMessage.idempotency_key == idempotency_key))
    if existing is not None:
        return existing
    row = OutboxMessage(openid=openid, kind=kind, payload=payload, purpose=purpose,
                        idempotency_key=idempotency_key, status="pending",
                        next_attempt_at=now, created_at=now)
    session.add(row)
    return row


def release_deferred(session: Session, openid: str, now: dt.datetime) -> int:
    """The member just wrote, so their window is open: make their deferred messages due now.

    Returns how many were released."""
    result = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.openid == openid, OutboxMessage.status == "deferred")
        .values(status="pending", next_attempt_at=now)
    )
    return result.rowcount or 0
