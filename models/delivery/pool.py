"""A dispatcher's round: many outbox rows at once — recovery of stale claims, claims, worker
threads, a rate limit per channel, lease renewal.

One call may wait the whole API timeout; one thread sending a push to hundreds of members
would wait them one after another (issue 8: 11 minutes for 82 members at 30% faults). So a
round (:func:`drain`) keeps ``delivery.concurrency`` calls under way: it claims only as many
rows as there are idle workers (a dead process leaves few claims behind), at most one per
member, and a member's next row only once their previous one is settled — each member's
messages go out in order and one at a time, as their 48-hour window budget is theirs alone.
Each worker has its own API client (wechatpy's holds a ``requests.Session``) and its own
database sessions.

Every round first recovers the claims of dispatchers that are gone (:mod:`models.delivery.claims`),
then sends what goes by mass send (:mod:`models.delivery.mass_send`).
While it works, the round renews the leases of the rows it holds. One row's way through a
sender is :func:`models.delivery.dispatcher.deliver`.
"""
from __future__ import annotations

import logging
import os
import secrets
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager

from models.delivery.claims import (
    LEASE,
    claim_due,
    recover_stale,
    renew_leases,
    this_host,
)
from models.delivery.dispatcher import Dispatch, deliver
from models.delivery.mass_send import send_mass_due
from models.delivery.sender import Sender

log = logging.getLogger(__name__)

SenderFactory = Callable[[], Sender]
RENEW_EVERY_SECONDS = LEASE.total_seconds() / 4
# Holders of this process that are running now; another holder id with this pid is a
# dispatcher of this process that has finished (or of an earlier process with the same pid).
_live_holders: set[str] = set()


@contextmanager
def holding() -> Iterator[str]:
    """A new holder id ``host:pid:random``, known to be alive until the block ends."""
    holder = f"{this_host()}:{os.getpid()}:{secrets.token_hex(3)}"
    _live_holders.add(holder)
    try:
        yield holder
    finally:
        _live_holders.discard(holder)


class RateLimiter:
    """Spaces calls on each channel ``1 / rate`` seconds apart, across threads (a token bucket
    holding one token: no bursts). Rates are calls per second by channel."""

    def __init__(self, rates: Mapping[str, float]) -> None:
        self.gap = {channel: 1 / rate for channel, rate in rates.items()}
        self.next_start = dict.fromkeys(rates, 0.0)
        self.lock = threading.Lock()

    def wait(self, channel: str) -> None:
        """Block until a call on ``channel`` may start."""
        with self.lock:
            now = time.monotonic()
            start = max(now, self.next_start[channel])
            self.next_start[channel] = start + self.gap[channel]
        if start > now:
            time.sleep(start - now)


def drain(d: Dispatch, new_sender: SenderFactory, holder: str, stop: threading.Event | None = None) -> Counter:
    """Send what is due until nothing due is left to claim (or ``stop`` is set, when the calls
    under way are finished first), each worker with a sender of its own from ``new_sender``.
    Returns how many rows ended each way (``sent``, ``deferred``, ``dropped``, ``failed``,
    ``unknown``, ``retry``; see :func:`models.delivery.dispatcher.deliver`), and ``error`` for
    a row whose outcome could not be recorded."""
    pace = d.pace
    limiter = RateLimiter(pace.rate_per_second)
    workers = threading.local()

    def work(row_id: int) -> str:
        if not hasattr(workers, "sender"):
            workers.sender = new_sender()
        return deliver(d, workers.sender, row_id, holder, limiter)

    with d.sessions() as s:
        recover_stale(s, d.clock.now(), _live_holders, d.reactions)
        s.commit()
    # Mass sends first: they take the rows of closed windows that may go by 群发.
    outcomes: Counter = send_mass_due(d, new_sender, holder, _live_holders)
    in_flight: dict[Future, tuple[int, str]] = {}
    renewed, exhausted = time.monotonic(), False
    with ThreadPoolExecutor(pace.concurrency, thread_name_prefix="kiteline-send") as pool:
        while True:
            idle = pace.concurrency - len(in_flight)
            if idle and not exhausted and not (stop and stop.is_set()):
                with d.sessions() as s:
                    claimed = claim_due(s, d.clock.now(), holder, idle, {o for _, o in in_flight.values()})
                    s.commit()
                in_flight.update({pool.submit(work, row_id): (row_id, openid) for row_id, openid in claimed})
                exhausted = len(claimed) < idle
            if not in_flight:
                return outcomes
            done, _ = wait(in_flight, timeout=RENEW_EVERY_SECONDS, return_when=FIRST_COMPLETED)
            for future in done:
                row_id, _ = in_flight.pop(future)
                outcomes[_outcome(future, row_id)] += 1
            exhausted = exhausted and not done  # a member's next row may be claimable now
            if time.monotonic() - renewed >= RENEW_EVERY_SECONDS:
                with d.sessions() as s:
                    renew_leases(s, holder, [row_id for row_id, _ in in_flight.values()])
                    s.commit()
                renewed = time.monotonic()


def _outcome(future: Future, row_id: int) -> str:
    try:
        return future.result()
    except Exception:  # a database failure mid-row: its claim lapses and a later round recovers it
        log.exception("outbox %s: sending failed before its outcome was recorded", row_id)
        return "error"
