"""Attendance as records: a member's year (我的档案, the ledger export's 组织生活 column) and each
meeting's attended / leave / absent (``kiteline report meetings``).

*Absent* (缺席): a member of the branch with neither a check-in nor leave at a meeting that is
over and was announced through kiteline — added before it started. A meeting entered afterwards
(a branch importing the year's past meetings) has only the records it has: nobody is counted
absent from it.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import Session

from models.clock import SHANGHAI
from models.meetings.meeting import Attendance, Meeting
from models.meetings.schedule import upcoming
from models.meetings.wording import day_and_time, named
from models.member import Member


def year_bounds(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """``[start, end)`` of the Beijing calendar year of ``now``, aware UTC."""
    year = now.astimezone(SHANGHAI).year
    return (dt.datetime(year, 1, 1, tzinfo=SHANGHAI).astimezone(dt.UTC),
            dt.datetime(year + 1, 1, 1, tzinfo=SHANGHAI).astimezone(dt.UTC))


def counts_absence(now: dt.datetime) -> ColumnElement[bool]:
    """SQL: the meeting is over at ``now`` and was added before it started."""
    return and_(Meeting.checkin_closes_at < now, Meeting.created_at <= Meeting.starts_at)


def absence_counts(meeting: Meeting, now: dt.datetime) -> bool:
    """:func:`counts_absence` for one meeting in hand."""
    return meeting.checkin_closes_at < now and meeting.created_at <= meeting.starts_at


@dataclass(frozen=True)
class Year:
    """A member's meetings in a Beijing calendar year: ``attended``, ``leave`` (at meetings
    over), ``absent``."""

    attended: int = 0
    leave: int = 0
    absent: int = 0

    def cell(self) -> str | None:
        """``今年参加3次，请假1次，缺席1次`` (zero leave or absence left out); ``None`` for a year
        with no meeting at all."""
        if not (self.attended or self.leave or self.absent):
            return None
        parts = [f"今年参加{self.attended}次"] + [f"{word}{n}次" for word, n in (("请假", self.leave),
                                                                          ("缺席", self.absent)) if n]
        return "，".join(parts)


def year_columns(now: dt.datetime):
    """Two subqueries for the year of ``now``: per member (``member_id``) ``attended``,
    ``leave`` and ``recorded`` (attendance rows at meetings counting absence), and per branch
    (``org_id``) ``held`` (meetings counting absence). A member's absences are ``held -
    recorded`` of their branch; one statement per export, not one per member."""
    start, end = year_bounds(now)
    in_year = and_(Meeting.starts_at >= start, Meeting.starts_at < end)
    over = Meeting.checkin_closes_at < now
    counted = counts_absence(now)
    mine = (select(Attendance.member_id,
                   func.sum(case((Attendance.status == "attended", 1), else_=0)).label("attended"),
                   func.sum(case((and_(Attendance.status == "leave", over), 1), else_=0)).label("leave"),
                   func.sum(case((counted, 1), else_=0)).label("recorded"))
            .join(Meeting, Meeting.id == Attendance.meeting_id).where(in_year)
            .group_by(Attendance.member_id).subquery())
    held = (select(Meeting.org_id, func.count().label("held")).where(in_year, counted)
            .group_by(Meeting.org_id).subquery())
    return mine, held


def year_of(session: Session, member: Member, now: dt.datetime) -> Year:
    """``member``'s :class:`Year` for the Beijing year of ``now``."""
    mine, held = year_columns(now)
    row = session.execute(select(mine.c.attended, mine.c.leave, mine.c.recorded)
                          .where(mine.c.member_id == member.id)).first()
    held_count = session.scalar(select(held.c.held).where(held.c.org_id == member.branch_id)) or 0
    attended, leave, recorded = (int(v or 0) for v in row) if row else (0, 0, 0)
    return Year(attended, leave, max(held_count - recorded, 0))


def year_cell(attended: int | None, leave: int | None, recorded: int | None, held: int | None) -> str | None:
    """The ledger export's 组织生活 cell from :func:`year_columns`' values (``None``: no row)."""
    return Year(int(attended or 0), int(leave or 0), max(int(held or 0) - int(recorded or 0), 0)).cell()


def file_lines(session: Session, member: Member, now: dt.datetime) -> list[str]:
    """The member file's 组织生活 section: this year's meetings attended, on leave and missed,
    and the branch's next meeting not yet started (nor checked in to: check-in opens before the
    start)."""
    year = year_of(session, member, now).cell() or "今年还没有组织生活记录"
    soon = [m for m in upcoming(session, member.branch_id, now, limit=3) if m.starts_at > now]
    attended = set(session.scalars(select(Attendance.meeting_id).where(
        Attendance.member_id == member.id, Attendance.status == "attended",
        Attendance.meeting_id.in_([m.id for m in soon])))) if soon else set()
    coming = [m for m in soon if m.id not in attended][:1]
    if not coming:
        return [year]
    meeting = coming[0]
    return [f"{year}；下次：{day_and_time(meeting.starts_at, now)} {named(meeting)}（发“开会”看地点和签到办法）"]
