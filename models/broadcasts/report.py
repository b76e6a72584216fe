"""What became of a broadcast (``kiteline report broadcast ID``): its outbox rows counted by how
they ended — sent by channel, deferred, on request, still to go, unknown, not delivered, failed
with reasons a person can read (``models.delivery.report.reason``) — and how many members read
what it sent (a study record opened after the broadcast was planned). Every count is read from
the outbox, so the numbers add up to what was planned.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from models import study
from models.broadcasts.record import Broadcast
from models.delivery.outbox import IN_FLIGHT, OutboxMessage
from models.delivery.report import reason
from models.lesson import StudyRecord

_OUTBOX, _RECORDS = OutboxMessage.__table__, StudyRecord.__table__
# How a sent row went, in the order shown (models.delivery.outbox.SENT_VIA).
VIA_NAMES = {"custom": "客服消息", "mass": "群发", "reply": "回复“学习”时领取", "template": "模板消息"}


@dataclass
class BroadcastReport:
    """One broadcast's numbers. ``sent``: channel -> rows sent that way; ``waiting``: due or in
    a dispatcher's hands; ``failed`` and ``dropped``: readable reason -> rows; ``read``: members
    who opened the lesson sent to them (``None`` for a digest, which is no one lesson)."""

    broadcast: Broadcast
    planned: int = 0
    sent: Counter = field(default_factory=Counter)
    deferred: int = 0
    on_request: int = 0
    waiting: int = 0
    unknown: int = 0
    dropped: Counter = field(default_factory=Counter)
    failed: Counter = field(default_factory=Counter)
    read: int | None = None


def broadcast_report(session: Session, broadcast_id: int) -> BroadcastReport | None:
    """The numbers of broadcast ``broadcast_id``; ``None`` when there is none."""
    broadcast = session.get(Broadcast, broadcast_id)
    if broadcast is None:
        return None
    found = BroadcastReport(broadcast)
    mine = _OUTBOX.c.broadcast_id == broadcast_id
    for status, via, n in session.execute(select(_OUTBOX.c.status, _OUTBOX.c.sent_via, func.count())
                                          .where(mine).group_by(_OUTBOX.c.status, _OUTBOX.c.sent_via)):
        found.planned += n
        if status == "sent":
            found.sent[via or "custom"] += n
        elif status in ("deferred", "on_request", "unknown"):
            setattr(found, status, getattr(found, status) + n)
        elif status in ("pending", *IN_FLIGHT):
            found.waiting += n
    for row in session.scalars(select(OutboxMessage).where(
            OutboxMessage.broadcast_id == broadcast_id, OutboxMessage.status.in_(("failed", "dropped")))):
        (found.failed if row.status == "failed" else found.dropped)[reason(row)] += 1
    lessons = session.scalar(select(func.count()).select_from(_OUTBOX)
                             .where(mine, _OUTBOX.c.purpose == study.PUSH_PURPOSE))
    if lessons or not found.planned:
        found.read = session.scalar(
            select(func.count()).select_from(_OUTBOX).join(_RECORDS, and_(
                _RECORDS.c.member_id == _OUTBOX.c.member_id,
                _RECORDS.c.lesson_id == _OUTBOX.c.payload["lesson_id"].as_integer()))
            .where(mine, _OUTBOX.c.purpose == study.PUSH_PURPOSE, _OUTBOX.c.status == "sent",
                   _RECORDS.c.opened_at >= broadcast.planned_at)) or 0
    return found


def recent(session: Session, limit: int = 20) -> list[tuple[Broadcast, int]]:
    """The last ``limit`` broadcasts, newest first, each with how many of its rows were sent."""
    sent = (select(func.count()).select_from(_OUTBOX)
            .where(_OUTBOX.c.broadcast_id == Broadcast.id, _OUTBOX.c.status == "sent")
            .scalar_subquery())
    rows = session.execute(select(Broadcast, sent).order_by(Broadcast.run_at.desc(), Broadcast.id.desc())
                           .limit(limit))
    return [(broadcast, n) for broadcast, n in rows]
