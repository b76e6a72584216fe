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
SQLite queue behind the platform's own writes. So the database work is done for many rows at
once, in two threads, each one transaction at a time: the round's own thread claims and starts
as many rows as calls have ended (a *turn*: :func:`_turn`, the claim one UPDATE … RETURNING,
:func:`models.delivery.claims.claim_due`, the start a few Core statements,
:mod:`models.delivery.fast_start`) and commits before the new calls begin; the settling thread
records the answers that came meanwhile and settles their rows (:func:`_settle`). A slot freed
by an answer so waits only for a claim, never for a settle as well — on a loaded machine each
statement's round trip to PostgreSQL costs several milliseconds. On SQLite a turn settles too,
in its one transaction: there a statement is no round trip, and every write transaction is one
more that the platform's own writes (the sandbox's, on the same file) queue behind; a second
one per turn cost more than it saved. The crash guarantees are the
per-row ones (:mod:`models.delivery.dispatcher`): a row is ``sending`` with its attempt
committed before its call, and its answer is committed right after the call returns, at the
latest when the round ends; until its row is settled, its member has a row in flight and no
other of theirs is claimed.

Every round first recovers the claims of dispatchers that are gone (:mod:`models.delivery.claims`),
then sends what goes by mass send (:mod:`models.delivery.mass_send`).
While it works, the round renews the leases of the rows it holds.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager, nullcontext

