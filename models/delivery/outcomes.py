"""What an attempt leaves on an outbox row: sent, retried later, deferred, unknown, or given up —
by what the failure means (:mod:`models.delivery.errcodes`) and the purpose's guarantee
(:mod:`models.delivery.purposes`).
"""
from __future__ import annotations

import datetime as dt

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
from models.delivery.sender import SendFailed

# A failure worth retrying (-1, a connection that never opened, an unknown outcome of an
# at-least-once row) is tried this many times in all, waiting ``base * 2**(n-1)`` (at most
# MAX_BACKOFF) between tries, before the row is marked failed.
MAX_ATTEMPTS = 8
MAX_BACKOFF = dt.timedelta(hours=1)


def release(row: OutboxMessage) -> None:
    """The holder is done with ``row``: no claim on it any more."""
    row.claimed_by = row.claimed_until = None


def mark_sent(row: OutboxMessage, now: dt.datetime) -> None:
    """WeChat accepted ``row``; ``sent_via`` says by which channel (one a sender set already,
    such as a mass send, is kept)."""
    row.status, row.sent_at, row.last_error = "sent", now, None
    row.sent_via = row.sent_via or channel_of(row.kind).value


def back_off(row: OutboxMessage, now: dt.datetime, error: str, base: dt.timedelta) -> None:
    """A failure worth retrying: due again after ``base * 2**(attempts-1)`` (at most
    :data:`MAX_BACKOFF`), or ``failed`` once :data:`MAX_ATTEMPTS` attempts are spent."""
    row.last_error = error
    if row.attempts >= MAX_ATTEMPTS:
        row.status = "failed"
        return
    row.status = "pending"
    row.next_attempt_at = now + min(base * 2 ** max(row.attempts - 1, 0), MAX_BACKOFF)


def unknown_outcome(row: OutboxMessage, now: dt.datetime, error: str, base: dt.timedelta) -> None:
    """The request was written and no answer came: WeChat may or may not have delivered it.
    At most once → ``unknown``, never sent again; at least once → retried like a failure, and
    the resend counted."""
    if guarantee_of(row.purpose) is Guarantee.AT_MOST_ONCE:
        row.status, row.last_error = "unknown", f"{error} (outcome unknown, not sent again)"
        return
    row.resends += 1
    back_off(row, now, f"{error} (outcome unknown, sent again)", base)


def record_failure(session: Session, row: OutboxMessage, payload: Payload, failure: SendFailed,
                   now: dt.datetime, base: dt.timedelta) -> None:
    """Record on ``row`` (which was ``sending``, its typed payload ``payload``) a send that
    failed with ``failure``, by its meaning."""
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
        back_off(row, now, text, base)
    elif meaning is Meaning.UNKNOWN:
        unknown_outcome(row, now, text, base)
    else:
        row.status, row.last_error = "failed", text
