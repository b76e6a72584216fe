"""Mass send (群发) as a delivery channel: the ``mass_sends`` batches, each member's monthly quota,
and how due rows are grouped into batches (sending them: :mod:`models.delivery.mass_send`).

WeChat's rules (DESIGN.md §2; 根据OpenID列表群发, 事件推送群发结果): a service account's mass send
reaches each member at most 4 times a calendar month (Beijing time) — a member over it is
filtered out by the platform and gets nothing; one send names 2 to 10,000 openids; a
``clientmsgid`` makes a send idempotent for 24 hours (the same one again is answered 45065 with
the first send's ``msg_id``); the job's result comes later as the ``MASSSENDJOBFINISH`` event.

What goes by mass: text rows of a purpose declared ``mass_send`` (``models.delivery.purposes``),
due or deferred, whose member follows the account with their customer-service window closed
(an open window sends them as customer-service messages instead) and has this month's quota
left — counted here, from the batches that may have reached them, so a 5th is never spent.
Rows with the same text go together, ≤ :data:`BATCH_MAX` a batch; a text only one member waits
for waits as before (deferred, for their next message). A row in a batch keeps its status
(``pending`` or ``deferred``) with ``mass_send_id`` set — no other dispatcher claims it — until
the batch settles it (``sent``, ``unknown`` or ``failed``).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator, Sequence

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    String,
    Text,
    and_,
    func,
    not_,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base, intpk, timestamp
from models.clock import SHANGHAI
from models.delivery.outbox import OutboxMessage
from models.delivery.purposes import MASS_PURPOSES
from models.follower import Follower

MASS_STATUSES = ("pending", "sending", "sent", "unknown", "failed")
PER_MONTH = 4
BATCH_MIN, BATCH_MAX = 2, 10_000
# Rows of a batch that may still be sent with it (a row withdrawn meanwhile stays dropped).
WAITING = ("pending", "deferred")
# Ids per statement when a batch takes its rows: inside every database's parameter limit.
CHUNK = 500


class MassSend(Base):
    """One mass send: its ``clientmsgid`` (written before the first call, reused by every
    retry), the text, how far it got (``status``, one of :data:`MASS_STATUSES`), WeChat's
    ``msg_id``, and the ``MASSSENDJOBFINISH`` report: ``finish_status`` (``send success``,
    ``send fail``, ``err(N)``), ``total_count`` (openids named), ``filter_count`` (left to send
    to after the platform's filtering, e.g. members over 4 this month), ``sent_count`` and
    ``error_count``. Claims as on outbox rows (``models.delivery.claims``): wall-time leases."""

    __tablename__ = "mass_sends"
    __table_args__ = (CheckConstraint(f"status IN {MASS_STATUSES}", name="status"),)

    id: Mapped[intpk]
    clientmsgid: Mapped[str] = mapped_column(String(64), unique=True)
    content: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), index=True)
    recipients: Mapped[int] = mapped_column(default=0)
    msg_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    # Business clock: written (just before the first call), due again, accepted by WeChat.
    created_at: Mapped[timestamp]
    next_attempt_at: Mapped[timestamp]
    sent_at: Mapped[dt.datetime | None] = mapped_column()
    claimed_by: Mapped[str | None] = mapped_column(String(120))
    claimed_until: Mapped[dt.datetime | None] = mapped_column()
    finish_status: Mapped[str | None] = mapped_column(String(32))
    total_count: Mapped[int | None] = mapped_column()
    filter_count: Mapped[int | None] = mapped_column()
    sent_count: Mapped[int | None] = mapped_column()
    error_count: Mapped[int | None] = mapped_column()
    finished_at: Mapped[dt.datetime | None] = mapped_column()


def calendar_month(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """``[start, end)`` of the calendar month in Beijing time holding ``now`` (aware)."""
    start = now.astimezone(SHANGHAI).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return start, (start + dt.timedelta(days=32)).replace(day=1)


def quota_used(session: Session, now: dt.datetime) -> dict[str, int]:
    """Mass sends this calendar month per openid: every batch that reached or may reach them
    (all but ``failed``), in the month it was accepted (or written, while not yet accepted)."""
    start, end = calendar_month(now)
    when = func.coalesce(MassSend.sent_at, MassSend.created_at)
    return dict(session.execute(
        select(OutboxMessage.openid, func.count())
        .join(MassSend, OutboxMessage.mass_send_id == MassSend.id)
        .where(MassSend.status != "failed", when >= start, when < end)
        .group_by(OutboxMessage.openid)).all())


def worth_a_look(session: Session, now: dt.datetime) -> bool:
    """Whether :func:`candidates` may find something, in two indexed reads — a round runs on
    every member's message, and a month's deferred digests (members over 4, a text for one
    member alone) must not be read again each time: a mass-send row is due; or deferred ones
    wait and no batch was written yet this calendar month (a new month, new quotas)."""
    mass_rows = select(OutboxMessage.id).where(OutboxMessage.purpose.in_(MASS_PURPOSES),
                                               OutboxMessage.mass_send_id.is_(None))
    if session.scalar(mass_rows.where(OutboxMessage.status == "pending",
                                      OutboxMessage.next_attempt_at <= now).limit(1)) is not None:
        return True
    latest = session.scalar(select(func.max(MassSend.created_at)))
    if latest is not None and latest >= calendar_month(now)[0]:
        return False
    return session.scalar(mass_rows.where(OutboxMessage.status == "deferred").limit(1)) is not None


def candidates(session: Session, now: dt.datetime) -> list[tuple[int, str, dict]]:
    """``(row id, openid, payload)`` of the rows that may go by mass now (see the module),
    oldest first, before the quota is checked."""
    window_open = and_(Follower.window_expires_at > now, Follower.window_budget > 0)
    return [tuple(r) for r in session.execute(
        select(OutboxMessage.id, OutboxMessage.openid, OutboxMessage.payload)
        .join(Follower, Follower.openid == OutboxMessage.openid)
        .where(OutboxMessage.purpose.in_(MASS_PURPOSES), OutboxMessage.kind == "text",
               OutboxMessage.mass_send_id.is_(None),
               or_(and_(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now),
                   OutboxMessage.status == "deferred"),
               Follower.subscribed.is_(True), not_(window_open))
        .order_by(OutboxMessage.id))]


def plan_batches(rows: Sequence[tuple[int, str, dict]], used: dict[str, int]) -> list[tuple[str, list[int]]]:
    """Group ``rows`` (from :func:`candidates`) into sends: ``(text, row ids)``, rows of the
    same payload, one per member, only members with quota left by ``used`` (sends this month
    per openid), 2 to :data:`BATCH_MAX` rows each, split evenly when larger."""
    groups: dict[str, dict[str, int]] = {}
    texts: dict[str, str] = {}
    spent = dict(used)
    for row_id, openid, payload in rows:
        key = json.dumps(payload, sort_keys=True, ensure_ascii=False)
        group = groups.setdefault(key, {})
        if openid in group or spent.get(openid, 0) >= PER_MONTH:
            continue
        group[openid] = row_id
        texts[key] = payload["content"]
        spent[openid] = spent.get(openid, 0) + 1
    batches = []
    for key, members in groups.items():
        ids = list(members.values())
        if len(ids) < BATCH_MIN:
            continue
        parts = -(-len(ids) // BATCH_MAX)
        size = -(-len(ids) // parts)
        batches.extend((texts[key], ids[i:i + size]) for i in range(0, len(ids), size))
    return batches


def clientmsgid_for(batch_id: int, row_ids: Sequence[int]) -> str:
    """The batch's ``clientmsgid`` (≤ 64 bytes): its id and a digest of its rows, so another
    database's batch with the same id is never taken for this one."""
    digest = hashlib.sha1(",".join(map(str, sorted(row_ids))).encode()).hexdigest()[:20]
    return f"kiteline-mass-{batch_id}-{digest}"


def take_rows(session: Session, batch: MassSend, row_ids: Sequence[int]) -> int:
    """Put the rows of ``row_ids`` still waiting and in no batch into ``batch``; how many."""
    taken = 0
    for chunk in _chunks(row_ids):
        taken += session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(chunk), OutboxMessage.mass_send_id.is_(None),
                   OutboxMessage.status.in_(WAITING))
            .values(mass_send_id=batch.id)
            .execution_options(synchronize_session=False)).rowcount or 0
    return taken


def _chunks(items: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(items), CHUNK):
        yield items[start:start + CHUNK]


def recipients(session: Session, batch_id: int) -> list[str]:
    """The openids of ``batch_id``'s rows, whatever became of them since: a retry names the same
    list as the first call."""
    return list(session.scalars(select(OutboxMessage.openid).where(OutboxMessage.mass_send_id == batch_id)
                                .order_by(OutboxMessage.id)))


def record_finish(session: Session, msg_id: int, status: str, total: int, filtered: int, sent: int,
                  errors: int, now: dt.datetime) -> bool:
    """The ``MASSSENDJOBFINISH`` report of send ``msg_id``: stored on its batch (a report pushed
    again overwrites it with the same). False when no batch has that ``msg_id`` (a send made
    outside kiteline, from the WeChat console)."""
    return bool(session.execute(
        update(MassSend).where(MassSend.msg_id == msg_id)
        .values(finish_status=status[:32], total_count=total, filter_count=filtered, sent_count=sent,
                error_count=errors, finished_at=now)
        .execution_options(synchronize_session=False)).rowcount)
