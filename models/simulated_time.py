"""Simulated time for the sandbox (DESIGN.md §3): one clock for every process, kept in the
database, that only ever moves forward.

The service's now is the wall clock plus an offset stored in ``clock_offset`` (one row), so time
keeps flowing between moves and every process on the database reads the same now. A move is
asked for through ``clock_moves`` (:mod:`models.clock_moves`) and carried out by the scheduler's
leader (:mod:`scheduler.simulated_time`), which runs the jobs that fell due in the skipped span
with the clock frozen at each one's due time, then stores the new offset here.

Reading the offset is one primary-key SELECT. A request or a scheduler pass reads it once and
works with that value (:meth:`SimulatedClock.pinned`); ``now()`` outside such a scope reads it
afresh. Without the sandbox none of this runs: the runtime's clock is the plain system clock.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import (
    CheckConstraint,
    Connection,
    Engine,
    Float,
    insert,
    select,
    update,
)
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, timestamp
from models.clock import Clock

log = logging.getLogger(__name__)

# The one row of ``clock_offset``.
ROW_ID = 1


class ClockOffset(Base):
    """How far the service's clock runs ahead of the wall clock: ``offset_seconds`` (≥ 0, never
    smaller than before), since ``moved_at`` (wall time of the last move)."""

    __tablename__ = "clock_offset"
    __table_args__ = (CheckConstraint(f"id = {ROW_ID}", name="one_row"),
                      CheckConstraint("offset_seconds >= 0", name="forward"))

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    offset_seconds: Mapped[float] = mapped_column(Float)
    moved_at: Mapped[timestamp]


_OFFSET = select(ClockOffset.offset_seconds).where(ClockOffset.id == ROW_ID)

# What a scope set for this thread (or task): ``(clock, offset)`` or ``(clock, instant)``. One
# variable for every clock, tagged with the clock it belongs to, so two clocks in one process
# (two engines in a test) never read each other's values.
_pinned: ContextVar[tuple[SimulatedClock, dt.timedelta] | None] = ContextVar("kiteline_clock_pin", default=None)
_frozen: ContextVar[tuple[SimulatedClock, dt.datetime] | None] = ContextVar("kiteline_clock_frozen", default=None)


class SimulatedClock:
    """The sandbox's clock: ``wall.now()`` plus the stored offset.

    ``wall`` is the real clock (a test's manual clock): what leases and other "is that process
    alive" questions use, since the simulated now may jump days ahead. Safe to share between
    threads; pins and frozen instants belong to the thread (context) that set them."""

    def __init__(self, wall: Clock, engine: Engine) -> None:
        self.wall = wall
        self.engine = engine
        self._last_read = dt.timedelta(0)

    def now(self) -> dt.datetime:
        """The simulated now, timezone-aware UTC: the frozen instant of a job running in this
        context, else the wall clock plus the pinned (or freshly read) offset."""
        frozen = _frozen.get()
        if frozen is not None and frozen[0] is self:
            return frozen[1]
        return self.wall.now() + self.offset()

    def offset(self) -> dt.timedelta:
        """The offset pinned in this context, else read from the database (0 before any move)."""
        pinned = _pinned.get()
        if pinned is not None and pinned[0] is self:
            return pinned[1]
        return self.read_offset()

    def read_offset(self, connection: Connection | None = None) -> dt.timedelta:
        """The stored offset (one SELECT by primary key). When the database cannot be read, the
        offset this clock read last: asking the time never fails, and whatever needs the
        database meets the outage where it answers for it (the webhook's "系统正忙").

        On ``connection`` (a transaction the caller is in: a dispatcher's turn), the read is
        one statement of that transaction, not a connection and a transaction of its own — on
        PostgreSQL one round trip instead of three — and a failure is the caller's to meet."""
        if connection is not None:
            self._last_read = dt.timedelta(seconds=connection.execute(_OFFSET).scalar() or 0)
            return self._last_read
        try:
            with self.engine.connect() as conn:
                seconds = conn.execute(_OFFSET).scalar()
        except SQLAlchemyError:
            log.warning("simulated clock: offset unreadable, keeping %s", self._last_read)
            return self._last_read
        self._last_read = dt.timedelta(seconds=seconds or 0)
        return self._last_read

    @contextmanager
    def pinned(self, offset: dt.timedelta | None = None) -> Iterator[dt.timedelta]:
        """Read the offset once for the scope (a request, a scheduler pass), or take the
        ``offset`` just read: every ``now()`` in it uses that value. Yields it."""
        offset = self.read_offset() if offset is None else offset
        token = _pinned.set((self, offset))
        try:
            yield offset
        finally:
            _pinned.reset(token)

    @contextmanager
    def frozen_at(self, instant: dt.datetime) -> Iterator[None]:
        """``now()`` is ``instant`` in this context for the scope: a job run for a moment the
        clock skipped sees the time it fell due."""
        token = _frozen.set((self, instant))
        try:
            yield
        finally:
            _frozen.reset(token)

    def move_to(self, instant: dt.datetime) -> None:
        """Store the offset that makes ``now()`` read ``instant`` at this moment, unless the
        clock is already past it (time never goes back)."""
        wall = self.wall.now()
        seconds = (instant - wall).total_seconds()
        with self.engine.begin() as conn:
            moved = conn.execute(update(ClockOffset).where(ClockOffset.id == ROW_ID,
                                                           ClockOffset.offset_seconds < seconds)
                                 .values(offset_seconds=seconds, moved_at=wall)).rowcount
            exists = moved or conn.execute(select(ClockOffset.id).where(ClockOffset.id == ROW_ID)).first()
            if not exists and seconds > 0:
                conn.execute(insert(ClockOffset).values(id=ROW_ID, offset_seconds=seconds, moved_at=wall))


def wall_clock(clock: Clock) -> Clock:
    """The real clock behind ``clock``: its ``wall`` when simulated, else ``clock`` itself.
    Leases ask this one: whether a process is alive is a matter of real time."""
    return clock.wall if isinstance(clock, SimulatedClock) else clock
