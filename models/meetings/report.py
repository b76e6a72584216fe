"""Each meeting's attendance for branch staff (``kiteline report meetings``, ``kiteline meeting
list``): who checked in and when, who is on leave and why, who was absent (see
``models.meetings.record`` for when a member counts as absent)."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.meetings.meeting import Attendance, Meeting
from models.meetings.record import absence_counts
from models.meetings.schedule import not_over
from models.meetings.wording import clock_time, day_and_time, named, where
from models.member import Member


@dataclass
class MeetingAttendance:
    """One meeting: ``attended`` (name, checked in at), ``leave`` (name, reason), ``absent``
    (names; ``None`` while the meeting is not over, or for one entered after it started);
    ``over``: its check-in has closed."""

    meeting: Meeting
    over: bool = False
    attended: list[tuple[str, dt.datetime]] = field(default_factory=list)
    leave: list[tuple[str, str | None]] = field(default_factory=list)
    absent: list[str] | None = None

    def lines(self, *, codes: bool = True) -> list[str]:
        """The meeting and its attendance as staff read it, Beijing time."""
        m = self.meeting
        head = f"{day_and_time(m.starts_at)} {m.org.name} {named(m)}" + (f" 签到码 {m.code}" if codes else "")
        counts = f"签到 {len(self.attended)} 人，请假 {len(self.leave)} 人"
        if self.absent is not None:
            counts += f"，缺席 {len(self.absent)} 人"
        else:
            counts += "（会后录入，不统计缺席）" if self.over else "（签到未结束）"
        lines = [head, "  " + "；".join(where(m)), f"  {counts}"]
        if self.attended:
            lines.append("  签到：" + "、".join(f"{name}（{clock_time(at)}）" for name, at in self.attended))
        if self.leave:
            lines.append("  请假：" + "、".join(f"{name}（{reason or '未说明原因'}）" for name, reason in self.leave))
        if self.absent:
            lines.append("  缺席：" + "、".join(self.absent))
        return lines


def attendance_of_meetings(session: Session, meetings: list[Meeting], now: dt.datetime) -> list[MeetingAttendance]:
    """:class:`MeetingAttendance` of each of ``meetings``, in their order: three statements."""
    ids = [m.id for m in meetings]
    rows = session.execute(select(Attendance, Member.name).join(Member, Member.id == Attendance.member_id)
                           .where(Attendance.meeting_id.in_(ids)).order_by(Attendance.checked_in_at, Attendance.id)
                           ).all() if ids else []
    by_meeting: dict[int, list[tuple[Attendance, str]]] = defaultdict(list)
    for attendance, name in rows:
        by_meeting[attendance.meeting_id].append((attendance, name))
    orgs = {m.org_id for m in meetings}
    members: dict[int, list[tuple[int, str]]] = defaultdict(list)
    if orgs:
        for member_id, name, org_id in session.execute(select(Member.id, Member.name, Member.branch_id)
                                                       .where(Member.branch_id.in_(orgs)).order_by(Member.id)):
            members[org_id].append((member_id, name))
    result = []
    for meeting in meetings:
        one = MeetingAttendance(meeting, over=meeting.checkin_closes_at < now)
        recorded = set()
        for attendance, name in by_meeting[meeting.id]:
            recorded.add(attendance.member_id)
            if attendance.status == "attended":
                one.attended.append((name, attendance.checked_in_at))
            else:
                one.leave.append((name, attendance.leave_reason))
        if absence_counts(meeting, now):
            one.absent = [name for member_id, name in members[meeting.org_id] if member_id not in recorded]
        result.append(one)
    return result


def meetings_between(session: Session, org_ids: set[int] | None, start: dt.datetime, end: dt.datetime) -> list[Meeting]:
    """Meetings starting in ``[start, end)`` of the organisations ``org_ids`` (all: ``None``), in time order."""
    query = select(Meeting).where(Meeting.starts_at >= start, Meeting.starts_at < end)
    if org_ids is not None:
        query = query.where(Meeting.org_id.in_(org_ids))
    return list(session.scalars(query.order_by(Meeting.starts_at, Meeting.id)))


def upcoming_meetings(session: Session, org_ids: set[int] | None, now: dt.datetime) -> list[Meeting]:
    """Meetings not over at ``now`` of the organisations ``org_ids`` (all: ``None``), in time order."""
    query = select(Meeting).where(not_over(now))
    if org_ids is not None:
        query = query.where(Meeting.org_id.in_(org_ids))
    return list(session.scalars(query.order_by(Meeting.starts_at, Meeting.id)))
