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
from models.follower import Follower

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
        # Runs on every inbound message: skip matching rows in the session (none are loaded).
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


# -- the dispatcher's side ---------------------------------------------------------------------
# Error -1 and network failures are retried this many times, waiting BACKOFF * 2**(n-1), at most
# MAX_BACKOFF, before the row is marked failed.
MAX_ATTEMPTS = 8
BACKOFF = dt.timedelta(seconds=30)
MAX_BACKOFF = dt.timedelta(hours=1)
CHANNELS = ("custom", "template")


class ChannelPause(Base):
    """A channel the platform closed for the day (error 45009, daily API quota reached)."""

    __tablename__ = "channel_pauses"
    __table_args__ = (CheckConstraint(f"channel IN {CHANNELS}", name="channel"),)

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    paused_until: Mapped[timestamp]
    reason: Mapped[str | None] = mapped_column(Text)


def channel_of(row: OutboxMessage) -> str:
    """``template`` rows go out as template messages; text and news as customer-service ones."""
    return "template" if row.kind == "template" else "custom"


def claim_due(session: Session, now: dt.datetime, limit: int) -> list[int]:
    """Mark up to ``limit`` due ``pending`` rows ``sending`` and return their ids, oldest first.

    Safe with several dispatchers: PostgreSQL skips rows another one has locked
    (``FOR UPDATE SKIP LOCKED``; SQLite serialises writers instead), and the status guard in the
    UPDATE means a row is claimed by exactly one caller. The caller commits."""
    due = session.scalars(
        select(OutboxMessage.id)
        .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    if not due:
        return []
    claimed = session.scalars(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(due), OutboxMessage.status == "pending")
        .values(status="sending")
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    ).all()
    return sorted(claimed, key=due.index)


def unclaim(session: Session, ids: list[int]) -> None:
    """Hand claimed rows that were never tried back to ``pending``."""
    if ids:
        session.execute(update(OutboxMessage)
                        .where(OutboxMessage.id.in_(ids), OutboxMessage.status == "sending")
                        .values(status="pending").execution_options(synchronize_session=False))


def reserve_window(session: Session, openid: str, now: dt.datetime) -> str:
    """Spend one message of ``openid``'s customer-service window, atomically.

    Returns ``"open"`` (a message may go out now), ``"closed"`` (no window or budget: wait for
    the member's next message) or ``"unfollowed"``. The window rule is WeChat's, see
    :mod:`models.follower`."""
    spent = session.execute(
        update(Follower)
        .where(Follower.openid == openid, Follower.subscribed.is_(True),
               Follower.window_expires_at > now, Follower.window_budget > 0)
        .values(window_budget=Follower.window_budget - 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if spent == 1:
        return "open"
    follower = session.get(Follower, openid)
    return "unfollowed" if follower is not None and not follower.subscribed else "closed"


def close_window(session: Session, openid: str) -> None:
    """The platform said the window is closed or spent (45015/45047): believe it until the
    member's next message reopens it."""
    session.execute(update(Follower).where(Follower.openid == openid).values(window_budget=0)
                    .execution_options(synchronize_session=False))


def follower_unsubscribed(session: Session, openid: str) -> bool:
    """True when ``openid`` is known to have unfollowed the account."""
    follower = session.get(Follower, openid)
    return follower is not None and not follower.subscribed


def back_off(row: OutboxMessage, now: dt.datetime, error: str) -> None:
    """A failure worth retrying (-1, timeout): try again later, or give up after
    :data:`MAX_ATTEMPTS` attempts."""
    row.last_error = error
    if row.attempts >= MAX_ATTEMPTS:
        row.status = "failed"
        return
    row.status = "pending"
    row.next_attempt_at = now + min(BACKOFF * 2 ** max(row.attempts - 1, 0), MAX_BACKOFF)


def pause_channel(session: Session, channel: str, until: dt.datetime, reason: str) -> None:
    """Stop sending on ``channel`` until ``until`` (aware UTC)."""
    pause = session.get(ChannelPause, channel)
    if pause is None:
        session.add(ChannelPause(channel=channel, paused_until=until, reason=reason))
    else:
        pause.paused_until, pause.reason = until, reason


def channel_paused_until(session: Session, channel: str, now: dt.datetime) -> dt.datetime | None:
    """When ``channel`` may be used again, or ``None`` if it is open now."""
    pause = session.get(ChannelPause, channel)
    return pause.paused_until if pause is not None and pause.paused_until > now else None
