"""What an attempt leaves on an outbox row: sent, retried later, deferred, unknown, or given up —
by what the failure means (:mod:`models.delivery.errcodes`) and the purpose's guarantee
(:mod:`models.delivery.purposes`). A row left failed, dropped, unknown or deferred gets its
reason in Chinese (:mod:`models.delivery.reasons`).

Retries back off exponentially with *full jitter* (AWS Architecture Blog, "Exponential Backoff
And Jitter"): the n-th wait is drawn uniformly from ``[0, min(MAX_BACKOFF, base * 2**(n-1)))``.
Rows that failed together (a burst of -1 from a busy platform) then come back spread out
instead of all at once; the upper bound is the plain exponential wait, so a row is always due
again by then. The draw is injectable (``draw`` returns a float in ``[0, 1)``), so tests are
deterministic.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy.orm import Session

from models.delivery import window
from models.delivery.channels import (
    Channel,
    channel_of,
    falls_back,
    next_quota_reset,
    pause_channel,
)
from models.delivery.errcodes import Meaning
from models.delivery.outbox import OutboxMessage
from models.delivery.payloads import Payload
from models.delivery.purposes import Guarantee, guarantee_of
from models.delivery.reasons import UNANSWERED, explain
from models.delivery.sender import SendFailed

Draw = Callable[[], float]

# A failure worth retrying (-1, a connection that never opened, an unknown outcome of an
# at-least-once row) is tried this many times in all, waiting up to ``base * 2**(n-1)`` (at
# most MAX_BACKOFF, jittered: see the module docstring) between tries, before the row fails.
MAX_ATTEMPTS = 8
MAX_BACKOFF = dt.timedelta(hours=1)


def release(row: OutboxMessage) -> None:
    """The holder is done with ``row``: no claim on it any more; a row left failed, dropped,
    unknown or deferred gets its reason (:func:`models.delivery.reasons.explain`)."""
    row.claimed_by = row.claimed_until = None
    explain(row)


def mark_sent(row: OutboxMessage, now: dt.datetime) -> None:
    """WeChat accepted ``row``; ``sent_via`` says by which channel (one a sender set already,
    such as a mass send, is kept)."""
    row.status, row.sent_at, row.last_error, row.reason = "sent", now, None, None
    row.sent_via = row.sent_via or channel_of(row.kind).value


def backoff_wait(attempts: int, base: dt.timedelta, draw: Draw) -> dt.timedelta:
    """The wait after the ``attempts``-th failed try: full jitter, uniform in
    ``[0, min(MAX_BACKOFF, base * 2**(attempts-1)))`` with ``draw()`` in ``[0, 1)``."""
    ceiling = min(base * 2 ** max(attempts - 1, 0), MAX_BACKOFF)
    return ceiling * draw()


def back_off(row: OutboxMessage, now: dt.datetime, error: str, base: dt.timedelta, draw: Draw) -> None:
    """A failure worth retrying: due again after :func:`backoff_wait`, or ``failed`` once
    :data:`MAX_ATTEMPTS` attempts are spent."""
    row.last_error = error
    if row.attempts >= MAX_ATTEMPTS:
        row.status = "failed"
        return
    row.status = "pending"
    row.next_attempt_at = now + backoff_wait(row.attempts, base, draw)


def unknown_outcome(row: OutboxMessage, now: dt.datetime, error: str, base: dt.timedelta, draw: Draw) -> None:
    """The request was written and no answer came: WeChat may or may not have delivered it.
    At most once → ``unknown``, never sent again; at least once → retried like a failure, and
    the resend counted."""
    if guarantee_of(row.purpose) is Guarantee.AT_MOST_ONCE:
        row.status, row.last_error = "unknown", f"{error} ({UNANSWERED}, not sent again)"
        return
    row.resends += 1
    back_off(row, now, f"{error} ({UNANSWERED}, sent again)", base, draw)


def record_failure(session: Session, row: OutboxMessage, payload: Payload, failure: SendFailed,
                   now: dt.datetime, base: dt.timedelta, draw: Draw) -> None:
    """Record on ``row`` (which was ``sending``, its typed payload ``payload``) a send that
    failed with ``failure``, by its meaning; retries wait :func:`backoff_wait` (``base``,
    ``draw``)."""
    text, meaning = failure.description, failure.meaning
    if meaning is Meaning.WINDOW_CLOSED:
        # With a template to fall back on, the next round sends that instead of waiting.
        row.status = "pending" if falls_back(row.purpose, payload) else "deferred"
        row.last_error = text
        window.close(session, row.openid)
    elif meaning is Meaning.UNFOLLOWED:
        row.status, row.last_error = "dropped", text
    elif meaning is Meaning.DAILY_QUOTA:
        until = next_quota_reset(now)
        pause_channel(session, channel_of(row.kind), until, text)
        row.status, row.next_attempt_at, row.last_error = "pending", until, text
    elif meaning in (Meaning.TRANSIENT, Meaning.TOKEN_STALE):
        if channel_of(row.kind) is Channel.CUSTOM:  # the platform sent nothing, so spent nothing
            window.refund(session, row.openid, now)
        back_off(row, now, text, base, draw)
    elif meaning is Meaning.UNKNOWN:
        unknown_outcome(row, now, text, base, draw)
    else:
        row.status, row.last_error = "failed", text
