"""Queuing messages in the outbox, and what is still on its way.

Handlers, domain operations and scheduled jobs call :func:`enqueue` with a typed payload
(:mod:`models.delivery.payloads`); ``idempotency_key`` makes an enqueue safe to repeat (a job
that runs twice, a retried webhook). When a member writes their window is open again, so what
waited for them is due (:func:`release_deferred`; deferred lessons are released their own way,
``models.broadcasts.waiting``); :func:`withdraw` drops
what has not left yet and no longer needs to (a question the member already answered).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from typing import TypeVar

from sqlalchemy import Exists, bindparam, exists, literal, select, update
from sqlalchemy.orm import Session

from models.delivery.outbox import ON_THE_WAY, OutboxMessage
from models.delivery.payloads import (
    KIND_OF,
    LessonPush,
    News,
    Payload,
    TemplateNotice,
    Text,
    payload_of,
)
from models.delivery.purposes import PURPOSES
from models.member import Member

P = TypeVar("P", Text, News, LessonPush, TemplateNotice)


def enqueue(session: Session, *, openid: str, payload: Payload, purpose: str, idempotency_key: str,
            now: dt.datetime, member_id: int | None = None) -> OutboxMessage:
    """Queue ``payload`` for ``openid``; repeating the same ``idempotency_key`` returns the row
    already queued instead of adding a second one.

    ``member_id`` is the recipient's member id; when not given it is looked up from ``openid``
    (``None`` for a follower who is not a bound member). Raises ``ValueError`` for a
    ``purpose`` not declared in :data:`models.delivery.purposes.PURPOSES`, or a template
    fallback on a purpose that never goes as a template; ``TypeError`` for a payload that is
    not one of :data:`models.delivery.payloads.Payload`."""
    if purpose not in PURPOSES:
        raise ValueError(f"outbox purpose {purpose!r} has no declared delivery guarantee "
                         "(add it to models.delivery.purposes.PURPOSES)")
    if type(payload) not in KIND_OF:
        raise TypeError(f"an outbox payload is one of models.delivery.payloads, not {payload!r}")
    if getattr(payload, "fallback", None) is not None and not PURPOSES[purpose].template_fallback:
        raise ValueError(f"{purpose} messages never go as template messages: drop the fallback "
                         "or declare template_fallback in models.delivery.purposes")
    existing = session.scalar(select(OutboxMessage).where(OutboxMessage.idempotency_key == idempotency_key))
    if existing is not None:
        return existing
    if member_id is None:
        member_id = session.scalar(select(Member.id).where(Member.openid == openid))
    row = OutboxMessage(openid=openid, member_id=member_id, kind=KIND_OF[type(payload)],
                        payload=payload.as_json(), purpose=purpose, idempotency_key=idempotency_key,
                        status="pending", attempts=0, resends=0, next_attempt_at=now, created_at=now)
    session.add(row)
    return row


def release_deferred(session: Session, openid: str, now: dt.datetime, *, keep: Collection[int] = ()) -> int:
    """The member just wrote, so their window is open: make their deferred messages (but the
    rows ``keep``, which their domain releases its own way) due now.

    Returns how many were released."""
    held = [OutboxMessage.id.not_in(list(keep))] if keep else []
    result = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.openid == openid, OutboxMessage.status == "deferred", *held)
        .values(status="pending", next_attempt_at=now)
        # Runs on every inbound message: skip matching rows in the session (none are loaded).
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


# ``last_error`` of a row dropped by :func:`withdraw`, before the reason: nothing went wrong,
# so reports list it with no call to act (``models.delivery.report``).
WITHDRAWN = "withdrawn: "
# Members per statement when :func:`withdraw` drops several members' rows (a round closing many
# asks): keeps the IN list well inside every database's bound-parameter limit.
WITHDRAW_BATCH = 500


def withdraw(session: Session, member_ids: int | Sequence[int], purpose: str, why: str) -> int:
    """Drop the ``purpose`` rows of one member (an id) or of several (a sequence of ids) that
    have not left yet (due or deferred; a row a dispatcher holds goes on) because they are no
    longer needed: ``why`` says so in the row's ``last_error``. Several members go
    :data:`WITHDRAW_BATCH` per statement. Returns how many were dropped."""
    ids = [member_ids] if isinstance(member_ids, int) else list(member_ids)
    dropped = 0
    for start in range(0, len(ids), WITHDRAW_BATCH):
        result = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.member_id.in_(ids[start:start + WITHDRAW_BATCH]),
                   OutboxMessage.purpose == purpose, OutboxMessage.status.in_(("pending", "deferred")))
            .values(status="dropped", last_error=WITHDRAWN + why, reason=f"不再需要，没有发送：{why}")
            .execution_options(synchronize_session=False)
        )
        dropped += result.rowcount or 0
    return dropped


# Built once, on the table (a member's 学习 runs it): building it, the ORM's handling of a
# statement on mapped columns and expanding IN lists at every execution cost more than running
# it. The statuses are fixed parameters; one member (a chat) is compared, not listed.
_OUTBOX = OutboxMessage.__table__


def _still_coming():
    # not reached the reader yet and may still: due, held by a dispatcher, deferred, or unknown
    return _OUTBOX.c.status.in_([literal(status) for status in (*ON_THE_WAY, "unknown")])


def _on_the_way(members):
    return (select(_OUTBOX.c.member_id, _OUTBOX.c.kind, _OUTBOX.c.payload, _OUTBOX.c.created_at)
            .where(members, _OUTBOX.c.purpose == bindparam("purpose"), _still_coming())
            .order_by(_OUTBOX.c.created_at, _OUTBOX.c.id))


def any_on_the_way(member_id, purpose: str) -> Exists:
    """SQL: whether :func:`on_the_way` could find anything for ``member_id`` (a column or bound
    parameter) and ``purpose`` — a row of any payload type — for a read that asks it in passing
    and runs :func:`on_the_way` only when it is true."""
    return exists().where(_OUTBOX.c.member_id == member_id, _OUTBOX.c.purpose == purpose, _still_coming())


_ON_THE_WAY_OF_ONE = _on_the_way(_OUTBOX.c.member_id == bindparam("members"))
_ON_THE_WAY = _on_the_way(_OUTBOX.c.member_id.in_(bindparam("members", expanding=True)))


def on_the_way(session: Session, member_ids: Iterable[int], kind: type[P],
                           purpose: str) -> list[tuple[int, P, dt.datetime]]:
    """``(member id, payload, queued at)`` of ``purpose`` messages of payload type ``kind``
    for ``member_ids`` that have not reached their reader yet and may still: due, held by a
    dispatcher, deferred, or of unknown outcome (it may have arrived). Oldest first; a row
    whose payload is not a ``kind`` (queued by an older version) is left out."""
    members = list(member_ids)
    if len(members) == 1:
        rows = session.execute(_ON_THE_WAY_OF_ONE, {"members": members[0], "purpose": purpose})
    else:
        rows = session.execute(_ON_THE_WAY, {"members": members, "purpose": purpose})
    found = []
    for member_id, kind_name, body, queued_at in rows:
        try:
            payload = payload_of(kind_name, body)
        except ValueError:
            continue  # a broken row: the dispatcher fails it visibly
        if isinstance(payload, kind):
            found.append((member_id, payload, queued_at))
    return found
