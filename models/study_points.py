"""Study points (学习积分): what opening a lesson earns, within a daily cap.

The rule: ``points.rules.study`` per lesson, the first time the member opens it through its
reading link (``bot.reading`` calls :func:`award_study_points` on a first opening); at most
``points.daily_cap.study`` in a day (Beijing time), so opening a month of lessons in one sitting
earns one day's points, and ``points.monthly_cap.study`` in a month when set. The points are an
entry in the points ledger (``models.points``) whose source is the lesson: a lesson earns a
member once, however often it is opened. 我的积分 and the study report read the ledger.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from models.points import award
from models.settings import PointsSettings

RULE = "study"
# The source of a study entry: the lesson opened (lessons.id).
SOURCE_KIND = "lesson"


def award_study_points(session: Session, member_id: int, lesson_id: int, now: dt.datetime,
                       points: PointsSettings) -> int:
    """The hook of ``member_id``'s first opening of ``lesson_id`` at ``now``: the study rule's
    points, cut down to the day's (and month's) cap, as a ledger entry. Returns the points
    awarded (0 once a cap is reached, or when the rule earns nothing). The caller commits."""
    return award(session, member_id, RULE, SOURCE_KIND, lesson_id, now, points=points)
