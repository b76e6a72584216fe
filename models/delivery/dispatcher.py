"""Claimed outbox rows through a :class:`~models.delivery.sender.Sender`, a batch at a time: read
each payload, choose its channel, mark it ``sending`` with its attempt begun, send, record the
answer, settle, and tell the domains that react.

The steps touching the database work on many rows in one transaction (the round in
:mod:`models.delivery.pool` runs them): :func:`start` marks a batch ``sending`` — each row's
attempt written (:mod:`models.delivery.attempts`) — and the caller commits *before* any of its
calls begins; :func:`call` is one API call (a worker thread's); :func:`settle` records the
answers and what they leave on the rows, committed by the caller as soon as the calls have
answered. A crash between the two leaves each row ``sending`` with an attempt that has no
answer: the evidence :func:`models.delivery.claims.recover_stale` decides by. What a failure
means is :mod:`models.delivery.errcodes`'s, what it leaves on the row
:mod:`models.delivery.outcomes`'; a row settled for good is published to the dispatch's
reactions (:mod:`models.delivery.events`).
"""
from __future__ import annotations

import datetime as dt
import logging
import random
from collections import Counter
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field

from sqlalchemy import bindparam, case, select, update
from sqlalchemy.orm import Session

from models.clock import Clock
from models.delivery import attempts, window
from models.delivery.attempts import OK, OutboxAttempt
from models.delivery.channels import (
    Channel,
    channel_of,
    channel_paused_until,
    choose,
    load_pauses,
)
from models.delivery.errcodes import Meaning
from models.delivery.events import Outcome, Reactions, Settled, outcome_of
from models.delivery.outbox import IN_FLIGHT, OutboxMessage
from models.delivery.outcomes import Draw, back_off, mark_sent, record_failure, release
from models.delivery.payloads import LessonPush, News, Payload, Text, payload_of
from models.delivery.reasons import NO_TOKEN
from models.delivery.refresh import Refreshers
from models.delivery.sender import Sender, SendFailed
from models.list_param import in_list

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Pace:
    """How fast one dispatcher process sends: ``concurrency`` calls at once, at most
    ``rate_per_second`` calls per second per channel, the first retry up to ``retry_backoff``
    after a failure worth retrying (doubling after each, jittered by ``draw``, a random float
    in ``[0, 1)``: see :mod:`models.delivery.outcomes`)."""

    concurrency: int
    rate_per_second: Mapping[str, float]
    retry_backoff: dt.timedelta
    draw: Draw = field(default=random.random)


@dataclass(frozen=True)
class Dispatch:
    """What a dispatcher works with: database sessions, the business clock, its :class:`Pace`,
    the reactions to settled rows, and the refreshers rendering payloads again before their
    send (:mod:`models.delivery.refresh`)."""

    sessions: Callable[[], Session]
    clock: Clock
    pace: Pace
    reactions: Reactions
    refreshers: Refreshers = field(default_factory=Refreshers)


@dataclass(frozen=True)
class Call:
    """One row on its way: its attempt (begun, committed), channel, reader, payload, and what
    publishing its outcome needs (member, purpose)."""

    row_id: int
    attempt_id: int
    channel: str
    openid: str
    payload: Payload
    member_id: int | None
    purpose: str


def start(d: Dispatch, s: Session, row_ids: Collection[int], holder: str, now: dt.datetime) -> tuple[list[Call], Counter]:
    """Decide at ``now`` for each claimed row of ``row_ids`` whether it goes. A row that goes
    becomes ``sending``, one attempt counted and begun; the others are left as their channel
    decided (deferred, dropped, due later) or failed (a payload of the wrong shape). Returns
    the calls to make — only once the caller has committed — and how the other rows ended."""
    ended: Counter = Counter()
    load_pauses(s)
    rows = s.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(list(row_ids)))
                     .order_by(OutboxMessage.id).with_for_update()).all()
    mine = [row for row in rows if (row.status, row.claimed_by) == ("claimed", holder)]
    ended["skipped"] += len(rows) - len(mine)  # recovered meanwhile
    if channel_paused_until(s, Channel.CUSTOM, now) is None:  # the windows' places in one go
        window.reserve_many(s, [r.openid for r in mine if channel_of(r.kind) is Channel.CUSTOM], now)
    begun: list[tuple[OutboxMessage, OutboxAttempt, Payload]] = []
    for row in mine:
        verdict, payload = _decide(d, s, row, now)
        if verdict != "go":
            ended[verdict] += 1
            continue
        begun.append((row, attempts.begin(s, row.id, row.attempts, channel_of(row.kind), holder, now), payload))
    window.refund_unused(s, now)
    s.flush()  # the attempts' ids
    calls = [Call(row.id, attempt.id, attempt.channel, row.openid, payload, row.member_id, row.purpose)
             for row, attempt, payload in begun]
    return calls, ended


