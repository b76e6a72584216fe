"""The shared credential store: one ``access_token`` per official account for every process.

WeChat's rules (获取稳定版接口调用凭据, getStableAccessToken docs): a token lasts up to 7200 s and
``expires_in`` gives the whole seconds it has left; in normal mode the platform hands back the
token it holds for as long as that token is valid (the docs' notes add that it may renew one 5
minutes early, the old one staying valid to its end). Asking before a token expires is therefore
wasted, and a process that asks on every call of the token's last minute gets the same token back
each time — a storm. So:

- The token lives in one row that every web worker, scheduler and dispatcher reads.
- ``expires_at`` is when the platform said it expires: ``expires_in`` counted from the moment
  its answer was *received* (a fetch before that instant could only bring the same token back;
  the time the answer spent in flight is covered by the blackout).
- A token serves until :data:`BLACKOUT` before ``expires_at``: a call sent later might land
  after the token died (its flight, and ``expires_in`` being rounded to whole seconds).
- In the blackout a process neither uses nor fetches: it waits — bounded in real time — until
  ``expires_at``; then exactly one process, the holder of a short lease, fetches and the others
  wait for its token. A fetch that brings back the token already held (the platform's rounding
  kept it a moment longer) puts ``expires_at`` :data:`ROUNDING` past what the platform said, so
  nobody asks again before it is surely gone.
- A token the platform refused (40001/40014/42001, :mod:`bot.wechat_api`) is replaced at once,
  again by one process.

That is one fetch per expiry on either reading of the platform: one that keeps a token until it
expires hands out a new one at ``expires_at``; one that renews early has the new one ready then.

The lease is a compare-and-swap on the row (portable to SQLite and PostgreSQL, no database lock
held during the HTTP call) that also requires the row to still hold the token the process saw,
so a process that read the row just before another stored a new token does not fetch again.

Keys are free-form (``<appid>_access_token``, as wechatpy names them), so wechatpy's other
cached credentials (e.g. the jsapi ticket) can share the table.
"""
from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import String, delete, or_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from models.base import Base
from models.clock import Clock

# A token stops serving this long before the expiry the platform stated: up to 1 s for a call's
# flight and 1 s for expires_in being whole seconds, which the platform may round either way.
BLACKOUT = dt.timedelta(seconds=2)
# How much longer than stated a token handed back may live (expires_in is whole seconds).
ROUNDING = dt.timedelta(seconds=1)
# How long one process may hold the refresh before another may take over (a crashed refresher).
REFRESH_LEASE = dt.timedelta(seconds=30)
# How long a client may send a value it read without reading the row again (Recent), in real
# seconds: what a refresh elsewhere costs it at most.
REUSE_SECONDS = 1.0
# How long a process waits for another one's refresh to land, in real seconds.
REFRESH_WAIT_SECONDS = 10.0
# A clock that has not moved for this long in real time has stopped (a test's clock); the
# system clock moves every microsecond.
STOPPED_CLOCK_SECONDS = 0.1
_POLL_SECONDS = 0.02

Fetch = Callable[[], tuple[str, int]]


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


@dataclass(frozen=True)
class Seen:
    """What a process read from a row: the value and when the platform said it expires."""

    value: str | None
    expires_at: dt.datetime | None

    def serves(self, now: dt.datetime) -> bool:
        """The value may be sent now: its expiry is more than :data:`BLACKOUT` away."""
        return self.value is not None and self.expires_at is not None and now < self.expires_at - BLACKOUT

    def in_blackout(self, now: dt.datetime) -> bool:
        """Too close to its expiry to send, too early to fetch a new one."""
        return (self.value is not None and self.expires_at is not None
                and self.expires_at - BLACKOUT <= now < self.expires_at)


def read_token(session: Session, key: str, now: dt.datetime) -> str | None:
    """The stored value for ``key`` if it may be sent now (see :meth:`Seen.serves`)."""
    row = session.get(SharedToken, key, populate_existing=True)
    seen = Seen(row.value, row.expires_at) if row is not None else Seen(None, None)
    return seen.value if seen.serves(now) else None


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


class Recent:
    """The last value read from the store, reused without reading the row again for at most
    :data:`REUSE_SECONDS`, of real time and of the business clock (a simulated one may jump
    hours in a second), and never once it stops serving (:meth:`Seen.serves`: not past its
    expiry, nor in its blackout). Shared by a process's API clients (a dispatcher's workers),
    which would otherwise read the row for every call; safe across threads (what was read is
    kept as one tuple, replaced whole). When it has aged, one caller reads the store again and
    the others go on with the value kept meanwhile (else every worker of a dispatcher reads the
    row in the same millisecond, once a second). The price: a value another process replaced
    because the platform refused it (:func:`refresh_token`) may be sent for up to that long here
    (twice that if the one read fails) — the call is refused 40001 and refreshes, which finds
    the new value in the store and fetches nothing."""

    def __init__(self) -> None:
        self._kept: tuple[Seen, float, dt.datetime | None] = (Seen(None, None), float("-inf"), None)
        self._lock = threading.Lock()

    def value(self, now: dt.datetime) -> str | None:
        """The value kept, if it may still be sent at ``now`` without a look at the store; else
        ``None``: the caller reads the store and :meth:`keep`s what it read. Of the callers that
        find it aged, only the first gets ``None``; the others get the value kept (while it
        serves) for up to :data:`REUSE_SECONDS` more."""
        with self._lock:
            seen, read_at, read_now = self._kept
            if not seen.serves(now):
                return None
            fresh = (time.monotonic() - read_at < REUSE_SECONDS and read_now is not None
                     and dt.timedelta(0) <= now - read_now < dt.timedelta(seconds=REUSE_SECONDS))
            if not fresh:
                self._kept = (seen, time.monotonic(), now)  # this caller reads; the others reuse
                return None
            return seen.value

    def keep(self, seen: Seen, now: dt.datetime) -> None:
        """``seen`` was just read from the store (or fetched), at ``now``."""
        self._kept = (seen, time.monotonic(), now)

    def forget(self) -> None:
        """The platform refused the value kept: read the store next time."""
        self._kept = (Seen(None, None), float("-inf"), None)


