"""A member checking in (签到) with a meeting's code, and asking for leave (请假) from the next
meeting of their branch: the rules, and what is stored. Handlers word the outcome.

A code names the meeting of the member's own branch that has it — the one whose check-in is
open, else the next one, else the latest past one; a code only another branch's meeting has is
not the member's to use, and nothing is stored. Check-in is open within the window around the
start (``Meeting.checkin_opens_at`` / ``checkin_closes_at``), once per member and meeting, and earns the ``org_life`` points rule.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models.meetings.meeting import Attendance, Meeting
from models.meetings.notices import drop_answered, queue_leave_notice
from models.meetings.schedule import upcoming, window, with_code
from models.member import Member
from models.points import award
from models.settings import PointsSettings

RULE, SOURCE = "org_life", "meeting"
REASON_LIMIT = 200


class CheckInOutcome(StrEnum):
    """How a check-in ended."""

    CHECKED_IN = "checked_in"
    ALREADY = "already"
    TOO_EARLY = "too_early"
    TOO_LATE = "too_late"
    OTHER_BRANCH = "other_branch"
    UNKNOWN_CODE = "unknown_code"


@dataclass(frozen=True)
class CheckIn:
    """``outcome``; the meeting the code named (``None`` for an unknown code or another
    branch's); the member's attendance (checked in now or before); ``points`` earned now."""

    outcome: CheckInOutcome
    meeting: Meeting | None = None
    attendance: Attendance | None = None
    points: int = 0


def attendance_of(session: Session, meeting_id: int, member_id: int) -> Attendance | None:
    """The member's attendance row at the meeting, if any."""
    return session.scalar(select(Attendance).where(Attendance.meeting_id == meeting_id,
                                                   Attendance.member_id == member_id))


def _meeting_for(meetings: list[Meeting], now: dt.datetime) -> Meeting:
    """Of one branch's meetings with a code (newest first): check-in open, else the next, else the latest."""
    open_now = [m for m in meetings if window(m).holds(now)]
    later = [m for m in meetings if m.starts_at > now]
    return (open_now or later[-1:] or meetings)[0]


def check_in(session: Session, member: Member, code: str, now: dt.datetime, points: PointsSettings) -> CheckIn:
    """Check ``member`` in with ``code`` (4 digits) at ``now``; see the module's rules. The
    caller commits."""
    meetings = with_code(session, code)
    own = [m for m in meetings if m.org_id == member.branch_id]
    if not own:
        return CheckIn(CheckInOutcome.OTHER_BRANCH if meetings else CheckInOutcome.UNKNOWN_CODE)
    meeting = _meeting_for(own, now)
    attendance = attendance_of(session, meeting.id, member.id)
    if attendance is not None and attendance.status == "attended":
        return CheckIn(CheckInOutcome.ALREADY, meeting, attendance)
    open_for = window(meeting)
    if now < open_for.opens:
        return CheckIn(CheckInOutcome.TOO_EARLY, meeting, attendance)
    if now > open_for.closes:
        return CheckIn(CheckInOutcome.TOO_LATE, meeting, attendance)
    attendance = _record(session, meeting, member, attendance, status="attended", checked_in_at=now)
    if attendance.checked_in_at != now:  # checked in a moment ago from another message
        return CheckIn(CheckInOutcome.ALREADY, meeting, attendance)
    earned = award(session, member.id, RULE, SOURCE, meeting.id, now, points=points)
    drop_answered(session, meeting, member.id)
    return CheckIn(CheckInOutcome.CHECKED_IN, meeting, attendance, earned)


def _record(session: Session, meeting: Meeting, member: Member, attendance: Attendance | None,
            **values) -> Attendance:
    """Write ``values`` on the member's attendance at ``meeting``, adding the row when there is
    none; when another message added it meanwhile (the unique pair), that row is returned as it is."""
    if attendance is not None:
        for name, value in values.items():
            setattr(attendance, name, value)
        session.flush()
        return attendance
    row = Attendance(meeting_id=meeting.id, member_id=member.id, meeting=meeting, member=member, **values)
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return attendance_of(session, meeting.id, member.id)
    return row


class LeaveOutcome(StrEnum):
    """How a request for leave ended."""

    RECORDED = "recorded"
    UPDATED = "updated"
    ATTENDED = "attended"
    NO_MEETING = "no_meeting"


@dataclass(frozen=True)
class Leave:
    """``outcome``; the meeting (``None``: none upcoming); whether the secretary was told."""

    outcome: LeaveOutcome
    meeting: Meeting | None = None
    secretary_told: bool = False


def ask_leave(session: Session, member: Member, reason: str | None, now: dt.datetime) -> Leave:
    """Record ``member``'s leave from their branch's next meeting not over at ``now``, with
    ``reason`` (cut to :data:`REASON_LIMIT` characters); a second request updates the reason.
    The branch secretary is told of a new one. The caller commits."""
    meetings = upcoming(session, member.branch_id, now, limit=1)
    if not meetings:
        return Leave(LeaveOutcome.NO_MEETING)
    meeting = meetings[0]
    attendance = attendance_of(session, meeting.id, member.id)
    if attendance is not None and attendance.status == "attended":
        return Leave(LeaveOutcome.ATTENDED, meeting)
    asked = attendance is not None
    reason = (reason or "")[:REASON_LIMIT] or None
    attendance = _record(session, meeting, member, attendance, status="leave", leave_at=now, leave_reason=reason)
    if attendance.status != "leave":  # checked in from another message meanwhile
        return Leave(LeaveOutcome.ATTENDED, meeting)
    drop_answered(session, meeting, member.id)
    if asked:
        return Leave(LeaveOutcome.UPDATED, meeting)
    return Leave(LeaveOutcome.RECORDED, meeting, queue_leave_notice(session, attendance, now))
