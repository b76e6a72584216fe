"""The demo district's organisational life (组织生活) for ``serve --demo``: an upcoming meeting per
branch with a fixed check-in code, and one past 主题党日 of the first branch with who checked in
and who asked for leave — so 下次组织生活什么时候, 签到, 我的档案 and ``kiteline report meetings``
have something to show. Everything is invented (example.invalid links)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.clock import SHANGHAI
from models.meetings import Attendance, Meeting
from models.meetings.attendance import RULE, SOURCE
from models.meetings.schedule import add_meeting
from models.meetings.wording import day_and_time, named
from models.member import Member
from models.org import Organization
from models.points import award
from models.settings import OrgLifeSettings, PointsSettings

DEMO_BY = "示例数据"
# Per branch, in the demo's order: (kind, title, days ahead, hour, minute, code).
UPCOMING = [
    ("theme_day", "学习贯彻党的二十届三中全会精神", 14, 19, 30, "4821"),
    ("lesson", "在外不忘初心——流动党员讲党课", 15, 20, 0, "5937"),
    ("branch_assembly", "年度党员大会", 16, 19, 0, "6042"),
    ("life_meeting", "年度组织生活会暨民主评议党员", 17, 20, 0, "7315"),
]
PAST = ("theme_day", "重温入党誓词", 10, "1357")
# Of the first branch's mobile members at the past meeting: how many checked in (the first ones),
# then one on leave; the rest were absent.
ATTENDED, ON_LEAVE_REASON = 5, "在外地加班，线上信号不好"


def load_meetings(session: Session, branches: list[Organization], now: dt.datetime, org_life: OrgLifeSettings,
                  points: PointsSettings) -> list[Meeting]:
    """Add the demo's meetings (no notices: the demo's members bind later and ask); returns the
    upcoming ones, branch by branch."""
    today = now.astimezone(SHANGHAI).date()
    upcoming = []
    for branch, (kind, title, days, hour, minute, code) in zip(branches, UPCOMING):
        start = dt.datetime.combine(today + dt.timedelta(days=days), dt.time(hour, minute), tzinfo=SHANGHAI)
        village = branch.name.removesuffix("党支部")
        meeting = add_meeting(session, org_id=branch.id, kind=kind, title=title, starts_at=start.astimezone(dt.UTC),
                              place=f"{village}党群服务中心二楼会议室",
                              # the room's number, never the check-in code: the link goes to every member
                              link=f"https://meeting.example.invalid/j/{branch.id:03d}{days:02d}",
                              code=code, created_by=DEMO_BY,
                              now=now, org_life=org_life)
        upcoming.append(meeting)
    _past(session, branches[0], now, org_life, points)
    return upcoming


def _past(session: Session, branch: Organization, now: dt.datetime, org_life: OrgLifeSettings,
          points: PointsSettings) -> None:
    kind, title, days_ago, code = PAST
    day = now.astimezone(SHANGHAI).date() - dt.timedelta(days=days_ago)
    start = dt.datetime.combine(day, dt.time(19, 30), tzinfo=SHANGHAI).astimezone(dt.UTC)
    meeting = add_meeting(session, org_id=branch.id, kind=kind, title=title, starts_at=start, place="村委会二楼会议室",
                          link=None, code=code, created_by=DEMO_BY, now=start - dt.timedelta(days=7), org_life=org_life)
    away = session.scalars(select(Member).where(Member.branch_id == branch.id, Member.status == "away")
                           .order_by(Member.id)).all()
    for n, member in enumerate(away[:ATTENDED]):
        at = start + dt.timedelta(minutes=2 + n)
        session.add(Attendance(meeting_id=meeting.id, member_id=member.id, status="attended", checked_in_at=at))
        award(session, member.id, RULE, SOURCE, meeting.id, at, points=points)
    session.add(Attendance(meeting_id=meeting.id, member_id=away[ATTENDED].id, status="leave",
                           leave_at=start - dt.timedelta(days=1), leave_reason=ON_LEAVE_REASON))


def instructions(chat: str, base_url: str, meetings: list[Meeting], org_life: OrgLifeSettings) -> list[str]:
    """What ``serve --demo`` prints about organisational life: each branch's next meeting and
    code, and what to try — the first meeting's check-in after moving the sandbox clock."""
    first = meetings[0]
    before = (first.starts_at - dt.timedelta(minutes=10)).astimezone(SHANGHAI)
    return [f"  组织生活（签到码由主持人在会上公布；开始前{org_life.checkin_before_minutes}分钟到开始后"
            f"{org_life.checkin_after_minutes}分钟可签到）：",
            *(f"    {m.org.name} {day_and_time(m.starts_at)} {named(m)}：签到码 {m.code}" for m in meetings),
            f"    {chat} \"下次组织生活什么时候\"；{chat} \"请假 家里有事\"；{chat} \"我的档案\"",
            f"    会前签到：curl -X POST {base_url}/sandbox/clock -d '{{\"set\": \"{before:%Y-%m-%dT%H:%M}\"}}'，"
            f"再 {chat} \"签到 {first.code}\"",
            "    支部书记看会议和请假：kiteline meeting list；签到情况：kiteline report meetings"]
