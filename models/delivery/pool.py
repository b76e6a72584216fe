"""A dispatcher's round: many outbox rows at once — recovery of stale claims, claims, worker
threads, a rate limit per channel, lease renewal.

One call may wait the whole API timeout; one thread sending a push to hundreds of members
would wait them one after another (issue 8: 11 minutes for 82 members at 30% faults). So a
round (:func:`drain`) keeps ``delivery.concurrency`` calls under way: it claims only as many
rows as there are idle workers (a dead process leaves few claims behind) and as the rate
limit lets start now, at most one per member, and a member's next row only once their
previous one is settled — each member's messages go out in order and one at a time, as their
48-hour window budget is theirs alone. Each worker has its own API client (wechatpy's holds a
``requests.Session``).

Where the time goes: a call is a few milliseconds of the platform's, the database work around
it (claim, mark ``sending`` with its attempt, record the answer and settle) as much again if
each step were a transaction of its own per row — three or more commits per message, which on
SQLite queue behind the platform's own writes. So the round's own thread does the database
work for all rows at once: each turn one transaction settles every call that has answered
since the last turn and claims and starts the next batch, and commits before the new calls
begin — every read of a turn first, then its writes as a few Core statements
(:mod:`models.delivery.fast_start`), so on SQLite the write lock is held only for that burst.
The crash guarantees are the per-row ones (:mod:`models.delivery.dispatcher`): a row is
``sending`` with its attempt committed before its call, and its answer is committed at the next
turn, right after the call returns.

Every round first recovers the claims of dispatchers that are gone (:mod:`models.delivery.claims`),
then sends what goes by mass send (:mod:`models.delivery.mass_send`).
While it works, the round renews the leases of the rows it holds.
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
from contextlib import contextmanager, nullcontext

from models.delivery.channels import Channel, channel_paused_until, load_pauses
from models.delivery.claims import (
    LEASE,
    pick_due,
    recover_stale,
    renew_leases,
    take,
    this_host,
)
from models.delivery.dispatcher import (
    Call,
    Dispatch,
    call,
    no_token,
    record_answers,
    settle,
    start,
)
from models.delivery.fast_start import read_due, start_fast
from models.delivery.mass_send import send_mass_due
from models.delivery.sender import Sender, SendFailed

log = logging.getLogger(__name__)

SenderFactory = Callable[[], Sender]
RENEW_EVERY_SECONDS = LEASE.total_seconds() / 4
PREPARE_EVERY_SECONDS = 1.0
# How long a turn waits, once a call has answered, for others to answer with it (see _gather):
# short beside a call's own time, long enough to settle several rows in one transaction.
GATHER_SECONDS = 0.005
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


# The most a channel's calls may bunch up: a tenth of a second's worth of its rate (never more
# than ``concurrency``, at least one). Any second then sees at most 1.1 × the rate, and a
# round at a high rate starts a batch of calls per transaction instead of one.
BURST_SECONDS = 0.1


class RateLimiter:
    """A token bucket per channel: ``rates`` calls per second by channel, a channel's bucket
    holding :data:`BURST_SECONDS` of its rate (at most ``burst``, at least 1) — so up to
    ``concurrency`` calls are in flight at once whenever the rate allows, never one at a time
    for want of tokens. Used by the round's own thread only: it asks how many calls may start
    now on every channel (:meth:`ready`) before claiming, and takes one token per call."""

    def __init__(self, rates: Mapping[str, float], burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.rates, self.clock = dict(rates), clock
        self.size = {c: min(max(burst, 1), max(rate * BURST_SECONDS, 1.0)) for c, rate in rates.items()}
        self.tokens = dict(self.size)
        self.stamp = clock()

    def _refill(self) -> None:
        now = self.clock()
        for channel, rate in self.rates.items():
            self.tokens[channel] = min(self.size[channel], self.tokens[channel] + (now - self.stamp) * rate)
        self.stamp = now

    def ready(self) -> int:
        """How many calls may start now, whatever their channel."""
        self._refill()
        return max(int(min(self.tokens.values())), 0)

    def take(self, channel: str) -> None:
        """A call on ``channel`` starts."""
        self._refill()
        self.tokens[channel] -= 1

    def next_in(self) -> float:
        """Seconds until :meth:`ready` is at least 1."""
        self._refill()
        return max((1 - self.tokens[c]) / self.rates[c] for c in self.rates) if self.rates else 0.0


def drain(d: Dispatch, new_sender: SenderFactory, holder: str, stop: threading.Event | None = None) -> Counter:
    """Send what is due until nothing due is left to claim (or ``stop`` is set, when the calls
    under way are finished first), each worker with a sender of its own from ``new_sender``.
    Returns how many rows ended each way (``sent``, ``deferred``, ``dropped``, ``failed``,
    ``unknown``, ``retry``, ``skipped``), and ``error`` for a row whose outcome could not be
    recorded."""
    pace = d.pace
    limiter = RateLimiter(pace.rate_per_second, pace.concurrency)
    workers = threading.local()
    token = TokenCheck(new_sender)

    def work(c: Call, offset) -> SendFailed | None:
        if not hasattr(workers, "sender"):
            workers.sender = new_sender()
        with _pinned(d.clock, offset):
            return call(workers.sender, c)

    with d.sessions() as s:
        recover_stale(s, d.clock.now(), _live_holders, d.reactions)
        s.commit()
    # Mass sends first: they take the rows of closed windows that may go by 群发.
    outcomes: Counter = send_mass_due(d, new_sender, holder, _live_holders)
    in_flight: dict[Future, Call] = {}
    answered: list[tuple[Call, SendFailed | None]] = []
    renewed, exhausted = time.monotonic(), False
    with ThreadPoolExecutor(pace.concurrency, thread_name_prefix="kiteline-send") as pool:
        while True:
            stopping = bool(stop and stop.is_set())
            want = 0 if exhausted or stopping else min(pace.concurrency - len(in_flight), limiter.ready())
            failure = token.failure() if want else None
            if answered or want:
                with _pinned(d.clock) as offset:
                    calls, ended, claimed = _turn(d, holder, answered, want, failure, in_flight.values())
                outcomes += ended
                answered = []
                # Fewer due than wanted — unless a row settled without a call (deferred,
                # dropped), which frees its member's next row.
                exhausted = want > 0 and claimed < want and len(calls) == claimed
                for c in calls:
                    limiter.take(c.channel)
                    in_flight[pool.submit(work, c, offset)] = c
            more = not exhausted and not stopping and len(in_flight) < pace.concurrency
            if not in_flight and not more:
                return outcomes
            timeout = RENEW_EVERY_SECONDS
            if more:
                timeout = 0 if limiter.ready() else limiter.next_in()
            if in_flight:
                done = _gather(in_flight, timeout)
                answered = [(in_flight.pop(f), _answer(f)) for f in done]
                exhausted = exhausted and not done  # a member's next row may be claimable now
            else:
                time.sleep(timeout)
            if time.monotonic() - renewed >= RENEW_EVERY_SECONDS:
                with d.sessions() as s:
                    renew_leases(s, holder, [c.row_id for c in in_flight.values()])
                    s.commit()
                renewed = time.monotonic()


class TokenCheck:
    """Whether an access token is at hand, asked before rows are marked ``sending`` (nothing
    slow may stand between that and the calls), through a sender of its own: at most every
    :data:`PREPARE_EVERY_SECONDS`, as a token lives two hours and a call that finds it just
    expired refreshes it itself (:mod:`bot.wechat_api`)."""

    def __init__(self, new_sender: SenderFactory) -> None:
        self.new_sender, self.sender, self.checked = new_sender, None, float("-inf")

    def failure(self) -> SendFailed | None:
        """``None`` when a token is at hand, else why not."""
        if time.monotonic() - self.checked < PREPARE_EVERY_SECONDS:
            return None
        self.sender = self.sender or self.new_sender()
        try:
            self.sender.prepare()
        except SendFailed as failure:
            return failure
        self.checked = time.monotonic()
        return None


def _turn(d: Dispatch, holder: str, answered: list[tuple[Call, SendFailed | None]], want: int,
          failure: SendFailed | None, under_way) -> tuple[list[Call], Counter, int]:
    """One transaction: settle the ``answered`` calls, claim up to ``want`` rows and start them
    (or, with no access token — ``failure`` — back them off). Returns the calls to make (now
    committed), how the other rows ended, and how many rows were claimed.

    Should settling fail (a reaction's bug, a database error), the answers alone are committed
    and nothing is claimed: the rows stay ``sending`` with their answers recorded, and the next
    recovery settles them by that evidence; they count as ``error``."""
    ended: Counter = Counter()
    calls: list[Call] = []
    now = d.clock.now()
    try:
        with d.sessions() as s:
            # Every read first: on SQLite the first write takes the one write lock, held to the
            # commit while the platform's own writes wait. A member whose row just answered may
            # have their next row claimed in this same transaction (settled first).
            answering = {c.openid for c, _ in answered}
            chosen = pick_due(s, now, want, {c.openid for c in under_way}, answering) if want else []
            due = read_due(s, [row_id for row_id, _ in chosen]) if chosen and failure is None else {}
            load_pauses(s)
            custom_open = channel_paused_until(s, Channel.CUSTOM, now) is None
            # The writes.
            if answered:
                settled, done = settle(d, s, answered, holder, now)
                ended += settled
                # Not settled here (recovered meanwhile): that member waits for the next turn.
                waiting = {c.openid for c, _ in answered if c.row_id not in done}
                chosen = [(row_id, openid) for row_id, openid in chosen if openid not in waiting]
            taken = take(s, [row_id for row_id, _ in chosen], holder)
            if taken and failure is not None:
                ended += no_token(d, s, list(taken), holder, failure, now)
            elif taken:
                calls, rest = start_fast(s, [due[row_id] for row_id, _ in chosen if row_id in taken], taken,
                                         holder, now, custom_open, d.refreshers)
                if rest:
                    more, started = start(d, s, rest, holder, now)
                    calls += more
                    ended += started
            s.commit()
    except Exception:
        if not answered:
            raise
        log.exception("outbox %s: outcomes could not be recorded; answers kept for recovery",
                      [c.row_id for c, _ in answered])
        with d.sessions() as s:
            record_answers(s, answered, now)
            s.commit()
        return [], Counter(error=len(answered)), 0
    return calls, ended, len(taken)


def _gather(in_flight: dict[Future, Call], timeout: float) -> set[Future]:
    """The calls that have answered: waits up to ``timeout`` for the first, then up to
    :data:`GATHER_SECONDS` more for a quarter of those under way, so that a turn settles a
    batch rather than one row (each turn's transaction costs as much as several rows)."""
    done = set(wait(in_flight, timeout=timeout, return_when=FIRST_COMPLETED).done)
    target, deadline = max(1, len(in_flight) // 4), time.monotonic() + GATHER_SECONDS
    while done and len(done) < target and (left := deadline - time.monotonic()) > 0:
        more = wait([f for f in in_flight if f not in done], timeout=left, return_when=FIRST_COMPLETED).done
        if not more:
            break
        done |= more
    return done


def _pinned(clock, offset=None):
    """A simulated clock's offset read once for a turn and the calls it starts (each call's
    client asks the time for its token; a read of the offset per call cost as much as the
    call's own database work); any other clock as it is."""
    pin = getattr(clock, "pinned", None)
    return pin(offset) if pin is not None else nullcontext()


def _answer(future: Future) -> SendFailed | None:
    return future.result()  # dispatcher.call catches everything a call may raise
