"""What one member has studied: the lessons they were given in order, the one they are on, a
finish they say (我学完了), and this month's count — for chat (上一课, 往期, 学完了, 我的学习记录)
and the member file (我的档案).

The lesson a member is on is the one last put in front of them (``StudyRecord.shown_at``): a
delivery, or a lesson opened again from their history. Their history is in the order lessons were
given (``delivered_at``), so stepping back (上一课) moves what they are on without changing it.
Months and days are Beijing time, the ones members count in.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Row, and_, func, or_, select, update
from sqlalchemy.orm import Session

from models.clock import SHANGHAI
from models.lesson import Lesson, StudyRecord

# A lesson shown this long ago is still the one a 我学完了 is about, across midnight (read at
# 23:50, finished at 00:20).
STILL_CURRENT = dt.timedelta(hours=12)


@dataclass(frozen=True)
class Given:
    """One lesson a member was given: ``lesson`` (a read-only row: ``id``, ``title``,
    ``category``, ``summary``, ``url``), its ``StudyRecord`` id and ``source``, and when it was
    delivered, last shown, opened (by its link) and finished (``None``: not yet); ``shown_as``:
    how it was last delivered (a source; ``CATEGORY_SOURCE`` when by category)."""

    lesson: Row
    record_id: int
    source: str
    delivered_at: dt.datetime
    shown_at: dt.datetime
    opened_at: dt.datetime | None
    completed_at: dt.datetime | None
    shown_as: str = ""


@dataclass(frozen=True)
class MonthStudy:
    """A member's study in one calendar month (Beijing time): lessons ``received`` (delivered
    that month), ``completed`` and ``opened`` that month, and the ``last`` lesson given to them
    (of any month; ``None``: never any)."""

    received: int
    completed: int
    opened: int
    last: Given | None


_R, _L = StudyRecord.__table__.c, Lesson.__table__.c
_SHOWN = func.coalesce(_R.shown_at, _R.delivered_at)
_GIVEN = (select(_L.id, _L.title, _L.category, _L.summary, _L.url, _R.id.label("record_id"), _R.source,
                 _R.delivered_at, _SHOWN.label("shown_at"), _R.opened_at, _R.completed_at,
                 func.coalesce(_R.shown_as, _R.source).label("shown_as"))
          .join(Lesson.__table__, _L.id == _R.lesson_id))


def _given(row: Row) -> Given:
    return Given(row, row.record_id, row.source, row.delivered_at, row.shown_at, row.opened_at, row.completed_at,
                 row.shown_as)


def history(session: Session, member_id: int, limit: int) -> list[Given]:
    """The ``limit`` lessons last given to ``member_id``, newest first."""
    rows = session.execute(_GIVEN.where(_R.member_id == member_id)
                           .order_by(_R.delivered_at.desc(), _R.id.desc()).limit(limit))
    return [_given(row) for row in rows]


def given(session: Session, member_id: int, lesson_ids: list[int]) -> dict[int, Given]:
    """lesson id -> :class:`Given`, for those of ``lesson_ids`` the member was given."""
    rows = session.execute(_GIVEN.where(_R.member_id == member_id, _R.lesson_id.in_(lesson_ids)))
    return {row.id: _given(row) for row in rows}


def current(session: Session, member_id: int) -> Given | None:
    """The lesson ``member_id`` is on: the one last shown to them; ``None`` when none ever was."""
    row = session.execute(_GIVEN.where(_R.member_id == member_id)
                          .order_by(_SHOWN.desc(), _R.id.desc()).limit(1)).first()
    return _given(row) if row is not None else None


def recent(lesson: Given | None, now: dt.datetime) -> bool:
    """``lesson`` was shown today (Beijing time) or within :data:`STILL_CURRENT`."""
    if lesson is None:
        return False
    local = now.astimezone(SHANGHAI)
    midnight = dt.datetime.combine(local.date(), dt.time(), tzinfo=SHANGHAI)
    return lesson.shown_at >= min(midnight, now - STILL_CURRENT)


def beside(session: Session, member_id: int, lesson: Given, later: bool,
           category: str | None = None) -> Given | None:
    """The lesson (of ``category``, if given) given to ``member_id`` right after (``later``) or
    right before ``lesson``, in the order they were given; ``None`` at either end."""
    at, rid = lesson.delivered_at, lesson.record_id
    if later:
        where = or_(_R.delivered_at > at, and_(_R.delivered_at == at, _R.id > rid))
        order = (_R.delivered_at, _R.id)
    else:
        where = or_(_R.delivered_at < at, and_(_R.delivered_at == at, _R.id < rid))
        order = (_R.delivered_at.desc(), _R.id.desc())
    if category is not None:
        where = and_(where, _L.category == category)
    row = session.execute(_GIVEN.where(_R.member_id == member_id, where).order_by(*order).limit(1)).first()
    return _given(row) if row is not None else None


def show(session: Session, lesson: Given, now: dt.datetime) -> None:
    """``lesson`` (one of the member's) is in front of them again: it becomes the one they are on."""
    session.execute(update(StudyRecord).where(StudyRecord.id == lesson.record_id).values(shown_at=now))


def finished(lesson: Given) -> bool:
    """The member said they finished ``lesson`` (我学完了) since it was last delivered to them."""
    return lesson.completed_at is not None and lesson.completed_at >= lesson.delivered_at


def complete(session: Session, lesson: Given, now: dt.datetime) -> bool:
    """Record that the member finished ``lesson`` (我学完了) at ``now``. Returns ``False`` when it
    was already recorded finished since it was last delivered (the first finish is kept)."""
    if finished(lesson):
        return False
    session.execute(update(StudyRecord).where(StudyRecord.id == lesson.record_id).values(completed_at=now))
    return True


def month_start(now: dt.datetime) -> dt.datetime:
    """The first instant of ``now``'s calendar month in Beijing time, as aware UTC."""
    local = now.astimezone(SHANGHAI)
    return dt.datetime(local.year, local.month, 1, tzinfo=SHANGHAI).astimezone(dt.UTC)


def month_study(session: Session, member_id: int, now: dt.datetime) -> MonthStudy:
    """``member_id``'s study in the calendar month of ``now`` (see :class:`MonthStudy`)."""
    since = month_start(now)
    received, completed, opened = session.execute(
        select(func.count(_R.delivered_at).filter(_R.delivered_at >= since),
               func.count(_R.completed_at).filter(_R.completed_at >= since),
               func.count(_R.opened_at).filter(_R.opened_at >= since))
        .where(_R.member_id == member_id)).one()
    last = history(session, member_id, 1)
    return MonthStudy(received, completed, opened, last[0] if last else None)
