"""A dispatcher round's mass-send step (:func:`send_mass_due`, run by ``models.delivery.pool``
before it claims rows one by one): batches left unfinished are sent again, then due rows that
may go by mass are formed into batches (:mod:`models.delivery.mass`) and sent.

A batch is written — its ``clientmsgid``, its rows, status ``sending`` — and committed before
the call, so whatever happens next a retry names the same ``clientmsgid`` and the platform
never sends it twice: a timeout or a crash (the holder gone, as ``models.delivery.claims``
tells) sends it again, and WeChat answers 45065 with the first ``msg_id`` if it went out. The
platform keeps a ``clientmsgid`` 24 hours, so a batch still unsettled :data:`DEDUPE_WINDOW` after
it was written ends ``unknown`` instead (lessons: at most once). Error codes by meaning
(``models.delivery.errcodes``); calls are kept to :data:`REQUESTS_PER_MINUTE`.
"""
from __future__ import annotations

import datetime as dt
import logging
import secrets
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Collection
from itertools import chain

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from models.delivery.channels import next_quota_reset
from models.delivery.claims import LEASE, holder_gone, wall_now
from models.delivery.dispatcher import Dispatch
from models.delivery.errcodes import Meaning
from models.delivery.events import Outcome, Settled
from models.delivery.mass import (
    WAITING,
    MassSend,
    candidates,
    clientmsgid_for,
    plan_batches,
    quota_used,
    recipients,
    take_rows,
    worth_a_look,
)
from models.delivery.outbox import OutboxMessage
from models.delivery.outcomes import MAX_ATTEMPTS, MAX_BACKOFF
from models.delivery.payloads import payload_of
from models.delivery.sender import Sender, SendFailed

log = logging.getLogger(__name__)

# The mass-send API takes 60 requests a minute (DESIGN.md §2).
REQUESTS_PER_MINUTE = 60
# WeChat remembers a clientmsgid 24 hours; resend only well inside that.
DEDUPE_WINDOW = dt.timedelta(hours=23)


