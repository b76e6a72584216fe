"""Study (学习): which lesson a member gets next, today's lesson, and recording deliveries.

One rule decides "the next lesson", for chat and scheduled pushes alike (:func:`pick_next`):
unread lessons first, in library ``sequence`` order; once a member has read them all, the lesson
they saw longest ago comes round again. A ``StudyRecord`` is one per member and lesson: its
``delivered_at`` and ``source`` say when and how the lesson first reached them (the study report
counts by them), and a lesson given again (asked for again, or in a later round) moves only its
``shown_at`` forward — the time the rules here go by — and its ``shown_as``, how it was given
this time.

A lesson asked for in chat is recorded with the reply. A pushed lesson is queued in the outbox
(``models.broadcasts``) and recorded when WeChat accepts it (:func:`lesson_delivered`, a
reaction to the delivery's outcome); until then — due, deferred until the member writes, or of
unknown outcome — it counts as theirs for choosing the next lesson, so a push waiting for a
member is not queued again the next day.

"Today" is the calendar day in Asia/Shanghai, the day members count in. Today's lesson stays
the same until the member says they finished it (``StudyRecord.completed_at``, see
``models.study_history``); then the next unread one is today's.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import Row, bindparam, exists, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from models.clock import SHANGHAI
from models.delivery.events import Outcome
from models.delivery.payloads import Article, LessonPush
from models.delivery.queue import any_on_the_way, on_the_way
from models.driver_statements import DriverStatement
from models.lesson import CATEGORY_NAMES, Lesson, LessonTarget, StudyRecord
from models.lesson_scope import LessonScope
from models.member import Member

PUSH_PURPOSE = "lesson_push"
# StudyRecord.source: the day's lesson asked for ("request") or pushed ("schedule"), or a lesson
# of one category asked for by name ("category"), which leaves the day's lesson as it was.
DAYS_LESSON_SOURCES = ("request", "schedule")
CATEGORY_SOURCE = "category"


@dataclass(frozen=True)
class Seen:
    """A lesson a member has, or has on its way: when (delivered, or queued), how (a
    ``StudyRecord.source``), ``order`` to tell apart two at the same instant (record id), and
    ``done``: the member said they finished it since (``StudyRecord.completed_at``)."""

    at: dt.datetime
    source: str
    order: int = 0
    done: bool = False


@dataclass(frozen=True)
class LessonPick:
    """A lesson chosen for a member. ``delivered_today``: they already got it today (nothing new
    to record); ``review``: every lesson in scope was read before, this one comes round again.
    ``lesson``: in chat a read-only row (a lesson's columns as attributes)."""

    lesson: Lesson | Row
    delivered_today: bool
    review: bool


def day_start(now: dt.datetime) -> dt.datetime:
    """Midnight (Asia/Shanghai) of the day containing ``now``, as aware UTC."""
    local = now.astimezone(SHANGHAI)
    midnight = dt.datetime.combine(local.date(), dt.time(), tzinfo=SHANGHAI)
    return midnight.astimezone(dt.UTC)


# A member's 学习 reads the library and their study records in one statement, as plain rows (a
# lesson's columns as attributes), built once: loading hundreds of Lesson objects, and building
# the statements, for every 学习 was most of its cost. ``pushing`` (the same on every row): a
# lesson push may be on its way to them — only then are those pushes read (a second statement).
_LESSONS, _RECORDS, _TARGETS = Lesson.__table__, StudyRecord.__table__, LessonTarget.__table__
_LESSONS_SEEN = (select(_LESSONS, func.coalesce(_RECORDS.c.shown_at, _RECORDS.c.delivered_at).label("seen_at"), _RECORDS.c.source.label("seen_source"),
                        _RECORDS.c.id.label("seen_order"), _RECORDS.c.completed_at.label("seen_done"),
                        exists().where(_TARGETS.c.lesson_id == _LESSONS.c.id).label("targeted"),
                        any_on_the_way(bindparam("member"), PUSH_PURPOSE).label("pushing"))
                 .outerjoin(_RECORDS, (_RECORDS.c.lesson_id == _LESSONS.c.id)
                            & (_RECORDS.c.member_id == bindparam("member")))
                 .order_by(_LESSONS.c.sequence, _LESSONS.c.id))
_LESSONS_SEEN_OF = _LESSONS_SEEN.where(_LESSONS.c.category == bindparam("category"))
# 学习 is among the commonest messages: its read runs on the driver (models.driver_statements).
_READ_LESSONS_SEEN = DriverStatement(_LESSONS_SEEN, {"member": 0})
_READ_LESSONS_SEEN_OF = DriverStatement(_LESSONS_SEEN_OF, {"member": 0, "category": ""})


def _lessons_seen_by(session: Session, member_id: int, category: str | None,
                     now: dt.datetime) -> tuple[list[Row], dict[int, Seen]]:
    """The library (of ``category``) as published by ``now`` (:func:`published`), as read-only
    rows (``id``, ``title``, ``category``, ``summary``, ``url`` …; ``seen_order``: their study
    record's id), and what ``member_id`` has of it (lesson id -> :class:`Seen`), pushes on their
    way included."""
    if category is None:
        rows = _READ_LESSONS_SEEN.all(session, {"member": member_id})
    else:
        rows = _READ_LESSONS_SEEN_OF.all(session, {"member": member_id, "category": category})
    today = now.astimezone(SHANGHAI).date()
    pushing = bool(rows) and bool(rows[0].pushing)
    rows = visible_to(session, member_id, [row for row in rows if published(row, today)])
    # finished since it was last delivered: a lesson coming round again is unfinished anew
    seen = {row.id: Seen(row.seen_at, row.seen_source, row.seen_order,
                         row.seen_done is not None and row.seen_done >= row.seen_at)
            for row in rows if row.seen_at is not None}
    if pushing:
        _add_pushes({member_id: seen}, session, [member_id], {row.id for row in rows})
    return rows, seen


def visible_to(session: Session, member_id: int, rows: list[Row]) -> list[Row]:
    """The lessons of ``rows`` (library rows of :data:`_LESSONS_SEEN`, in order) that
    ``member_id`` may be given (``models.lesson_scope``): the one place a member's chat reads the
    library through. While no lesson in ``rows`` names target organisations (the row's
    ``targeted``) this costs nothing; otherwise the member's branch and the library's targeting
    are read (three statements)."""
    if not any(row.targeted for row in rows):
        return rows
    branch_id = session.scalar(select(Member.branch_id).where(Member.id == member_id))
    return LessonScope.load(session).filter(rows, branch_id)


def published(lesson: Lesson | Row, today: dt.date) -> bool:
    """Whether ``lesson`` may be given on ``today`` (a Beijing date): a lesson with a publish
    date (发布日期) later than today waits for it; one without is out as soon as it is imported."""
    return lesson.published_on is None or lesson.published_on <= today


def library(session: Session, category: str | None = None, published_by: dt.date | None = None) -> list[Lesson]:
    """Every lesson (of ``category``, if given; published by the Beijing date ``published_by``,
    if given: :func:`published`) in ``sequence`` order. Libraries hold hundreds of lessons, not
    millions, so callers may keep the list in memory."""
    query = select(Lesson).order_by(Lesson.sequence, Lesson.id)
    if category is not None:
        query = query.where(Lesson.category == category)
    if published_by is not None:
        query = query.where(Lesson.published_on.is_(None) | (Lesson.published_on <= published_by))
    return list(session.scalars(query))


def stocked_categories(session: Session) -> list[str]:
    """The categories that have at least one lesson, in the order of ``CATEGORY_NAMES``."""
    present = set(session.scalars(select(Lesson.category).distinct()))
    return [c for c in CATEGORY_NAMES if c in present]


def pick_next(lessons: Sequence[Lesson], delivered: Mapping[int, dt.datetime]) -> Lesson | None:
    """The next lesson from ``lessons`` (in sequence order) for a member whose deliveries are
    ``delivered`` (lesson id -> when last given): the first unread one, or when all were read
    the one given longest ago. ``None`` for an empty library."""
    unread = next((lesson for lesson in lessons if lesson.id not in delivered), None)
    if unread is not None or not lessons:
        return unread
    return min(lessons, key=lambda lesson: delivered[lesson.id])


def _add_pushes(found: dict[int, dict[int, Seen]], session: Session, member_ids: list[int],
                lesson_ids: set[int]) -> None:
    """Add to ``found`` (member id -> lesson id -> :class:`Seen`) the lesson pushes still on their
    way to these members (source ``schedule``, at the time queued), where newer."""
    for member_id, push, queued_at in on_the_way(session, member_ids, LessonPush, PUSH_PURPOSE):
        mine = found.setdefault(member_id, {})
        if push.lesson_id in lesson_ids and (push.lesson_id not in mine or mine[push.lesson_id].at < queued_at):
            mine[push.lesson_id] = Seen(queued_at, "schedule")


def next_lesson(session: Session, member_id: int, now: dt.datetime,
                category: str | None = None) -> LessonPick | None:
    """The member's next lesson (of ``category``, if given) by :func:`pick_next`, whatever they
    got today. ``None`` when the library (or that category) has nothing published by ``now``.
    Nothing is recorded."""
    return _pick_from(*_lessons_seen_by(session, member_id, category, now))


def todays_lesson(session: Session, member_id: int, now: dt.datetime,
                  category: str | None = None) -> LessonPick | None:
    """Today's lesson for a member, stable within the day until they finish it (我学完了). Without
    ``category``: the last lesson they received today and have not finished, or that was pushed
    to them today and is on its way, as the day's lesson (source ``request`` or ``schedule``; a lesson asked for by category, source
    ``category``, does not replace it). With ``category``: the last lesson of that category
    they received (or have on its way) today. Else :func:`next_lesson`. ``None`` when the
    library (or that category) is empty. Nothing is recorded; see :func:`record_delivery`."""
    lessons, seen = _lessons_seen_by(session, member_id, category, now)
    since = day_start(now)
    today = [lesson for lesson in lessons if lesson.id in seen and seen[lesson.id].at >= since
             and not seen[lesson.id].done
             and (category is not None or seen[lesson.id].source in DAYS_LESSON_SOURCES)]
    if today:
        latest = max(today, key=lambda lesson: (seen[lesson.id].at, seen[lesson.id].order))
        return LessonPick(latest, delivered_today=True, review=False)
    return _pick_from(lessons, seen)


def _pick_from(lessons: Sequence[Row], seen: Mapping[int, Seen]) -> LessonPick | None:
    lesson = pick_next(lessons, {lid: s.at for lid, s in seen.items()})
    if lesson is None:
        return None
    return LessonPick(lesson, delivered_today=False, review=lesson.id in seen)


def record_delivery(session: Session, member_id: int, lesson_id: int, source: str, now: dt.datetime) -> None:
    """Record that a lesson reached a member (``source``: "request", "schedule" or
    ``CATEGORY_SOURCE``); it is now the lesson they are on (``shown_at``), given as ``source``
    (``shown_as``: 下一课 goes on in the category of a lesson given by category).

    A lesson given again (asked for again by category, or a later round through the library)
    moves only the record's ``shown_at`` and ``shown_as``: when and how it first reached them
    stay as they were (the month's study report counts by them), and so does a finish said in
    an earlier round. One statement, which two deliveries at once (学习 tapped twice) cannot both
    insert: the second moves ``shown_at``."""
    _GIVEN[session.get_bind().dialect.name].write(session, {
        "member_id": member_id, "lesson_id": lesson_id, "source": source, "delivered_at": now, "shown_at": now,
        "shown_as": source, "opens": 0})


def _given(insert_of):
    """The record of a lesson given, inserted, or its ``shown_at`` and ``shown_as`` moved when
    the member has it."""
    given = insert_of(_RECORDS).inline()
    return given.on_conflict_do_update(index_elements=["member_id", "lesson_id"],
                                       set_={"shown_at": given.excluded.shown_at,
                                             "shown_as": given.excluded.shown_as})


# By dialect: each has its own INSERT … ON CONFLICT; run on the driver (学习 is among the
# commonest messages).
_GIVEN = {name: DriverStatement(_given(insert_of), {"member_id": 0, "lesson_id": 0, "source": "", "delivered_at": None,
                                                    "shown_at": None, "shown_as": "", "opens": 0})
          for name, insert_of in (("sqlite", sqlite.insert), ("postgresql", postgresql.insert))}


def lesson_delivered(session: Session, outcome: Outcome) -> None:
    """Reaction to a pushed lesson that WeChat accepted (``models.delivery.events``): record it
    (source ``schedule``) at the time it was accepted."""
    if outcome.member_id is not None and isinstance(outcome.payload, LessonPush):
        record_delivery(session, outcome.member_id, outcome.payload.lesson_id, "schedule", outcome.at)


def lesson_message(lesson: Lesson) -> LessonPush:
    """The outbox payload for pushing ``lesson``: one news (图文) article, the form a
    customer-service news message takes (WeChat allows one article per kf news message)."""
    description = f"【{CATEGORY_NAMES[lesson.category]}】{lesson.summary}".strip()
    return LessonPush(lesson.id, Article(lesson.title, description, lesson.url))
