"""What both ways of running a round share (:mod:`models.delivery.pool` where a statement costs
no round trip, :mod:`models.delivery.ahead` where it does): the worker threads' calls, waiting
for their answers a batch at a time, the answers kept as evidence when settling fails, lease
renewal, and the simulated clock's offset read once for many calls.
"""
from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Collection
from concurrent.futures import FIRST_COMPLETED, Future, wait
from contextlib import nullcontext

from models.delivery.claims import LEASE, renew_leases
from models.delivery.dispatcher import Call, Dispatch, call, record_answers
from models.delivery.sender import Sender, SendFailed

log = logging.getLogger(__name__)

SenderFactory = Callable[[], Sender]
Answered = list[tuple[Call, SendFailed | None]]
RENEW_EVERY_SECONDS = LEASE.total_seconds() / 4
# How long a round waits, once a call has answered, for others to answer with it (see gather):
# short beside a call's own time, long enough to settle several rows in one transaction.
GATHER_SECONDS = 0.005


def worker(d: Dispatch, new_sender: SenderFactory) -> Callable[[Call, dt.timedelta | None], SendFailed | None]:
    """The function a worker thread runs for one call: ``(call, offset)`` → its answer
    (``None``: accepted), on the clock's ``offset`` as the round read it (:func:`read_offset`),
    each thread with a sender of its own from ``new_sender`` (wechatpy's client holds a
    ``requests.Session``)."""
    workers = threading.local()

    def work(c: Call, offset: dt.timedelta | None) -> SendFailed | None:
        if not hasattr(workers, "sender"):
            workers.sender = new_sender()
        with pinned(d.clock, offset):
            return call(workers.sender, c)
    return work


def gather(in_flight: Collection[Future], other: Future | None, timeout: float) -> set[Future]:
    """The calls of ``in_flight`` that have answered (and ``other``, a settling job, if it has
    finished): waits up to ``timeout`` for the first, then up to :data:`GATHER_SECONDS` more for
    a quarter of the calls under way, so that a turn takes a batch rather than one row (each
    transaction costs as much as several rows)."""
    watched = [*in_flight, *([other] if other is not None else [])]
    done = set(wait(watched, timeout=timeout, return_when=FIRST_COMPLETED).done)
    target, deadline = max(1, len(in_flight) // 4), time.monotonic() + GATHER_SECONDS
    while done and len(done) < target and (left := deadline - time.monotonic()) > 0:
        more = wait([f for f in watched if f not in done], timeout=left, return_when=FIRST_COMPLETED).done
        if not more:
            break
        done |= more
    return done


def answer_of(future: Future) -> SendFailed | None:
    """A finished call's answer (:func:`models.delivery.dispatcher.call` catches everything a
    call may raise)."""
    return future.result()


def answers_only(d: Dispatch, answered: Answered, now: dt.datetime | None) -> Counter:
    """Settling ``answered`` failed: commit their answers alone, the evidence the next recovery
    settles their rows by; they count as ``error``."""
    log.exception("outbox %s: outcomes could not be recorded; answers kept for recovery",
                  [c.row_id for c, _ in answered])
    with d.sessions() as s:
        record_answers(s, answered, now or d.clock.now())
        s.commit()
    return Counter(error=len(answered))


def keep_answers(d: Dispatch, answered: Answered) -> None:
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


def renew(d: Dispatch, holder: str, row_ids: Collection[int]) -> None:
    """Extend ``holder``'s leases on ``row_ids``, in a transaction of its own."""
    with d.sessions() as s:
        renew_leases(s, holder, row_ids)
        s.commit()


def read_offset(clock, connection) -> dt.timedelta | None:
    """A simulated clock's offset, read once for a batch and the calls it starts (each call's
    client asks the time for its token; a read of the offset per call cost as much as the
    call's own database work), as a statement on ``connection`` (a transaction the caller is
    in); ``None`` for any other clock."""
    read = getattr(clock, "read_offset", None)
    return read(connection) if read is not None else None


def pinned(clock, offset: dt.timedelta | None):
    """``offset`` (:func:`read_offset`) pinned on a simulated clock for the scope; any other
    clock as it is."""
    pin = getattr(clock, "pinned", None)
    return pin(offset) if pin is not None else nullcontext()