class MinuteLimit:
    """At most ``per_minute`` calls in any 60 seconds (wall time) in this process, across
    threads: :meth:`wait` returns when one may start."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute, self.started, self.lock = per_minute, deque(), threading.Lock()

    def wait(self) -> None:
        with self.lock:
            while True:
                now = time.monotonic()
                while self.started and self.started[0] <= now - 60:
                    self.started.popleft()
                if len(self.started) < self.per_minute:
                    self.started.append(now)
                    return
                time.sleep(self.started[0] + 60 - now)


LIMIT = MinuteLimit(REQUESTS_PER_MINUTE)


def send_mass_due(d: Dispatch, new_sender: Callable[[], Sender], holder: str, live: Collection[str]) -> Counter:
    """Send what is due by mass for ``holder``; ``live`` are this process's running holders.
    Returns how many outbox rows ended each way (``sent``, ``unknown``, ``failed``). Each new
    batch is written just before its own call, so its lease runs from then."""
    outcomes: Counter = Counter()
    sender: Sender | None = None
    written = (_write(d, holder, content, ids) for content, ids in _plan(d))  # lazily: one at a time
    for batch_id in chain(_resume(d, holder, live), written):
        if batch_id is None:
            continue
        sender = sender or new_sender()
        outcomes.update(_send(d, sender, batch_id, holder))
    return outcomes


def _resume(d: Dispatch, holder: str, live: Collection[str]) -> list[int]:
    """Claim the batches due again (``pending``) or left ``sending`` by a holder that is gone;
    one too old to resend safely is settled ``unknown``. Ids of the batches to send."""
    now, at = d.clock.now(), wall_now()
    claimed = []
    with d.sessions() as s:
        for batch in s.scalars(select(MassSend).where(or_(
                (MassSend.status == "pending") & (MassSend.next_attempt_at <= now),
                MassSend.status == "sending")).order_by(MassSend.id).with_for_update(skip_locked=True)).all():
            if batch.status == "sending" and not holder_gone(batch.claimed_by, batch.claimed_until, live, at):
                continue
            if batch.status == "sending":
                log.warning("mass send %s: its dispatcher %s ended mid-call; sent again with its clientmsgid",
                            batch.id, batch.claimed_by)
            if now >= batch.created_at + DEDUPE_WINDOW:
                _settle(s, d, batch, "unknown", now, "未能确认是否已群发，超过去重期限，不再重发")
                continue
            batch.status, batch.claimed_by, batch.claimed_until = "sending", holder, at + LEASE
            batch.attempts += 1
            claimed.append(batch.id)
        s.commit()
    return claimed


def _plan(d: Dispatch) -> list[tuple[str, list[int]]]:
    """The batches of what may go by mass now, as ``(text, row ids)`` (see
    :mod:`models.delivery.mass`)."""
    now = d.clock.now()
    with d.sessions() as s:
        if not worth_a_look(s, now):
            return []
        return plan_batches(candidates(s, now), quota_used(s, now))


def _write(d: Dispatch, holder: str, content: str, row_ids: list[int]) -> int | None:
    """Write one batch — its clientmsgid and rows, status ``sending`` held by ``holder`` — and
    commit it before its call; its id, or ``None`` when fewer than 2 of the rows were still
    free (another dispatcher took them meanwhile)."""
    now = d.clock.now()
    with d.sessions() as s:
        # The id is in the clientmsgid, so it is set once the row has one; unique meanwhile.
        batch = MassSend(clientmsgid=secrets.token_hex(16), content=content, status="sending",
                         attempts=1, created_at=now, next_attempt_at=now, claimed_by=holder,
                         claimed_until=wall_now() + LEASE)
        s.add(batch)
        s.flush()
        batch.clientmsgid = clientmsgid_for(batch.id, row_ids)
        batch.recipients = take_rows(s, batch, row_ids)
        if batch.recipients < 2:
            s.rollback()
            return None
        s.commit()
        return batch.id


def _send(d: Dispatch, sender: Sender, batch_id: int, holder: str) -> Counter:
    """Call the platform for claimed batch ``batch_id`` and settle it."""
    with d.sessions() as s:
        batch = s.get(MassSend, batch_id)
        openids, content, clientmsgid = recipients(s, batch_id), batch.content, batch.clientmsgid
    LIMIT.wait()
    msg_id, failure = None, None
    try:
        sender.prepare()
        msg_id = sender.send_mass(openids, content, clientmsgid)
    except SendFailed as exc:
        failure = exc
    except Exception as exc:  # a bug mid-call: whether WeChat got the request is unknown
        log.exception("mass send %s: unexpected error while sending", batch_id)
        failure = SendFailed(f"{type(exc).__name__}: {exc}", Meaning.UNKNOWN)
    now = d.clock.now()
    with d.sessions() as s:
        batch = s.get(MassSend, batch_id, with_for_update=True)
        if (batch.status, batch.claimed_by) != ("sending", holder):
            return Counter()  # recovered by another dispatcher meanwhile: its verdict stands
        batch.claimed_by = batch.claimed_until = None
        if failure is None:
            batch.msg_id, batch.sent_at = msg_id, now
            done = _settle(s, d, batch, "sent", now)
        else:
            done = _after_failure(s, d, batch, failure, now)
        s.commit()
    return done


def _after_failure(s: Session, d: Dispatch, batch: MassSend, failure: SendFailed, now: dt.datetime) -> Counter:
    """What a failed call leaves: tried again later with the same ``clientmsgid`` when nothing
    was sent or it may have been (within :data:`DEDUPE_WINDOW`), after 00:00 Beijing time on a
    quota, else ``failed`` (or ``unknown`` when it may have gone out)."""
    text, meaning = failure.description, failure.meaning
    log.info("mass send %s: %s", batch.id, text)
    batch.last_error = text
    if meaning is Meaning.DAILY_QUOTA:
        batch.status, batch.next_attempt_at = "pending", next_quota_reset(now)
        return Counter()
    retry = meaning in (Meaning.TRANSIENT, Meaning.TOKEN_STALE, Meaning.UNKNOWN)
    if retry and batch.attempts < MAX_ATTEMPTS and now < batch.created_at + DEDUPE_WINDOW:
        batch.status = "pending"
        batch.next_attempt_at = now + min(d.pace.retry_backoff * 2 ** max(batch.attempts - 1, 0), MAX_BACKOFF)
        return Counter()
    if meaning is Meaning.UNKNOWN:
        return _settle(s, d, batch, "unknown", now, f"{text}（群发结果未知，不再重发）")
    return _settle(s, d, batch, "failed", now, f"{text}（群发未成功）")


def _settle(s: Session, d: Dispatch, batch: MassSend, status: str, now: dt.datetime,
            error: str | None = None) -> Counter:
    """``batch`` ends ``status``, and so do its rows still waiting — the one place a row sent by
    mass is marked sent — each published to the dispatch's reactions. One statement for the
    rows (a batch holds up to 10,000)."""
    batch.status, batch.claimed_by, batch.claimed_until = status, None, None
    if error is not None:
        batch.last_error = error
    values = {"status": status, "last_error": error}
    if status == "sent":
        values.update(sent_at=now, sent_via="mass")
    settled = s.execute(
        update(OutboxMessage)
        .where(OutboxMessage.mass_send_id == batch.id, OutboxMessage.status.in_(WAITING))
        .values(**values)
        .returning(OutboxMessage.id, OutboxMessage.openid, OutboxMessage.member_id, OutboxMessage.purpose,
                   OutboxMessage.kind, OutboxMessage.payload)
        .execution_options(synchronize_session=False)).all()
    for row_id, openid, member_id, purpose, kind, payload in settled:
        d.reactions.publish(s, Outcome(row_id, openid, member_id, purpose, payload_of(kind, payload),
                                       Settled(status), now))
    return Counter({status: len(settled)})
