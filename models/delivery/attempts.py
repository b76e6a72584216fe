"""Every try at sending an outbox row, as it happened: table ``outbox_attempts``.

An attempt is written (committed) before its API call — number, channel, holder, when it
started — and its answer right after: when it ended, WeChat's ``errcode`` (0 when WeChat
accepted it, ``None`` when no code came back: a timeout, no connection, no access token), what
that meant (:class:`~models.delivery.errcodes.Meaning`, or ``ok``) and the description the row
records. So after a ``kill -9`` the attempts are the evidence of how far a row got
(:func:`evidence`, used by :func:`models.delivery.claims.recover_stale`):

- an answer recorded ``ok``: WeChat accepted it — the row was sent;
- an answer recorded with a refusal: WeChat sent nothing — the row may go again;
- started, no answer: the request may have been written — the purpose's guarantee decides.

Times are the business clock (``Dispatch.clock``), like the row's own.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base, intpk, timestamp
from models.delivery.errcodes import Meaning

OK = "ok"  # ``meaning`` of an attempt WeChat accepted


class Evidence(StrEnum):
    """What a row's last attempt proves about a send that a crash interrupted."""

    NONE = "none"  # no attempt recorded, or one started without an answer
    ACCEPTED = "accepted"  # WeChat answered ok: delivered
    REFUSED = "refused"  # WeChat (or the lack of a connection) answered: nothing delivered


class OutboxAttempt(Base):
    """One try at sending outbox row ``outbox_id`` (its ``number``-th, from 1)."""

    __tablename__ = "outbox_attempts"
    __table_args__ = (UniqueConstraint("outbox_id", "number"),)

    id: Mapped[intpk]
    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id"), index=True)
    number: Mapped[int]
    channel: Mapped[str] = mapped_column(String(16))
    # The dispatcher that made it (host:pid:random, models.delivery.claims).
    holder: Mapped[str] = mapped_column(String(120))
    started_at: Mapped[timestamp]
    ended_at: Mapped[dt.datetime | None] = mapped_column()
    # WeChat's error code: 0 accepted, else its refusal; None when WeChat gave no code.
    errcode: Mapped[int | None] = mapped_column()
    # "ok", or a models.delivery.errcodes.Meaning value; None while no answer is recorded.
    meaning: Mapped[str | None] = mapped_column(String(16))
    description: Mapped[str | None] = mapped_column(Text)


def begin(session: Session, outbox_id: int, number: int, channel: str, holder: str,
          now: dt.datetime) -> OutboxAttempt:
    """Add the ``number``-th attempt at row ``outbox_id``, started ``now``; the caller commits
    it before the call."""
    attempt = OutboxAttempt(outbox_id=outbox_id, number=number, channel=channel, holder=holder,
                            started_at=now)
    session.add(attempt)
    return attempt


def answer(attempt: OutboxAttempt, now: dt.datetime, meaning: Meaning | None, errcode: int | None,
           description: str | None) -> None:
    """Record how ``attempt`` ended: ``meaning`` ``None`` for accepted (``errcode`` 0)."""
    attempt.ended_at = now
    attempt.meaning = OK if meaning is None else meaning.value
    attempt.errcode = 0 if meaning is None else errcode
    attempt.description = description


def last_attempts(session: Session, outbox_ids: Collection[int]) -> dict[int, OutboxAttempt]:
    """The latest attempt of each of ``outbox_ids`` that has one."""
    latest: dict[int, OutboxAttempt] = {}
    ids = list(outbox_ids)
    for start in range(0, len(ids), 500):  # inside every database's bound-parameter limit
        for attempt in session.scalars(select(OutboxAttempt).where(
                OutboxAttempt.outbox_id.in_(ids[start:start + 500])).order_by(OutboxAttempt.number)):
            latest[attempt.outbox_id] = attempt
    return latest


def evidence(attempt: OutboxAttempt | None) -> Evidence:
    """What ``attempt`` (a row's last) proves: see the module docstring. An answer meaning
    ``unknown`` (a read timeout) proves nothing."""
    if attempt is None or attempt.ended_at is None or attempt.meaning == Meaning.UNKNOWN.value:
        return Evidence.NONE
    return Evidence.ACCEPTED if attempt.meaning == OK else Evidence.REFUSED


def attempts_of(session: Session, outbox_id: int) -> list[OutboxAttempt]:
    """Every attempt at row ``outbox_id``, first first."""
    return list(session.scalars(select(OutboxAttempt).where(OutboxAttempt.outbox_id == outbox_id)
                                .order_by(OutboxAttempt.number)))
