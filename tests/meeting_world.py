"""The world of the organisational-life tests: 白杨村党支部 (secretary 王某, members 张某 and 李某)
and 红星村党支部 (member 赵某) in 红柳镇, all bound; a 主题党日 of 白杨村 on Tuesday 1 December 2026
at 19:30 Beijing time with code 4821, and a 党课 of 红星村 the same evening with code 7305."""
from __future__ import annotations

import datetime as dt

from models.clock import SHANGHAI
from models.meetings.notices import queue_notices
from models.meetings.schedule import add_meeting
from models.settings import OrgLifeSettings
from tests.conftest import START
from tests.factories import make_branch, make_member

MEMBER, OTHER, FAR, SECRETARY = "oKite_member_0001", "oKite_member_0002", "oKite_member_0003", "oKite_secretary_0001"
TITLE = "学习贯彻党的二十届三中全会精神"


def bj(month: int, day: int, hour: int = 9, minute: int = 0, year: int = 2026) -> dt.datetime:
    """A Beijing time as aware UTC."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI).astimezone(dt.UTC)


def people(session):
    """The two branches and their bound members; returns 张某."""
    branch = make_branch(session)
    branch.secretary_name, branch.secretary_phone = "王某", "13700000001"
    other = make_branch(session, name="红星村党支部")
    other.parent = branch.parent
    make_member(session, branch, name="王某", phone="13700000001", openid=SECRETARY, status="home")
    zhang = make_member(session, branch, name="张某", phone="13800001234", openid=MEMBER)
    make_member(session, branch, name="李某", phone="13800001235", openid=OTHER)
    make_member(session, other, name="赵某", phone="13800001236", openid=FAR)
    session.flush()
    return zhang


def meeting(session, org_id: int, *, kind: str = "theme_day", title: str = TITLE, start: dt.datetime | None = None,
            code: str | None = "4821", place: str | None = "村委会二楼会议室",
            link: str | None = "https://meeting.example.invalid/j/123456", now: dt.datetime = START,
            org_life: OrgLifeSettings | None = None, notify: bool = True):
    """Add a meeting as ``kiteline meeting add`` does (and queue its notice)."""
    added = add_meeting(session, org_id=org_id, kind=kind, title=title, starts_at=start or bj(12, 1, 19, 30),
                        place=place, link=link, code=code, created_by="测试", now=now,
                        org_life=org_life or OrgLifeSettings())
    if notify:
        queue_notices(session, added, now)
    return added
