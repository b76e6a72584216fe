"""A round where each statement is a round trip to the server (PostgreSQL): a call's slot, freed
by its answer, is filled again by one statement; everything else happens in a second thread.

Under load a round trip to PostgreSQL costs several milliseconds, and a slot stays empty from
its call's answer until the next row's start is committed. So the round's own thread only
starts rows claimed beforehand (:func:`_start`): the windows' places, the rows ``sending`` with
their try counted and their attempts begun are one statement
(:func:`models.delivery.fast_start.start_fast`), run on its own (autocommit: one statement is
atomic, and a BEGIN and a COMMIT would be two more round trips) and so committed before any of
its calls begins. The settling thread meanwhile runs *jobs* (:func:`_job`), one transaction
each: record the answers that came and settle their rows, then claim ahead as many rows as the
buffer lacks (``delivery.concurrency`` in all), so the slots freed next find rows waiting. The
job's transaction reads the simulated clock's offset too; the round's thread starts rows and
their calls on it for at most :data:`OFFSET_REUSE_SECONDS` of real time (a clock move is seen
that much later at most; a new round reads it afresh).

The guarantees are those of :mod:`models.delivery.pool`: a row is ``sending`` with its attempt
committed before its call, its answer committed by the next job, its member has no other row
claimed or in flight meanwhile. A row claimed ahead is ``claimed`` (recovery puts it back
``pending``: nothing was sent) and is given back when the round stops.
"""
from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from sqlalchemy.orm import Session

from models.delivery.calls import (
    RENEW_EVERY_SECONDS,
    Answered,
    answer_of,
    answers_only,
    gather,
    keep_answers,
    pinned,
    read_offset,
    renew,
)
from models.delivery.claims import Claim, Claimed, claim_due, unclaim
from models.delivery.dispatcher import Call, Dispatch, no_token, settle, start
from models.delivery.fast_start import start_fast
from models.delivery.pacing import RateLimiter, TokenCheck

log = logging.getLogger(__name__)

# How long (real seconds) the round's thread starts rows on the clock offset a job read, before
# it reads the offset itself: jobs run every few milliseconds while calls answer.
OFFSET_REUSE_SECONDS = 0.25


@dataclass(frozen=True)
class _Done:
    """What a job did: how the answered rows ended, what it claimed (of ``asked``), and the
    simulated clock's offset it read at ``read_at`` (``time.monotonic()``)."""

    ended: Counter
    claim: Claim
    asked: int
    offset: dt.timedelta | None
    read_at: float


def drain_ahead(d: Dispatch, work, holder: str, limiter: RateLimiter, token: TokenCheck,
                stop: threading.Event | None) -> Counter:
    """:func:`models.delivery.pool.drain`'s calls where a statement is a round trip: returns how
    the rows ended. ``work`` is :func:`models.delivery.calls.worker`'s function."""
    concurrency = d.pace.concurrency
    outcomes: Counter = Counter()
    in_flight: dict[Future, Call] = {}
    answered: Answered = []
    ahead: list[Claimed] = []  # claimed, not started, oldest first
    paused: dt.datetime | None = None  # the custom channel's pause, as the last claim read it
    offset, offset_at = None, float("-inf")
    job: Future | None = None
    job_calls: Answered = []  # the answers the job under way settles
    renewed, exhausted = time.monotonic(), False
    failed: Exception | None = None  # a start failed: the calls under way finish, then it is raised
    # The round's thread runs its statements in one session it holds for the round, on a
    # connection in autocommit: no session, checkout from the pool, BEGIN or COMMIT per start.
    with d.sessions() as own, \
            ThreadPoolExecutor(concurrency, thread_name_prefix="kiteline-send") as pool, \
            ThreadPoolExecutor(1, thread_name_prefix="kiteline-settle") as settler:
        own.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        try:
            while True:
                stopping = failed is not None or bool(stop and stop.is_set())
                want = 0 if stopping else min(concurrency - len(in_flight), limiter.ready(), len(ahead))
                if want:
                    taken, ahead = ahead[:want], ahead[want:]
                    if time.monotonic() - offset_at > OFFSET_REUSE_SECONDS:
                        offset, offset_at = read_offset(d.clock, own.connection()), time.monotonic()
                    try:
                        calls, ended, failed = _start(d, own, holder, taken, paused, offset, token)
                    except BaseException:
                        ahead = taken + ahead  # not started: given back below
                        raise
                    outcomes += ended
                    exhausted = exhausted and not ended  # a row ended without a call frees its member
                    for c in calls:
                        limiter.take(c.channel)
                        in_flight[pool.submit(work, c, offset)] = c
                # The rows just started are claimed again ahead while their calls are under way.
                # Settling may free members, so a job with answers claims even when the last
                # claim found nothing more.
                room = 0 if stopping or failed is not None else concurrency - len(ahead)
                if job is None and (answered or (room > 0 and not exhausted)):
                    job, job_calls, answered = settler.submit(_job, d, holder, answered, room), answered, []
                if not in_flight and job is None and not answered and (stopping or (exhausted and not ahead)):
                    if failed is not None:
                        raise failed
                    return outcomes
                more = not stopping and bool(ahead) and len(in_flight) < concurrency
                timeout = (0 if limiter.ready() else limiter.next_in()) if more else RENEW_EVERY_SECONDS
                if in_flight or job is not None:
                    done = gather(in_flight, job, timeout)
                    answered += [(in_flight.pop(f), answer_of(f)) for f in done if f is not job]
                    if job is not None and job.done():
                        result: _Done = job.result()
                        job, job_calls = None, []
                        outcomes += result.ended
                        ahead += result.claim.rows
                        if result.claim.rows:
                            paused = result.claim.custom_paused_until
                        if result.read_at > offset_at:
                            offset, offset_at = result.offset, result.read_at
                        exhausted = (len(result.claim.rows) < result.asked if result.asked
                                     else exhausted and not result.ended)
                else:
                    time.sleep(timeout)
                if time.monotonic() - renewed >= RENEW_EVERY_SECONDS:
                    renew(d, holder, [c.row_id for c in in_flight.values()] + [r.row_id for r in ahead]
                          + [c.row_id for c, _ in answered + job_calls])
                    renewed = time.monotonic()
        except BaseException:
            # Whatever ended the round, the calls that answered leave their answers as evidence
            # (a row sent is not taken for one whose outcome is unknown).
            pool.shutdown(wait=True)
            keep_answers(d, answered + [(c, answer_of(f)) for f, c in in_flight.items()])
            raise
        finally:
            _give_back(d, holder, ahead)


