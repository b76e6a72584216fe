"""What an attempt leaves on an outbox row: sent, retried later, unknown, or given up.

The rules of which error means what live with the sender (``bot.sending``); this module keeps
the bookkeeping they share, so a retry, an unknown outcome and a release look the same wherever
they happen.
"""
from __future__ import annotations

import datetime as dt

from models.outbox import Guarantee, OutboxMessage, guarantee_of

# A failure worth retrying (-1, a connection that never opened, an unknown outcome of an
# at-least-once row) is tried this many times in all, waiting ``base * 2**(n-1)`` (at most
# MAX_BACKOFF) between tries, before the row is marked failed.
MAX_ATTEMPTS = 8
MAX_BACKOFF = dt.timedelta(hours=1)


def release(row: OutboxMessage) -> None:
    """The holder is done with ``row``: no claim on it any more."""
    row.claimed_by = row.claimed_until = None


def mark_sent(row: OutboxMessage, now: dt.datetime) -> None:
    """WeChat accepted ``row``."""
    row.status, row.sent_at, row.last_error = "sent", now, None


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
