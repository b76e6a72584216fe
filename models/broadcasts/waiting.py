"""Lessons waiting for a member: released on their next message without a flood, and the rest
served on request.

Scheduled lessons that met a closed window wait (``deferred``) for the member's next message.
When it comes, releasing them all would pour a week of lessons into one conversation; so
(:func:`release_on_message`) the oldest goes as one customer-service news message that says how
many there are — “您有3条新的学习内容，先看第一篇：…”, the lesson attached, “回复“学习”看下一篇” —
and the others become ``on_request``: the study handler serves them one at a time
(:func:`take_waiting`) before choosing anything new, and counts them (:func:`waiting_count`). A
single waiting lesson simply goes. Deferred rows of other purposes (notices, answers, the
digest) are released as before (``models.delivery.queue.release_deferred``).

Cost on the webhook's hot path: the webhook calls this only when its one read of the sender
says something is deferred; then it is two statements when no lesson waits, a few more when
lessons do.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from models import study
from models.delivery.outbox import OutboxMessage
from models.delivery.payloads import Article, LessonPush
from models.delivery.queue import release_deferred

_OUTBOX = OutboxMessage.__table__
_LESSON_OF = _OUTBOX.c.payload["lesson_id"].as_integer()
# How many times take_waiting tries again when another request took the row it chose.
_TRIES = 3


def intro(push: LessonPush, waiting: int) -> LessonPush:
    """The message that releases the first of ``waiting`` lessons (≥ 2): the lesson's news
    article as planned (the member's own link), its title saying how many there are and its
    description how to get the next."""
    plain = push.article
    article = Article(f"您有{waiting}条新的学习内容，先看第一篇：{plain.title}",
                      f"{plain.description}\n回复“学习”看下一篇。".lstrip("\n"), plain.url, plain.picurl)
    return LessonPush(push.lesson_id, article)


def release_on_message(session: Session, openid: str, now: dt.datetime) -> int:
    """``openid`` just wrote (their window is open): release what waited for them — every
    deferred row of another purpose, and of their deferred lessons the oldest alone, introduced
    by :func:`intro` when more lessons wait (deferred or on request), the rest ``on_request``.
    A lesson is a ``lesson_push`` row carrying a lesson (a ``LessonPush``); any other row is
    released as it is.
    Returns how many rows became due. The caller commits."""
    lessons = session.execute(
        select(_OUTBOX.c.id, _OUTBOX.c.member_id, _OUTBOX.c.payload)
        .where(_OUTBOX.c.openid == openid, _OUTBOX.c.status == "deferred",
               _OUTBOX.c.purpose == study.PUSH_PURPOSE, _LESSON_OF.is_not(None))
        .order_by(_OUTBOX.c.created_at, _OUTBOX.c.id)).all()
    released = release_deferred(session, openid, now, keep=[row.id for row in lessons])
    if not lessons:
        return released
    (first_id, member_id, payload), rest = lessons[0], [row.id for row in lessons[1:]]
    waiting = len(lessons) + (waiting_count(session, member_id) if member_id is not None else 0)
    values: dict = {"status": "pending", "next_attempt_at": now}
    if waiting > 1:
        values["payload"] = intro(LessonPush.from_json(payload), waiting).as_json()
    session.execute(update(_OUTBOX).where(_OUTBOX.c.id == first_id, _OUTBOX.c.status == "deferred")
                    .values(**values))
    if rest:
        session.execute(update(_OUTBOX).where(_OUTBOX.c.id.in_(rest), _OUTBOX.c.status == "deferred")
                        .values(status="on_request"))
    return released + 1


def waiting_count(session: Session, member_id: int) -> int:
    """How many lessons wait for ``member_id`` to ask for them (``on_request``)."""
    return session.scalar(select(func.count()).select_from(_OUTBOX).where(
        _OUTBOX.c.member_id == member_id, _OUTBOX.c.status == "on_request",
        _OUTBOX.c.purpose == study.PUSH_PURPOSE)) or 0


def take_waiting(session: Session, member_id: int, now: dt.datetime) -> int | None:
    """The oldest lesson waiting on request for ``member_id``, now delivered: its row ``sent``
    (``sent_via`` ``reply``: the caller puts the lesson in its passive reply) and the lesson
    recorded as delivered (``models.study.record_delivery``, source ``request``). Returns the
    lesson id, or ``None`` when none waits. Two requests at once take two different rows. The
    caller commits (with its reply)."""
    for _ in range(_TRIES):
        row = session.execute(
            select(_OUTBOX.c.id, _LESSON_OF)
            .where(_OUTBOX.c.member_id == member_id, _OUTBOX.c.status == "on_request",
                   _OUTBOX.c.purpose == study.PUSH_PURPOSE)
            .order_by(_OUTBOX.c.created_at, _OUTBOX.c.id).limit(1)).first()
        if row is None:
            return None
        taken = session.execute(
            update(_OUTBOX).where(_OUTBOX.c.id == row.id, _OUTBOX.c.status == "on_request")
            .values(status="sent", sent_via="reply", sent_at=now, last_error=None)).rowcount
        if taken == 1 and row[1] is not None:
            study.record_delivery(session, member_id, row[1], "request", now)
            return row[1]
    return None
