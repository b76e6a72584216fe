"""The outbox: every message kiteline sends outside a passive reply waits here first.

Handlers and scheduled jobs enqueue; the dispatcher (``bot.dispatcher``) claims rows and sends
them through the WeChat API, respecting each follower's window. ``idempotency_key`` makes an
enqueue safe to repeat (a job that runs twice, a retried webhook).

Delivery guarantees (DESIGN.md §2) are declared per purpose, here and nowhere else
(:data:`PURPOSES`). A send can end with an *unknown* outcome — the request was written and no
answer came (a read timeout, a process killed mid-call) — and then the purpose decides:

- **at most once** (lessons, and reminders when they come): the row becomes ``unknown``, is
  listed in ``kiteline report delivery``, and is never sent again. A member who misses one
  lesson loses little; a member who gets the same push three times stops reading them.
- **at least once** (notices to a liaison or a secretary, answers to a member): the row is sent
  again and ``resends`` counts it. Someone is waiting on these; a second copy is a nuisance, a
  lost one is a member left without help.

Row statuses: ``pending`` (due at ``next_attempt_at``), ``deferred`` (waits for the member's
next message), ``claimed`` (a dispatcher took it, not yet tried), ``sending`` (the API call may
be under way), ``sent``, ``unknown`` (at-most-once row whose outcome was lost), ``failed``
(refused for good, or retries spent), ``dropped`` (the follower unfollowed or never existed).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base, intpk, json_dict, timestamp
from models.member import Member

OUTBOX_STATUSES = ("pending", "deferred", "claimed", "sending", "sent", "unknown", "failed", "dropped")
OUTBOX_KINDS = ("text", "news", "template")


class Guarantee(StrEnum):
    """How often a message of one purpose may reach its reader when an outcome is unknown."""

    AT_MOST_ONCE = "at_most_once"
    AT_LEAST_ONCE = "at_least_once"


@dataclass(frozen=True)
class Purpose:
    """Why a message is sent: its delivery guarantee and its name for people (reports, digests)."""

    guarantee: Guarantee
    name: str


#: Every outbox purpose. ``enqueue`` refuses any other: a new kind of message must say here how
#: it is delivered. ``bind_alert`` (a liaison told of suspicious binding attempts) and
#: ``delivery_digest`` (the secretary's daily list of notices that failed) are notices.
PURPOSES: dict[str, Purpose] = {
    "lesson_push": Purpose(Guarantee.AT_MOST_ONCE, "学习推送"),
    "liaison_notice": Purpose(Guarantee.AT_LEAST_ONCE, "新求助通知"),
    "liaison_addition": Purpose(Guarantee.AT_LEAST_ONCE, "求助补充通知"),
    "liaison_answer": Purpose(Guarantee.AT_LEAST_ONCE, "求助答复"),
    "late_reply": Purpose(Guarantee.AT_LEAST_ONCE, "补发的回复"),
    "bind_alert": Purpose(Guarantee.AT_LEAST_ONCE, "绑定异常提醒"),
    "delivery_digest": Purpose(Guarantee.AT_LEAST_ONCE, "未送达汇总"),
}


def guarantee_of(purpose: str) -> Guarantee:
    """The declared guarantee of ``purpose``. A row of a purpose no longer declared (queued by
    an older version) counts as at most once: never a copy nobody asked for."""
    return PURPOSES[purpose].guarantee if purpose in PURPOSES else Guarantee.AT_MOST_ONCE


class OutboxMessage(Base):
    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint(f"status IN {OUTBOX_STATUSES}", name="status"),
        CheckConstraint(f"kind IN {OUTBOX_KINDS}", name="kind"),
    )

    id: Mapped[intpk]
    openid: Mapped[str] = mapped_column(String(64), index=True)
    # The member the message is for, kept because an unfollow clears their openid and a failed
    # notice must still be traced to its branch (the secretary's digest).
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    # text: {"content"}; news: {"articles": [{title, description, url, picurl}]};
    # template: {"template_id", "data", "url"}
    payload: Mapped[json_dict]
    # A key of PURPOSES.
    purpose: Mapped[str] = mapped_column(String(32))
    idempotency_key: Mapped[str] = mapped_column(String(120), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    # Sends repeated after an unknown outcome (at-least-once purposes only).
    resends: Mapped[int] = mapped_column(default=0)
    # Business clock (the injectable one): when the row is due.
    next_attempt_at: Mapped[timestamp]
    created_at: Mapped[timestamp]
    sent_at: Mapped[dt.datetime | None] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(Text)
    # The dispatcher holding a claimed/sending row (host:pid:random) and until when, in WALL
    # time: a lease is about whether a process is alive, which a simulated clock cannot tell.
    claimed_by: Mapped[str | None] = mapped_column(String(120))
    claimed_until: Mapped[dt.datetime | None] = mapped_column()
    # When a secretary's digest listed this row (failed or dropped notices), so it is listed once.
    reported_at: Mapped[dt.datetime | None] = mapped_column()


def enqueue(session: Session, *, openid: str, kind: str, payload: dict, purpose: str,
            idempotency_key: str, now: dt.datetime, member_id: int | None = None) -> OutboxMessage:
    """Queue one message for ``openid``; repeating the same ``idempotency_key`` returns the row
    already queued instead of adding a second one.

    ``member_id`` is the recipient's member id; when not given it is looked up from ``openid``
    (``None`` for a follower who is not a bound member). Raises ``ValueError`` for a
    ``purpose`` not declared in :data:`PURPOSES`."""
    if purpose not in PURPOSES:
        raise ValueError(f"outbox purpose {purpose!r} has no declared delivery guarantee "
                         "(add it to models.outbox.PURPOSES)")
    existing = session.scalar(select(OutboxMessage).where(OutboxMessage.idempotency_key == idempotency_key))
    if existing is not None:
        return existing
    if member_id is None:
        member_id = session.scalar(select(Member.id).where(Member.openid == openid))
    row = OutboxMessage(openid=openid, member_id=member_id, kind=kind, payload=payload, purpose=purpose,
                        idempotency_key=idempotency_key, status="pending", attempts=0, resends=0,
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