def _job(d: Dispatch, holder: str, answered: Answered, room: int) -> _Done:
    """The settling thread's transaction: settle the ``answered`` calls, then claim up to
    ``room`` rows ahead.

    Should settling fail (a reaction's bug, a database error), the answers alone are committed:
    the rows stay ``sending`` with their answers recorded, and the next recovery settles them
    by that evidence; they count as ``error``, and nothing is claimed."""
    offset = now = None
    read_at = time.monotonic()
    try:
        with d.sessions() as s:
            offset = read_offset(d.clock, s.connection())
            with pinned(d.clock, offset):
                now = d.clock.now()
                ended = settle(d, s, answered, holder, now)[0] if answered else Counter()
                claim = claim_due(s, now, holder, room)
                s.commit()
        return _Done(ended, claim, room, offset, read_at)
    except Exception:
        if not answered:
            raise
        return _Done(answers_only(d, answered, now), Claim([], None), 0, offset, read_at)


def _start(d: Dispatch, own: Session, holder: str, rows: list[Claimed], paused: dt.datetime | None,
           offset: dt.timedelta | None, token: TokenCheck) -> tuple[list[Call], Counter, Exception | None]:
    """Start ``rows`` (claimed ahead by ``holder``) on the clock's ``offset``: the common case
    in one statement committed on its own (``own``: a session in autocommit), the rest through :func:`start` (deferred, template,
    …) in a transaction; with no access token (``token``'s failure) they back off instead.
    Returns the calls to make (committed), how the other rows ended, and the error that kept
    the rest from starting (they are given back; the round is to end once its calls are done)."""
    with pinned(d.clock, offset):
        now = d.clock.now()
        if (failure := token.failure()) is not None:
            with d.sessions() as s:
                ended = no_token(d, s, [r.row_id for r in rows], holder, failure, now)
                s.commit()
            return [], ended, None
        calls, rest = start_fast(own, rows, holder, now, paused is None or paused <= now, d.refreshers)
        if not rest:
            return calls, Counter(), None
        try:
            with d.sessions() as s:
                more, ended = start(d, s, rest, holder, now)
                s.commit()
        except Exception as exc:
            # The common case's rows are committed sending: their calls must go, or recovery
            # would take them for calls whose outcome is unknown. The rest were rolled back.
            log.exception("outbox %s: could not be started; the round ends once its calls are done", rest)
            _give_back(d, holder, [r for r in rows if r.row_id in set(rest)])
            return calls, Counter(), exc
        return calls + more, ended, None


def _give_back(d: Dispatch, holder: str, rows: list[Claimed]) -> None:
    """The rows claimed ahead and never started, ``pending`` again, if the database lets us
    (else their lease runs out and recovery does it)."""
    if not rows:
        return
    try:
        with d.sessions() as s:
            unclaim(s, holder, [r.row_id for r in rows])
            s.commit()
    except Exception:
        log.exception("outbox %s: claims could not be given back", [r.row_id for r in rows])