def _decide(d: Dispatch, s: Session, row: OutboxMessage, now: dt.datetime) -> tuple[str, Payload | None]:
    """``("go", what to send)`` (``row`` is ``sending``, one attempt counted), else the status it
    was left in. A payload of the wrong shape (queued by an older version, or written by hand)
    fails the row visibly. A payload whose purpose has a refresher is rendered again first, so
    what goes — or waits, deferred — says what its record says now."""
    try:
        payload = payload_of(row.kind, row.payload)
    except ValueError as exc:
        row.status, row.last_error = "failed", f"ValueError: {exc}"
        release(row)
        return "failed", None
    payload = d.refreshers.refresh(s, row, payload, now)
    verdict, payload = choose(s, row, payload, now)
    if verdict != "go":
        release(row)
        d.reactions.row_settled(s, row, now)
        return verdict, payload
    row.status = "sending"
    row.attempts += 1
    return "go", payload


def no_token(d: Dispatch, s: Session, row_ids: Collection[int], holder: str, failure: SendFailed,
             now: dt.datetime) -> Counter:
    """No access token, so no request: each claimed row of ``row_ids`` counts an attempt
    (recorded, answered at once with ``failure``) and backs off; nothing was sent."""
    ended: Counter = Counter()
    text = failure.description
    text = text if text.startswith(NO_TOKEN) else f"{NO_TOKEN}: {text}"
    for row in s.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(list(row_ids)))):
        if (row.status, row.claimed_by) != ("claimed", holder):
            continue
        row.attempts += 1
        attempt = attempts.begin(s, row.id, row.attempts, channel_of(row.kind), holder, now)
        attempts.answer(attempt, now, failure.meaning, failure.errcode, text)
        back_off(row, now, text, d.pace.retry_backoff, d.pace.draw)
        release(row)
        d.reactions.row_settled(s, row, now)
        ended["retry" if row.status == "pending" else row.status] += 1
    return ended


def call(sender: Sender, c: Call) -> SendFailed | None:
    """Send ``c`` (a worker thread's part); ``None`` when WeChat accepted it. A bug mid-call
    counts as an unknown outcome: whether WeChat got the request is unknown."""
    try:
        send(sender, c.openid, c.payload)
    except SendFailed as failure:
        return failure
    except Exception as exc:
        log.exception("outbox %s: unexpected error while sending", c.row_id)
        return SendFailed(f"{type(exc).__name__}: {exc}", Meaning.UNKNOWN)
    return None


def send(sender: Sender, openid: str, payload: Payload) -> None:
    """The call for ``payload``'s kind."""
    if isinstance(payload, Text):
        sender.send_text(openid, payload.content)
    elif isinstance(payload, News | LessonPush):
        sender.send_news(openid, payload.article)
    else:
        sender.send_template(openid, payload)


# Each call's answer on its attempt, by primary key: prebuilt Core statements (the ORM's bulk
# update by primary key cost ≈ 5 ms of CPU a turn). The accepted ones are all the same answer,
# so one statement for them all; a refusal each its own parameters, run as one executemany.
_attempts = OutboxAttempt.__table__
_ANSWER = (update(_attempts).where(_attempts.c.id == bindparam("attempt_id"))
           .values(ended_at=bindparam("ended_at"), meaning=bindparam("meaning"), errcode=bindparam("errcode"),
                   description=bindparam("description")))
_ACCEPTED = (update(_attempts).where(in_list(_attempts.c.id, "attempt_ids"))
             .values(ended_at=bindparam("b_now"), meaning=OK, errcode=0, description=None))

# The accepted rows of a batch settled sent (one statement; see settle).
_outbox = OutboxMessage.__table__
_SENT = (update(_outbox)
         .where(in_list(_outbox.c.id, "ids"), _outbox.c.claimed_by == bindparam("b_holder"),
                _outbox.c.status == "sending")
         .values(status="sent", sent_at=bindparam("b_now"), last_error=None, reason=None, claimed_by=None,
                 claimed_until=None,
                 # the channel it went by, as outcomes.mark_sent says it (template or custom)
                 sent_via=case((_outbox.c.kind == "template", Channel.TEMPLATE.value), else_=Channel.CUSTOM.value))
         .returning(_outbox.c.id))
# On PostgreSQL both in one statement (a data-modifying WITH): one round trip, not two.
_ACCEPTED_AND_SENT = _SENT.add_cte(_ACCEPTED.returning(_attempts.c.id).cte("answered"))


