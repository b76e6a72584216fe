"""A dispatcher's round: many outbox rows at once — recovery of stale claims, claims, worker
threads, a rate limit per channel, lease renewal.

One call may wait the whole API timeout; one thread sending a push to hundreds of members
would wait them one after another (issue 8: 11 minutes for 82 members at 30% faults). So a
round (:func:`drain`) keeps ``delivery.concurrency`` calls under way: it claims only as many
rows as there are idle workers (on PostgreSQL as many again, ahead; a dead process leaves few
claims behind) and as the rate limit lets start now, at most one per member, and a member's next row only once their
previous one is settled — each member's messages go out in order and one at a time, as their
48-hour window budget is theirs alone. Each worker has its own API client (wechatpy's holds a
``requests.Session``).

Where the time goes: a call is a few milliseconds of the platform's, the database work around
it (claim, mark ``sending`` with its attempt, record the answer and settle) as much again if
each step were a transaction of its own per row — three or more commits per message, which on
SQLite queue behind the platform's own writes. So the database work is done for many rows at
once. On SQLite the round's own thread does all of it, one transaction a *turn*
(:func:`_turn`): it settles the calls that answered, claims as many rows as calls have ended
(one UPDATE … RETURNING, :func:`models.delivery.claims.claim_due`), starts them (a few Core
statements, :mod:`models.delivery.fast_start`) and commits before the new calls begin — there
a statement is no round trip, and every write transaction is one more that the platform's own
writes (the sandbox's, on the same file) queue behind. Where each statement is a round trip
(PostgreSQL), a slot freed by an answer waits for one statement only: a second thread settles
and claims ahead, and the round's thread starts rows already claimed
(:mod:`models.delivery.ahead`). The crash guarantees are the
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
import os
import secrets
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager

from models.delivery.ahead import drain_ahead
from models.delivery.calls import (
    RENEW_EVERY_SECONDS,
    Answered,
    SenderFactory,
    answer_of,
    answers_only,
    gather,
    keep_answers,
    pinned,
    read_offset,
    renew,
    worker,
)
from models.delivery.claims import claim_due, recover_stale, this_host
from models.delivery.dispatcher import Call, Dispatch, no_token, settle, start
from models.delivery.fast_start import start_fast
from models.delivery.mass_send import send_mass_due
from models.delivery.pacing import RateLimiter, TokenCheck
from models.delivery.sender import SendFailed

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
    with d.sessions() as s:
        recover_stale(s, d.clock.now(), _live_holders, d.reactions)
        s.commit()
        # SQLite has one writer, the platform's own writes (the sandbox's) queue behind each
        # write transaction, and a statement costs no round trip: there a turn settles too.
        apart = s.get_bind().dialect.name != "sqlite"
    # Mass sends first: they take the rows of closed windows that may go by 群发.
    outcomes: Counter = send_mass_due(d, new_sender, holder, _live_holders)
    limiter, token = RateLimiter(d.pace.rate_per_second, d.pace.concurrency), TokenCheck(new_sender)
    work = worker(d, new_sender)
    if apart:
        return outcomes + drain_ahead(d, work, holder, limiter, token, stop)
    return outcomes + _drain_turns(d, work, holder, limiter, token, stop)


def _drain_turns(d: Dispatch, work, holder: str, limiter: RateLimiter, token: TokenCheck,
                 stop: threading.Event | None) -> Counter:
    """:func:`drain`'s calls on SQLite: each turn settles, claims and starts in one transaction."""
    concurrency = d.pace.concurrency
    outcomes: Counter = Counter()
    in_flight: dict[Future, Call] = {}
    answered: Answered = []
    renewed, exhausted = time.monotonic(), False
    with ThreadPoolExecutor(concurrency, thread_name_prefix="kiteline-send") as pool:
        try:
            while True:
                stopping = bool(stop and stop.is_set())
                want = 0 if exhausted or stopping else min(concurrency - len(in_flight), limiter.ready())
                failure = token.failure() if want else None
                if want or answered:
                    # Members whose row is on its way are left out.
                    busy = {c.openid for c in in_flight.values()}
                    calls, ended, claimed, offset = _turn(d, holder, want, failure, busy, answered)
                    answered = []
                    outcomes += ended
                    # Fewer due than wanted — unless a row settled without a call (deferred,
                    # dropped), which frees its member's next row.
                    exhausted = want > 0 and claimed < want and len(calls) == claimed
                    for c in calls:
                        limiter.take(c.channel)
                        in_flight[pool.submit(work, c, offset)] = c
                more = not exhausted and not stopping and len(in_flight) < concurrency
                if not in_flight and not more:
                    return outcomes
                timeout = RENEW_EVERY_SECONDS
                if more:
                    timeout = 0 if limiter.ready() else limiter.next_in()
                if in_flight:
                    done = gather(in_flight, None, timeout)
                    answered += [(in_flight.pop(f), answer_of(f)) for f in done]
                    exhausted = exhausted and not done  # a settle may free a member
                else:
                    time.sleep(timeout)
                if time.monotonic() - renewed >= RENEW_EVERY_SECONDS:
                    renew(d, holder, [c.row_id for c in in_flight.values()] + [c.row_id for c, _ in answered])
                    renewed = time.monotonic()
        except BaseException:
            # Whatever ended the round, the calls that answered leave their answers as evidence
            # (a row sent is not taken for one whose outcome is unknown).
            pool.shutdown(wait=True)
            keep_answers(d, answered + [(c, answer_of(f)) for f, c in in_flight.items()])
            raise


def _turn(d: Dispatch, holder: str, want: int, failure: SendFailed | None, busy: set[str],
          answered: Answered) -> tuple[list[Call], Counter, int, dt.timedelta | None]:
    """One transaction: settle the ``answered`` calls, claim up to ``want`` rows (none of a
    member in ``busy``) and start them (or, with no access token — ``failure`` — back them
    off). Returns the calls to make (now committed), how the other rows ended, how many rows
    were claimed, and the simulated clock's offset the turn read (``None`` for any other
    clock), which the calls use too.

    Should settling fail, the answers alone are committed and nothing is claimed."""
    calls: list[Call] = []
    ended: Counter = Counter()
    offset = now = None
    try:
        with d.sessions() as s:
            offset = read_offset(d.clock, s.connection())
            with pinned(d.clock, offset):
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
        return [], answers_only(d, answered, now), 0, offset
    return calls, ended, len(claim.rows), offset
