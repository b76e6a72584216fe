"""One claimed outbox row through a :class:`~models.delivery.sender.Sender`: read its payload,
choose its channel, mark it ``sending``, send, settle, and tell the domains that react.

The row becomes ``sending`` (committed) immediately before the call — after the sender is ready
(its access token fetched) and the rate limit waited — so a crash can leave an unknown outcome
only for the one request being written. What a failure means is
:mod:`models.delivery.errcodes`'s, what it leaves on the row :mod:`models.delivery.outcomes`';
a row settled for good is published to the dispatch's reactions (:mod:`models.delivery.events`).
Many rows at once, claims and recovery: :mod:`models.delivery.pool`.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.orm import Session

from models.clock import Clock
from models.delivery.channels import channel_of, choose
from models.delivery.errcodes import Meaning
from models.delivery.events import Reactions
from models.delivery.outbox import IN_FLIGHT, OutboxMessage
from models.delivery.outcomes import back_off, mark_sent, record_failure, release
from models.delivery.payloads import LessonPush, News, Payload, Text, payload_of
from models.delivery.sender import Sender, SendFailed

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Pace:
    """How fast one dispatcher process sends: ``concurrency`` calls at once, at most
    ``rate_per_second`` calls per second per channel, and the first retry ``retry_backoff``
    after a failure worth retrying (doubling after each)."""

    concurrency: int
    rate_per_second: Mapping[str, float]
    retry_backoff: dt.timedelta


@dataclass(frozen=True)
class Dispatch:
    """What a dispatcher works with: database sessions (each worker opens its own), the
    business clock, its :class:`Pace`, and the reactions to settled rows."""

    sessions: Callable[[], Session]
    clock: Clock
    pace: Pace
    reactions: Reactions


class RateLimit(Protocol):
    def wait(self, channel: str) -> None:
        """Return when a call on ``channel`` may start."""


def deliver(d: Dispatch, sender: Sender, row_id: int, holder: str, limit: RateLimit) -> str:
    """Send claimed row ``row_id`` if its channel allows, and record the outcome. Returns what
    became of it: ``sent``, ``deferred``, ``dropped``, ``failed``, ``unknown``, ``retry`` (due
    again later) or ``skipped`` (no longer held by ``holder``)."""
    with d.sessions() as s:
        row = s.get(OutboxMessage, row_id)
        if row is None or (row.status, row.claimed_by) != ("claimed", holder):
            return "skipped"
        channel = channel_of(row.kind)
    limit.wait(channel)
    try:
        sender.prepare()  # now, not between "sending" and the request
    except SendFailed as failure:
        return _settle(d, row_id, holder, failure, sending=False)
    with d.sessions() as s:
        row = s.get(OutboxMessage, row_id, with_for_update=True)
        if (row.status, row.claimed_by) != ("claimed", holder):  # recovered meanwhile
            return "skipped"
        verdict, payload = _prepare(d, s, row)
        openid = row.openid
        s.commit()
    if verdict != "go":
        return verdict
    failure: SendFailed | None = None
    try:
        send(sender, openid, payload)
    except SendFailed as exc:
        failure = exc
    except Exception as exc:  # a bug mid-call: whether WeChat got the request is unknown
        log.exception("outbox %s: unexpected error while sending", row_id)
        failure = SendFailed(f"{type(exc).__name__}: {exc}", Meaning.UNKNOWN)
    return _settle(d, row_id, holder, failure, sending=True)


def send(sender: Sender, openid: str, payload: Payload) -> None:
    """The call for ``payload``'s kind."""
    if isinstance(payload, Text):
        sender.send_text(openid, payload.content)
    elif isinstance(payload, News | LessonPush):
        sender.send_news(openid, payload.article)
    else:
        sender.send_template(openid, payload)


def _prepare(d: Dispatch, s: Session, row: OutboxMessage) -> tuple[str, Payload | None]:
    """Decide whether ``row`` goes out now: ``("go", what to send)`` (it is ``sending``, one
    attempt counted), else the status it was left in. A payload of the wrong shape (queued by
    an older version, or written by hand) fails the row visibly."""
    now = d.clock.now()
    try:
        payload = payload_of(row.kind, row.payload)
    except ValueError as exc:
        row.status, row.last_error = "failed", f"ValueError: {exc}"
        release(row)
        return "failed", None
    verdict, payload = choose(s, row, payload, now)
    if verdict != "go":
        release(row)
        d.reactions.row_settled(s, row, now)
        return verdict, payload
    row.status = "sending"
    row.attempts += 1
    return "go", payload


def _settle(d: Dispatch, row_id: int, holder: str, failure: SendFailed | None, *, sending: bool) -> str:
    now = d.clock.now()
    with d.sessions() as s:
        row = s.get(OutboxMessage, row_id)
        if row.claimed_by != holder or row.status not in IN_FLIGHT:
            # Recovered by another dispatcher meanwhile (this one looked gone): keep its verdict,
            # but a send known to have worked is worth recording.
            log.warning("outbox %s was recovered by another dispatcher while %s still held it", row_id, holder)
            if failure is None and row.status == "unknown":
                mark_sent(row, now)
                d.reactions.row_settled(s, row, now)
                s.commit()
            return "skipped"
        backoff = d.pace.retry_backoff
        if not sending:  # no token, so no request: whatever the reason, nothing was sent
            row.attempts += 1
            back_off(row, now, f"no access token: {failure.description}", backoff)
        elif failure is None:
            mark_sent(row, now)
        else:
            log.info("outbox %s (%s): %s", row.id, row.purpose, failure.description)
            record_failure(s, row, payload_of(row.kind, row.payload), failure, now, backoff)
        release(row)
        d.reactions.row_settled(s, row, now)
        s.commit()
    return "retry" if row.status == "pending" else row.status