def current_token(factory: sessionmaker[Session], key: str, clock: Clock, fetch: Fetch,
                  recent: Recent | None = None) -> str:
    """A value for ``key`` that may be sent now, fetched only once the stored one has expired.

    ``fetch()`` returns ``(value, expires_in_seconds)``; only the process holding the lease calls
    it. In the stored value's blackout this waits, at most :data:`BLACKOUT` in real time, for the
    clock to reach its expiry; a clock that stops meanwhile (a test's) keeps the value in use,
    since a platform on that clock still takes it. Raises whatever ``fetch`` raises (the lease is
    released), or :class:`TokenRefreshTimeout` when another process holds the lease and no value
    arrives within :data:`REFRESH_WAIT_SECONDS`. With ``recent`` (a client's :class:`Recent`) a
    value read within :data:`REUSE_SECONDS` that still serves is returned without a read.
    """
    recent = recent or Recent()
    if (kept := recent.value(clock.now())) is not None:
        return kept
    deadline = time.monotonic() + REFRESH_WAIT_SECONDS
    while True:
        now = clock.now()
        seen = _read(factory, key)
        if seen.serves(now):
            recent.keep(seen, now)
            return seen.value
        if seen.in_blackout(now):
            if _sit_out(factory, key, clock, seen):
                return seen.value
        elif _take_lease(factory, key, now, seen):
            fetched = _fetch_and_store(factory, key, clock, fetch, seen)
            if fetched.serves(clock.now()):
                recent.keep(fetched, clock.now())
                return fetched.value
            _wait(deadline, key)  # a value with (almost) no time left: look again, not forever
        else:
            _wait(deadline, key)


def refresh_token(factory: sessionmaker[Session], key: str, clock: Clock, fetch: Fetch,
                  stale: str | None = None) -> str:
    """A value for ``key`` other than ``stale``, the one the platform just refused.

    A stored value other than ``stale`` (another process replaced it already) is used as
    :func:`current_token` would; otherwise one process fetches at once, whatever the stored
    expiry says, and the others wait for it. ``stale=None`` (nothing was refused) is
    :func:`current_token`. Raises like :func:`current_token`.
    """
    deadline = time.monotonic() + REFRESH_WAIT_SECONDS
    while True:
        seen = _read(factory, key)
        if stale is None or (seen.value is not None and seen.value != stale):
            return current_token(factory, key, clock, fetch)
        if _take_lease(factory, key, clock.now(), seen):
            return _fetch_and_store(factory, key, clock, fetch, seen).value
        _wait(deadline, key)


def _read(factory: sessionmaker[Session], key: str) -> Seen:
    with factory() as s:
        row = s.get(SharedToken, key)
        return Seen(row.value, row.expires_at) if row is not None else Seen(None, None)


def _sit_out(factory: sessionmaker[Session], key: str, clock: Clock, seen: Seen) -> bool:
    """Wait through ``seen``'s blackout. False: look again (the clock reached its expiry or the
    row changed). True: send ``seen`` after all — the clock stopped, or crawled through
    :data:`BLACKOUT` of real time, so on its time no call is in flight long enough to matter."""
    started = time.monotonic()
    last, still_since = clock.now(), started
    while time.monotonic() - started < BLACKOUT.total_seconds():
        time.sleep(_POLL_SECONDS)
        now = clock.now()
        if now >= seen.expires_at or _read(factory, key) != seen:
            return False
        if now != last:
            last, still_since = now, time.monotonic()
        elif time.monotonic() - still_since >= STOPPED_CLOCK_SECONDS:
            return True
    return True


def _wait(deadline: float, key: str) -> None:
    if time.monotonic() >= deadline:
        raise TokenRefreshTimeout(f"{key}: another process is refreshing and nothing arrived")
    time.sleep(_POLL_SECONDS)


def _matches(column, value):
    return column.is_(None) if value is None else column == value


def _take_lease(factory: sessionmaker[Session], key: str, now: dt.datetime, seen: Seen) -> bool:
    """Take the refresh lease if it is free and the row still holds what the caller ``seen``."""
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
                   or_(SharedToken.refresh_lease_until.is_(None), SharedToken.refresh_lease_until <= now),
                   _matches(SharedToken.value, seen.value),
                   _matches(SharedToken.expires_at, seen.expires_at))
            .values(refresh_lease_until=now + REFRESH_LEASE)
        ).rowcount == 1
        s.commit()
        return taken


def _release_lease(factory: sessionmaker[Session], key: str) -> None:
    with factory() as s:
        s.execute(update(SharedToken).where(SharedToken.key == key).values(refresh_lease_until=None))
        s.commit()


def _fetch_and_store(factory: sessionmaker[Session], key: str, clock: Clock, fetch: Fetch,
                     seen: Seen) -> Seen:
    """Call ``fetch`` (the lease is held), store its value, release the lease."""
    try:
        value, expires_in = fetch()
    except Exception:
        _release_lease(factory, key)
        raise
    expires_at = clock.now() + dt.timedelta(seconds=expires_in)
    if value == seen.value:  # handed back: don't ask again before it is surely gone
        expires_at += ROUNDING
    with factory() as s:
        store_token(s, key, value, expires_at)
        s.commit()
    return Seen(value, expires_at)
