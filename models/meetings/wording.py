"""How a meeting reads to members and staff: its time in Beijing time, where it is, and how to
check in and ask for leave — one wording for the notice, the reminder and the chat answers."""
from __future__ import annotations

import datetime as dt

from models.clock import SHANGHAI
from models.hanzi import book_title
from models.meetings.meeting import Meeting

WEEKDAYS = "一二三四五六日"
CHECKIN_HOW = "发“签到”加主持人公布的4位签到码（如“签到 1234”）"
LEAVE_HOW = "来不了请发“请假 原因”（如“请假 在外地加班”）"


def day_and_time(moment: dt.datetime, now: dt.datetime | None = None) -> str:
    """``12月20日（周日）19:30`` in Beijing time; with ``now``, today and tomorrow read
    ``今天 19:30`` and ``明天（周日）19:30``."""
    local = moment.astimezone(SHANGHAI)
    weekday = f"（周{WEEKDAYS[local.weekday()]}）"
    if now is not None:
        ahead = (local.date() - now.astimezone(SHANGHAI).date()).days
        if ahead == 0:
            return f"今天 {local:%H:%M}"
        if ahead == 1:
            return f"明天{weekday}{local:%H:%M}"
    return f"{local.month}月{local.day}日{weekday}{local:%H:%M}"


def clock_time(moment: dt.datetime) -> str:
    """``19:00``: the Beijing time of day."""
    return f"{moment.astimezone(SHANGHAI):%H:%M}"


def named(meeting: Meeting) -> str:
    """``主题党日《学习…》``, or the kind alone when the title is the kind's name."""
    return meeting.kind_name if meeting.title == meeting.kind_name else meeting.kind_name + book_title(meeting.title)


def where(meeting: Meeting) -> list[str]:
    """``地点：…`` and/or ``线上参加：…``."""
    lines = [f"地点：{meeting.place}"] if meeting.place else []
    return lines + ([f"线上参加：{meeting.link}"] if meeting.link else [])


def checkin_times(meeting: Meeting) -> str:
    """``19:00-20:30``: when check-in is open, Beijing time."""
    return f"{clock_time(meeting.checkin_opens_at)}-{clock_time(meeting.checkin_closes_at)}"


def checkin_hint(meeting: Meeting) -> str:
    """When and how to check in: ``签到：19:00-20:30 之间发“签到”加…``."""
    return f"签到：{checkin_times(meeting)} 之间{CHECKIN_HOW}"


def details(meeting: Meeting, now: dt.datetime | None = None) -> list[str]:
    """The lines members read about one meeting: when, where, how to check in."""
    return [f"时间：{day_and_time(meeting.starts_at, now)}（北京时间）", *where(meeting),
            checkin_hint(meeting)]
