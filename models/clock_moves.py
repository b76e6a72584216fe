"""Moves of the simulated clock, asked for by any process and carried out by one.

``POST /sandbox/clock`` may reach any web process, but only the scheduler's leader may run jobs
(DESIGN.md §4). So a move is a row: the process that got the request queues it and waits; the
leader (or, when nobody leads, the requesting process for the time it takes) carries the pending
moves out in order — ``pending`` → ``running`` → ``done``, ``refused`` (a move to the past) or
``failed`` (something broke half-way) — and writes what happened into ``report``. A move nobody
started in time is ``abandoned`` by the one waiting.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import CheckConstraint, Float, String, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base, intpk, timestamp

MOVE_STATUSES = ("pending", "running", "done", "refused", "failed", "abandoned")
# One move spans at most this much: every job's due times in the span are walked through, and a
# year is more than any demo needs. Move again for more.
MAX_SPAN = dt.timedelta(days=366)
USAGE = 'send {"advance_seconds": N} (N ≥ 0) or {"set": "2026-12-01T09:00:00+08:00"}'


class ClockMove(Base):
    """One asked-for move: ``advance_seconds`` past the now at which it is carried out, or to
    ``target``. ``requested_at``/``finished_at`` are wall time; ``report`` is the answer the
    asker gets (:func:`finish`)."""

    __tablename__ = "clock_moves"
    __table_args__ = (CheckConstraint(f"status IN {MOVE_STATUSES}", name="status"),)

    id: Mapped[intpk]
    advance_seconds: Mapped[float | None] = mapped_column(Float)
    target: Mapped[dt.datetime | None] = mapped_column()
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    requested_at: Mapped[timestamp]
    finished_at: Mapped[dt.datetime | None] = mapped_column()
    report: Mapped[dict | None] = mapped_column()


@dataclass(frozen=True)
class Move:
    """A valid move: exactly one of ``advance`` and ``target`` is set."""

    advance: dt.timedelta | None = None
    target: dt.datetime | None = None

    def destination(self, now: dt.datetime) -> dt.datetime:
        """Where the clock goes when the move is carried out at ``now``. Raises
        :class:`ValueError` for a target before ``now`` or more than :data:`MAX_SPAN` ahead."""
        if self.advance is not None:
            return now + self.advance
        assert self.target is not None
        # the service's now as the target was written (same UTC offset), to the second
        shown = now.astimezone(self.target.tzinfo).replace(microsecond=0).isoformat()
        if self.target < now:
            raise ValueError(f"set {self.target.isoformat()} is before the service's now {shown}: "
                             "time only moves forward")
        if self.target - now > MAX_SPAN:
            raise ValueError(f"set {self.target.isoformat()} is more than {MAX_SPAN.days} days after "
                             f"the service's now {shown}: move in steps")
        return self.target


def parse_move(body: object, zone: ZoneInfo) -> Move:
    """The move a ``POST /sandbox/clock`` body asks for. A ``set`` without a UTC offset is read
    in ``zone`` (``scheduler.timezone``). Raises :class:`ValueError` saying what is wrong."""
    if not isinstance(body, dict) or len(body.keys() & {"advance_seconds", "set"}) != 1 or len(body) != 1:
        raise ValueError(f"the body must be a JSON object with one key: {USAGE}")
    if "advance_seconds" in body:
        seconds = body["advance_seconds"]
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not math.isfinite(seconds):
            raise ValueError(f"advance_seconds must be a number of seconds, not {seconds!r}")
        if seconds < 0:
            raise ValueError(f"advance_seconds is {seconds}: time only moves forward")
        if seconds > MAX_SPAN.total_seconds():
            raise ValueError(f"advance_seconds is {seconds}: at most {int(MAX_SPAN.total_seconds())} "
                             f"({MAX_SPAN.days} days) per move; move in steps")
        return Move(advance=dt.timedelta(seconds=seconds))
    value = body["set"]
    try:
        target = dt.datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        target = None
    if target is None:
        raise ValueError(f"set must be an ISO-8601 date and time such as 2026-12-01T09:00:00+08:00, not {value!r}")
    return Move(target=target if target.tzinfo else target.replace(tzinfo=zone))


def queue(session: Session, move: Move, wall_now: dt.datetime) -> int:
    """Queue ``move``; returns its id. The caller commits."""
    row = ClockMove(advance_seconds=None if move.advance is None else move.advance.total_seconds(),
                    target=move.target, status="pending", requested_at=wall_now)
    session.add(row)
    session.flush()
    return row.id


def pending(session: Session) -> list[ClockMove]:
    """Moves not yet started, oldest first."""
    return list(session.scalars(select(ClockMove).where(ClockMove.status == "pending").order_by(ClockMove.id)))


def move_of(row: ClockMove) -> Move:
    """The :class:`Move` a stored row asks for."""
    if row.advance_seconds is not None:
        return Move(advance=dt.timedelta(seconds=row.advance_seconds))
    return Move(target=row.target)


def start(session: Session, move_id: int) -> bool:
    """Mark a pending move running; False when it is no longer pending (abandoned)."""
    return bool(session.execute(update(ClockMove).where(ClockMove.id == move_id, ClockMove.status == "pending")
                                .values(status="running")).rowcount)


def finish(session: Session, move_id: int, status: str, report: dict, wall_now: dt.datetime) -> None:
    """Record how a running move ended: ``done`` with its report, or ``refused`` with
    ``{"error": ...}``."""
    session.execute(update(ClockMove).where(ClockMove.id == move_id)
                    .values(status=status, report=report, finished_at=wall_now))


def abandon(session: Session, move_id: int, wall_now: dt.datetime) -> bool:
    """Give up a move nobody started: True when it was still pending (it never will run now)."""
    return bool(session.execute(update(ClockMove).where(ClockMove.id == move_id, ClockMove.status == "pending")
                                .values(status="abandoned", finished_at=wall_now)).rowcount)


def status_of(session: Session, move_id: int) -> tuple[str, dict | None]:
    """``(status, report)`` of a move, read afresh."""
    row = session.execute(select(ClockMove.status, ClockMove.report).where(ClockMove.id == move_id)).one()
    return row.status, row.report
