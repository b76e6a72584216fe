"""What the scheduler keeps in the database: APScheduler's job store and the leader lease.

DESIGN.md §4 allows one running scheduler across all hosts ("leader-elected through the database,
so a second one waits"). The lease is one row per role: whoever holds an unexpired row is the
leader and renews it; a waiting process takes the row over once it has expired.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Float, LargeBinary, String, Unicode, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base, timestamp

SCHEDULER_LEASE = "scheduler"


class SchedulerJob(Base):
    """APScheduler 3's ``SQLAlchemyJobStore`` table, declared here so migrations create it
    (the store would otherwise create it itself at start-up, outside Alembic's knowledge).
    Columns mirror ``apscheduler.jobstores.sqlalchemy``; only APScheduler reads or writes them."""

    __tablename__ = "apscheduler_jobs"

    id: Mapped[str] = mapped_column(Unicode(191), primary_key=True)
    # Seconds since the epoch (UTC), as APScheduler stores it; NULL for a paused job.
    next_run_time: Mapped[float | None] = mapped_column(Float(25), index=True)
    job_state: Mapped[bytes] = mapped_column(LargeBinary)


class Lease(Base):
    """A named lease: ``holder`` is the leader until ``expires_at`` unless it renews."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    # host:pid:random of the process holding it
    holder: Mapped[str] = mapped_column(String(120))
    expires_at: Mapped[timestamp]


def acquire_lease(session: Session, name: str, holder: str, now: dt.datetime,
                  ttl: dt.timedelta) -> bool:
    """Take or renew lease ``name`` for ``holder`` until ``now + ttl``.

    Returns True when ``holder`` is the leader afterwards: it held the lease already, the lease
    had expired, or nobody had taken it yet. One conditional UPDATE (or the INSERT of a missing
    row) decides, so two processes racing cannot both win. The caller commits."""
    expires = now + ttl
    taken = session.execute(
        update(Lease)
        .where(Lease.name == name, (Lease.holder == holder) | (Lease.expires_at <= now))
        .values(holder=holder, expires_at=expires)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount:
        return True
    try:
        with session.begin_nested():
            session.execute(insert(Lease).values(name=name, holder=holder, expires_at=expires))
    except IntegrityError:
        return False  # the row exists and someone else holds it
    return True


def release_lease(session: Session, name: str, holder: str, now: dt.datetime) -> None:
    """Give lease ``name`` up (if ``holder`` has it) so a waiting process takes over at its next
    try instead of after the expiry. The caller commits."""
    session.execute(
        update(Lease).where(Lease.name == name, Lease.holder == holder).values(expires_at=now)
        .execution_options(synchronize_session=False)
    )


def lease_holder(session: Session, name: str, now: dt.datetime) -> str | None:
    """Who holds lease ``name`` at ``now``, or ``None`` when nobody does (never taken, given
    up, or expired)."""
    return session.scalar(select(Lease.holder).where(Lease.name == name, Lease.expires_at > now))
