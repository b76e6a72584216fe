"""The shared credential store: one ``access_token`` per official account for every process.

WeChat's rule (获取 access_token / stable_token docs): a token lasts 7200 s, each account gets one
token at a time, and fetching a new one invalidates the old after 5 minutes. So the token lives
in one row that every web worker, scheduler and dispatcher reads, and only one process at a time
may fetch a new one. The refresh is a compare-and-swap on a short lease (portable to SQLite and
PostgreSQL, and no database lock is held during the HTTP call), so N processes that see a stale
token at once cause one fetch, not N.

Keys are free-form (``<appid>_access_token``, as wechatpy names them), so wechatpy's other
cached credentials (e.g. the jsapi ticket) can share the table.
"""
from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

from sqlalchemy import String, delete, or_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from models.base import Base
from models.clock import Clock

# A token this close to its expiry counts as stale, so a call never goes out with a token that
# dies in flight (wechatpy uses the same margin).
EXPIRY_MARGIN = dt.timedelta(seconds=60)
# How long one process may hold the refresh before another may take over (a crashed refresher).
REFRESH_LEASE = dt.timedelta(seconds=30)
# How long a process waits for another one's refresh to land, in real seconds.
REFRESH_WAIT_SECONDS = 10.0
_POLL_SECONDS = 0.05


class TokenRefreshTimeout(Exception):
    """Another process holds the refresh lease and no fresh token appeared in time."""


class SharedToken(Base):
    """One cached credential (``key`` → ``value`` until ``expires_at``)."""

    __tablename__ = "shared_tokens"

    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    value: Mapped[str | None] = mapped_column(String(1024))
    expires_at: Mapped[dt.datetime | None] = mapped_column()
    # Set while one process fetches a new value; others wait for it instead of fetching too.
    refresh_lease_until: Mapped[dt.datetime | None] = mapped_column()


def read_token(session: Session, key: str, now: dt.datetime) -> str | None:
    """The stored value for ``key`` if it is still good for at least :data:`EXPIRY_MARGIN`."""
    row = session.get(SharedToken, key, populate_existing=True)
    if row is None or row.value is None or row.expires_at is None:
        return None
    return row.value if now + EXPIRY_MARGIN < row.expires_at else None


def store_token(session: Session, key: str, value: str, expires_at: dt.datetime) -> None:
    """Insert or replace the value for ``key`` and release any refresh lease on it."""
    row = session.get(SharedToken, key)
    if row is None:
        session.add(SharedToken(key=key, value=value, expires_at=expires_at))
    else:
        row.value, row.expires_at, row.refresh_lease_until = value, expires_at, None


def delete_token(session: Session, key: str) -> None:
    """Forget the value for ``key`` (the next reader fetches a new one)."""
    session.execute(delete(SharedToken).where(SharedToken.key == key))


def _take_lease(factory: sessionmaker[Session], key: str, now: dt.datetime) -> bool:
    with factory() as s:
        if s.get(SharedToken, key) is None:
            s.add(SharedToken(key=key))
            try:
                s.commit()
            except IntegrityError:  # another process created the row first: fine
                s.rollback()
        taken = s.execute(
            update(SharedToken)
            .where(SharedToken.key == key,
                   or_(SharedToken.refresh_lease_until.is_(None), SharedToken.refresh_lease_until <= now))
            .values(refresh_lease_until=now + REFRESH_LEASE)
        ).rowcount == 1
        s.commit()
        return taken


def _release_lease(factory: sessionmaker[Session], key: str) -> None:
    with factory() as s:
        s.execute(update(SharedToken).where(SharedToken.key == key).values(refresh_lease_until=None))
        s.commit()


def refresh_token(factory: sessionmaker[Session], key: str, clock: Clock,
                  fetch: Callable[[], tuple[str, int]], stale: str | None = None) -> str:
    """A fresh value for ``key``, fetched by at most one process at a time.

    ``fetch()`` returns ``(value, expires_in_seconds)`` and is called only by the process that
    wins the lease. ``stale`` is the value the caller saw rejected: a stored value that differs
    from it (another process refreshed meanwhile) is returned without fetching. Raises whatever
    ``fetch`` raises (the lease is released), or :class:`TokenRefreshTimeout`.
    """
    deadline = time.monotonic() + REFRESH_WAIT_SECONDS
    while True:
        now = clock.now()
        with factory() as s:
            current = read_token(s, key, now)
        if current is not None and current != stale:
            return current
        if _take_lease(factory, key, now):
            break
        if time.monotonic() >= deadline:
            raise TokenRefreshTimeout(f"{key}: another process is refreshing and nothing arrived")
        time.sleep(_POLL_SECONDS)
    try:
        value, expires_in = fetch()
    except Exception:
        _release_lease(factory, key)
        raise
    with factory() as s:
        store_token(s, key, value, clock.now() + dt.timedelta(seconds=expires_in))
        s.commit()
    return value