def record_answers(s: Session, answered: list[tuple[Call, SendFailed | None]], now: dt.datetime) -> None:
    """Write each call's answer on its attempt (one statement for the accepted, one for the
    rest)."""
    accepted = [c.attempt_id for c, f in answered if f is None]
    if accepted:
        s.connection().execute(_ACCEPTED, {"attempt_ids": accepted, "b_now": now})
    _record_refusals(s, answered, now)


def _record_refusals(s: Session, answered: list[tuple[Call, SendFailed | None]], now: dt.datetime) -> None:
    refusals = [{"attempt_id": c.attempt_id, "ended_at": now, "meaning": f.meaning.value, "errcode": f.errcode,
                 "description": f.description} for c, f in answered if f is not None]
    if refusals:
        s.connection().execute(_ANSWER, refusals)


def _accept(s: Session, accepted: list[Call], holder: str, now: dt.datetime) -> set[int]:
    """The accepted calls' answers on their attempts, and their rows ``sent`` where still this
    holder's; returns the ids of the rows settled so."""
    conn = s.connection()
    ids = {"attempt_ids": [c.attempt_id for c in accepted], "ids": [c.row_id for c in accepted],
           "b_holder": holder, "b_now": now}
    if conn.dialect.name == "postgresql":
        return set(conn.scalars(_ACCEPTED_AND_SENT, ids))
    conn.execute(_ACCEPTED, ids)
    return set(conn.scalars(_SENT, ids))


def settle(d: Dispatch, s: Session, answered: list[tuple[Call, SendFailed | None]], holder: str,
           now: dt.datetime) -> tuple[Counter, set[int]]:
    """Record each call's answer on its attempt, then what it leaves on its row; returns how
    the rows ended (``sent``, ``retry``, ``failed`` …, ``skipped`` for a row recovered by
    another dispatcher meanwhile) and the ids of the rows this settled (all but the skipped:
    no longer in flight). The caller commits; if this raises, the caller rolls back and commits
    :func:`record_answers` alone, the evidence recovery settles the rows by.

    The common case — WeChat accepted, the row still ours — is two UPDATEs for the whole batch
    (the attempts answered, the rows sent; one statement on PostgreSQL); the rest (refusals,
    timeouts, rows recovered meanwhile) go through
    :mod:`models.delivery.outcomes` row by row, their rows read before the first write (on
    SQLite a write takes the one write lock until the commit)."""
    ended: Counter = Counter()
    refused = _load(s, [c.row_id for c, failure in answered if failure is not None])
    _record_refusals(s, answered, now)
    accepted = {c.row_id: c for c, failure in answered if failure is None}
    sent = _accept(s, list(accepted.values()), holder, now) if accepted else set()
    ended["sent"] += len(sent)
    outcomes = [Outcome(c.row_id, c.openid, c.member_id, c.purpose, c.payload, Settled.SENT, now)
                for row_id, c in accepted.items() if row_id in sent]
    rest = [(c, failure) for c, failure in answered if c.row_id not in sent]
    done = set(sent)
    if rest:
        rows = refused | _load(s, [c.row_id for c, _ in rest if c.row_id not in refused])
        for c, failure in rest:
            status, outcome = _settle_row(d, s, rows[c.row_id], holder, failure, now)
            ended[status] += 1
            if status != "skipped":
                done.add(c.row_id)
            outcomes += [outcome] if outcome is not None else []
        s.flush()  # the rows' updates in one statement, not one per reaction's savepoint
    d.reactions.publish_all(s, outcomes)
    return ended, done


def _load(s: Session, row_ids: list[int]) -> dict[int, OutboxMessage]:
    if not row_ids:
        return {}
    return {r.id: r for r in s.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(row_ids)).with_for_update())}


def _settle_row(d: Dispatch, s: Session, row: OutboxMessage, holder: str, failure: SendFailed | None,
                now: dt.datetime) -> tuple[str, Outcome | None]:
    """What ``failure`` (``None``: accepted) leaves on ``row``, and the outcome to publish."""
    if row.claimed_by != holder or row.status not in IN_FLIGHT:
        # Recovered by another dispatcher meanwhile (this one looked gone): keep its verdict,
        # but a send known to have worked is worth recording.
        log.warning("outbox %s was recovered by another dispatcher while %s still held it", row.id, holder)
        if failure is None and row.status == "unknown":
            mark_sent(row, now)
            return "skipped", outcome_of(row, now)
        return "skipped", None
    if failure is None:
        mark_sent(row, now)
    else:
        log.info("outbox %s (%s): %s", row.id, row.purpose, failure.description)
        record_failure(s, row, payload_of(row.kind, row.payload), failure, now, d.pace.retry_backoff, d.pace.draw)
    release(row)
    return ("retry" if row.status == "pending" else row.status), outcome_of(row, now)
