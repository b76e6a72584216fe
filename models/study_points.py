"""Study points (学习积分): what opening a lesson earns, within a daily cap.

kiteline keeps no points ledger yet (the branch keeps points; the member file shows 积分查询 as
not kept). Until one exists, a lesson's points are kept on its study record
(``StudyRecord.points``), set once, by :func:`award_study_points` — the one hook a first opening
of a reading link calls (``bot.reading``). When a ledger lands, this function writes its entry
there as well, and nothing else changes. Meanwhile 我的积分 reads :func:`study_points` and the
study report sums the records.

The rule: ``points.rules.study`` per lesson, the first time the member opens it; at most
``points.daily_cap.study`` in a day (Beijing time), so opening a month of lessons in one sitting
earns one day's points. Two lessons first opened in the same instant may both be awarded
against the same day's total (no lock is taken for a point).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from models.lesson import StudyRecord
from models.settings import PointsSettings
from models.study import day_start


def award_study_points(session: Session, record_id: int, member_id: int, now: dt.datetime,
                       points: PointsSettings) -> int:
    """The hook of a member's first opening of a lesson (study record ``record_id``) at
    ``now``: award ``points.rules.study`` (none when the rule is absent), cut down so the points
    of lessons first opened today (Beijing time) stay within ``points.daily_cap.study``; record
    them on the study record. Returns the points awarded (0 once the cap is reached). The caller
    commits."""
    rule, cap = points.rules.get("study", 0), points.daily_cap["study"]
    if rule <= 0:
        return 0
    today = session.scalar(select(func.coalesce(func.sum(StudyRecord.points), 0)).where(
        StudyRecord.member_id == member_id, StudyRecord.opened_at >= day_start(now), StudyRecord.id != record_id))
    award = max(0, min(rule, cap - today))
    if award:
        session.execute(update(StudyRecord).where(StudyRecord.id == record_id).values(points=award))
    return award


# 我的积分 runs it: built once, on the table (building it cost more than running it).
_R = StudyRecord.__table__.c
_EARNED = select(func.coalesce(func.sum(_R.points), 0)).where(
    _R.member_id == bindparam("member"), _R.opened_at >= bindparam("since"), _R.opened_at < bindparam("until"))


def study_points(session: Session, member_id: int, since: dt.datetime, until: dt.datetime) -> int:
    """The study points ``member_id`` earned by lessons first opened in [``since``, ``until``)."""
    return session.scalar(_EARNED, {"member": member_id, "since": since, "until": until})
