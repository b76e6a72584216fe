"""Adding a branch's meetings and finding them: the check-in window around a start, the 4-digit
codes of meetings not yet over (unique among them, generated when not given), the next meetings
of a branch, the meetings a code may name.

A meeting is *over* once its check-in has closed (``org_life.checkin_after_minutes`` after the
start, as config said when the start was set: ``Meeting.checkin_closes_at``); until then it is
*upcoming* — a member may still check in or ask for leave.
"""
from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from models.clock import SHANGHAI
from models.hanzi import book_title
from models.ledger import CellError
from models.meetings.meeting import KIND_NAMES, Meeting
from models.settings import OrgLifeSettings

# How many tries at a random code before giving up: 9,000 codes, a district's upcoming meetings
# are a few hundred at most.
CODE_TRIES = 200


@dataclass(frozen=True)
class Window:
    """When check-in for a meeting is open: ``[opens, closes]``, aware UTC."""

    opens: dt.datetime
    closes: dt.datetime

    def holds(self, now: dt.datetime) -> bool:
        """Whether check-in is open at ``now``."""
        return self.opens <= now <= self.closes


def window(meeting: Meeting) -> Window:
    """The check-in window of ``meeting``."""
    return Window(meeting.checkin_opens_at, meeting.checkin_closes_at)


def set_start(meeting: Meeting, starts_at: dt.datetime, org_life: OrgLifeSettings) -> None:
    """Give ``meeting`` the start ``starts_at`` (aware), its Beijing day and the check-in window
    ``org_life`` sets around it."""
    meeting.starts_at, meeting.held_on = starts_at, starts_at.astimezone(SHANGHAI).date()
    meeting.checkin_opens_at = starts_at - org_life.opens
    meeting.checkin_closes_at = starts_at + org_life.closes


def not_over(now: dt.datetime) -> ColumnElement[bool]:
    """SQL: the meeting's check-in has not closed at ``now``."""
    return Meeting.checkin_closes_at >= now


def codes_in_use(session: Session, now: dt.datetime, but: int | None = None) -> set[str]:
    """The codes of meetings not over at ``now`` (but the meeting ``but``)."""
    query = select(Meeting.code).where(not_over(now))
    if but is not None:
        query = query.where(Meeting.id != but)
    return set(session.scalars(query))


def new_code(taken: set[str]) -> str:
    """A random 4-digit code (1000-9999) not in ``taken``. Raises ``RuntimeError`` when none is
    found in :data:`CODE_TRIES` tries (thousands of upcoming meetings)."""
    for _ in range(CODE_TRIES):
        code = str(1000 + secrets.randbelow(9000))
        if code not in taken:
            return code
    raise RuntimeError("no free check-in code: too many upcoming meetings")


def check_code(code: str, taken: set[str]) -> str:
    """``code`` when no upcoming meeting uses it; else :class:`CellError`."""
    if code in taken:
        raise CellError(f"签到码 {code} 已被另一个还没开完的会议使用，请换一个（不填则自动生成）")
    return code


def same_day(session: Session, org_id: int, kind: str, starts_at: dt.datetime) -> Meeting | None:
    """The branch's meeting of ``kind`` on the Beijing day of ``starts_at``, if any (a branch
    holds one meeting of a kind a day: the key an import updates by)."""
    return session.scalar(select(Meeting).where(Meeting.org_id == org_id, Meeting.kind == kind,
                                                Meeting.held_on == starts_at.astimezone(SHANGHAI).date()))


def add_meeting(session: Session, *, org_id: int, kind: str, title: str, starts_at: dt.datetime,
                place: str | None, link: str | None, code: str | None, created_by: str, now: dt.datetime,
                org_life: OrgLifeSettings, reserved: set[str] = frozenset()) -> Meeting:
    """Add a meeting of branch ``org_id`` (fields as ``models.meetings.fields`` reads them);
    ``code`` ``None``: one is generated, none of ``reserved`` (codes a file gives later rows).
    Raises :class:`CellError` when the branch already has a meeting of that kind that day, or
    the code is taken by another meeting not yet over (a meeting already over may share one).
    The caller queues the notices (``models.meetings.notices``) and commits."""
    earlier = same_day(session, org_id, kind, starts_at)
    if earlier is not None:
        raise CellError(f"{earlier.local_start.month}月{earlier.local_start.day}日已有一个{KIND_NAMES[kind]}"
                        f"（{book_title(earlier.title)}，签到码 {earlier.code}），没有重复添加；"
                        "要改时间地点请用 kiteline import meetings")
    taken = codes_in_use(session, now)
    meeting = Meeting(org_id=org_id, kind=kind, title=title, place=place, link=link, created_by=created_by,
                      created_at=now, notice_version=1)
    set_start(meeting, starts_at, org_life)
    if code and meeting.checkin_closes_at >= now:
        check_code(code, taken)
    meeting.code = code or new_code(taken | reserved)
    session.add(meeting)
    session.flush()
    return meeting


def upcoming(session: Session, org_id: int, now: dt.datetime, limit: int = 3) -> list[Meeting]:
    """Branch ``org_id``'s meetings not over at ``now``, soonest first, at most ``limit``."""
    return list(session.scalars(select(Meeting).where(Meeting.org_id == org_id, not_over(now))
                                .order_by(Meeting.starts_at, Meeting.id).limit(limit)))


def with_code(session: Session, code: str) -> list[Meeting]:
    """Every meeting given ``code`` (a code is reused once its meeting is over), newest first."""
    return list(session.scalars(select(Meeting).where(Meeting.code == code)
                                .order_by(Meeting.starts_at.desc(), Meeting.id.desc())))