from models.delivery.claims import (
    LEASE,
    claim_due,
    recover_stale,
    renew_leases,
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
from models.delivery.fast_start import start_fast
from models.delivery.mass_send import send_mass_due
from models.delivery.pacing import RateLimiter, TokenCheck
from models.delivery.sender import Sender, SendFailed

log = logging.getLogger(__name__)

SenderFactory = Callable[[], Sender]
RENEW_EVERY_SECONDS = LEASE.total_seconds() / 4
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
        # SQLite has one writer, the platform's own writes (the sandbox's) queue behind each
        # write transaction, and a statement costs no round trip: there a turn settles too.
        apart = s.get_bind().dialect.name != "sqlite"
    # Mass sends first: they take the rows of closed windows that may go by 群发.
    outcomes: Counter = send_mass_due(d, new_sender, holder, _live_holders)
    in_flight: dict[Future, Call] = {}
    answered: list[tuple[Call, SendFailed | None]] = []
    # The answers being settled in the settling thread now (one batch at a time), and theirs.
    settling: Future | None = None
    settling_calls: list[tuple[Call, SendFailed | None]] = []
    renewed, exhausted, offset = time.monotonic(), False, None
    with ThreadPoolExecutor(pace.concurrency, thread_name_prefix="kiteline-send") as pool, \
            ThreadPoolExecutor(1, thread_name_prefix="kiteline-settle") as settler:
        try:
            while True:
                if answered and apart and settling is None:
                    settling, settling_calls, answered = settler.submit(_settle, d, holder, answered, offset), answered, []
                stopping = bool(stop and stop.is_set())
                want = 0 if exhausted or stopping else min(pace.concurrency - len(in_flight), limiter.ready())
                failure = token.failure() if want else None
                settle_here, answered = ([], answered) if apart else (answered, [])
                if want or settle_here:
                    # Members whose row is on its way or not yet settled are left out.
                    busy = {c.openid for c in in_flight.values()} | {c.openid for c, _ in answered + settling_calls}
                    calls, ended, claimed, offset = _turn(d, holder, want, failure, busy, settle_here)
                    outcomes += ended
                    # Fewer due than wanted — unless a row settled without a call (deferred,
                    # dropped), which frees its member's next row.
                    exhausted = want > 0 and claimed < want and len(calls) == claimed
                    for c in calls:
                        limiter.take(c.channel)
                        in_flight[pool.submit(work, c, offset)] = c
                more = not exhausted and not stopping and len(in_flight) < pace.concurrency
                if not in_flight and not more and settling is None and not answered:
                    return outcomes
                timeout = RENEW_EVERY_SECONDS
                if more:
                    timeout = 0 if limiter.ready() else limiter.next_in()
                if in_flight or settling is not None:
                    done = _gather(in_flight, settling, timeout)
                    answered += [(in_flight.pop(f), _answer(f)) for f in done if f is not settling]
                    exhausted = exhausted and not (done and not apart)  # a settle here may free a member
                    if settling is not None and settling.done():
                        outcomes += settling.result()
                        settling, settling_calls = None, []
                        exhausted = False  # a settled member's next row may be claimable now
                else:
                    time.sleep(timeout)
                if time.monotonic() - renewed >= RENEW_EVERY_SECONDS:
                    with d.sessions() as s:
                        renew_leases(s, holder, [c.row_id for c in in_flight.values()]
                                     + [c.row_id for c, _ in answered + settling_calls])
                        s.commit()
                    renewed = time.monotonic()
        except BaseException:
            # Whatever ended the round, the calls that answered leave their answers as evidence
            # (a row sent is not taken for one whose outcome is unknown).
            pool.shutdown(wait=True)
            _keep_answers(d, answered + [(c, _answer(f)) for f, c in in_flight.items()])
            raise


def _turn(d: Dispatch, holder: str, want: int, failure: SendFailed | None, busy: set[str],
          answered: list[tuple[Call, SendFailed | None]]) -> tuple[list[Call], Counter, int, dt.timedelta | None]:
    """One transaction: settle the ``answered`` calls (on SQLite; elsewhere the settling thread
    does), claim up to ``want`` rows (none of a member in ``busy``) and start them (or, with no
    access token — ``failure`` — back them off). Returns the calls to make (now committed), how
    the other rows ended, how many rows were claimed, and the simulated clock's offset the turn
    read (``None`` for any other clock), which the calls use too.

    Should settling fail, the answers alone are committed and nothing is claimed (see
    :func:`_settle`)."""
    calls: list[Call] = []
    ended: Counter = Counter()
    offset = now = None
    try:
        with d.sessions() as s:
            offset = _read_offset(d.clock, s)
            with _pinned(d.clock, offset):
                now = d.clock.now()
                if answered:
                    settled, done = settle(d, s, answered, holder, now)
                    ended += settled
                    # Not settled here (recovered meanwhile): that member waits for the next turn.
                    busy = busy | {c.openid for c, _ in answered if c.row_id not in done}
                claim = claim_due(s, now, holder, want, busy)
                if claim.rows and failure is not None:
                    ended += no_token(d, s, [c.row_id for c in claim.rows], holder, failure, now)
                elif claim.rows:
                    paused = claim.custom_paused_until
                    calls, rest = start_fast(s, claim.rows, holder, now, paused is None or paused <= now,
                                             d.refreshers)
                    if rest:
                        more, started = start(d, s, rest, holder, now)
                        calls += more
                        ended += started
                s.commit()
    except Exception:
        if not answered:
            raise
        return [], _answers_only(d, answered, now), 0, offset
    return calls, ended, len(claim.rows), offset


def _settle(d: Dispatch, holder: str, answered: list[tuple[Call, SendFailed | None]],
            offset: dt.timedelta | None) -> Counter:
    """The settling thread's transaction: record the ``answered`` calls and settle their rows,
    on the clock as the turn that started them read it. Returns how the rows ended.

    Should settling fail (a reaction's bug, a database error), the answers alone are committed:
    the rows stay ``sending`` with their answers recorded, and the next recovery settles them
    by that evidence; they count as ``error``."""
    with _pinned(d.clock, offset):
        now = d.clock.now()
        try:
            with d.sessions() as s:
                ended, _ = settle(d, s, answered, holder, now)
                s.commit()
            return ended
        except Exception:
            return _answers_only(d, answered, now)


def _answers_only(d: Dispatch, answered: list[tuple[Call, SendFailed | None]], now) -> Counter:
    """Settling ``answered`` failed: commit their answers alone, the evidence the next recovery
    settles their rows by; they count as ``error``."""
    log.exception("outbox %s: outcomes could not be recorded; answers kept for recovery",
                  [c.row_id for c, _ in answered])
    with d.sessions() as s:
        record_answers(s, answered, now or d.clock.now())
        s.commit()
    return Counter(error=len(answered))


def _keep_answers(d: Dispatch, answered: list[tuple[Call, SendFailed | None]]) -> None:
    """Record ``answered`` on their attempts, if the database lets us (a round that is ending
    on an error): the evidence recovery settles their rows by."""
    if not answered:
        return
    try:
        with d.sessions() as s:
            record_answers(s, answered, d.clock.now())
            s.commit()
    except Exception:
        log.exception("outbox %s: answers could not be recorded", [c.row_id for c, _ in answered])


def _gather(in_flight: dict[Future, Call], settling: Future | None, timeout: float) -> set[Future]:
    """The calls that have answered (and ``settling``, if it has finished): waits up to
    ``timeout`` for the first, then up to :data:`GATHER_SECONDS` more for a quarter of the
    calls under way, so that a turn claims a batch rather than one row (each turn's transaction
    costs as much as several rows)."""
    watched = [*in_flight, *([settling] if settling is not None else [])]
    done = set(wait(watched, timeout=timeout, return_when=FIRST_COMPLETED).done)
    target, deadline = max(1, len(in_flight) // 4), time.monotonic() + GATHER_SECONDS
    while done and len(done) < target and (left := deadline - time.monotonic()) > 0:
        more = wait([f for f in watched if f not in done], timeout=left, return_when=FIRST_COMPLETED).done
        if not more:
            break
        done |= more
    return done


def _read_offset(clock, session):
    """A simulated clock's offset, read once for a turn and the calls it starts (each call's
    client asks the time for its token; a read of the offset per call cost as much as the
    call's own database work), as a statement of the turn's own transaction; ``None`` for any
    other clock."""
    read = getattr(clock, "read_offset", None)
    return read(session.connection()) if read is not None else None


def _pinned(clock, offset):
    """``offset`` (:func:`_read_offset`) pinned on a simulated clock for the scope; any other
    clock as it is."""
    pin = getattr(clock, "pinned", None)
    return pin(offset) if pin is not None else nullcontext()


def _answer(future: Future) -> SendFailed | None:
    return future.result()  # dispatcher.call catches everything a call may raise
