"""Time for the domain. Everything that asks "what time is it" asks a ``Clock``, so tests and the
sandbox can move time forward (``chat.advance(hours=25)``) without sleeping."""
from __future__ import annotations

import datetime as dt
from typing import Protocol
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


class Clock(Protocol):
    def now(self) -> dt.datetime:
        """The current instant, timezone-aware UTC."""


class SystemClock:
    """The real wall clock."""

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.timezone.utc)


def month_bounds(year: int, month: int) -> tuple[dt.datetime, dt.datetime]:
    """``[start, end)`` of a calendar month in Beijing time, as aware UTC. Raises
    ``ValueError`` for a month outside 1-12."""
    start = dt.datetime(year, month, 1, tzinfo=SHANGHAI)
    end = dt.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=SHANGHAI)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def beijing_minute(moment: dt.datetime) -> str:
    """``11月29日 09:00``: ``moment`` (aware) as members and liaisons read it, in Beijing time."""
    local = moment.astimezone(SHANGHAI)
    return f"{local.month}月{local.day}日 {local:%H:%M}"


# Within this long a deadline reads as a count of hours (1小时内), beyond it as a clock time.
HOURS_AHEAD = dt.timedelta(hours=3)


def beijing_deadline(due: dt.datetime, now: dt.datetime) -> str:
    """By when ``due`` is (both aware), as a member reads it at ``now``, in Beijing time: a count
    while it is near (``30分钟内``, ``1小时内``, up to :data:`HOURS_AHEAD`), else the day and the
    hour, rounded up to the whole hour — a promise read as kept if met a little early, never
    broken by rounding (``今天下午5点前``, ``明天上午10点前``, ``后天晚上8点前``, ``12月3日上午10点前``;
    midnight is the evening before's ``晚上12点``); ``尽快`` once it has passed."""
    left = due - now
    if left <= dt.timedelta(0):
        return "尽快"
    if left < dt.timedelta(hours=1):
        return f"{-(-left // dt.timedelta(minutes=1))}分钟内"
    if left <= HOURS_AHEAD:
        return f"{-(-left // dt.timedelta(hours=1))}小时内"
    local = due.astimezone(SHANGHAI)
    hour = local.replace(minute=0, second=0, microsecond=0)
    if hour < local:
        hour += dt.timedelta(hours=1)
    # midnight reads as the evening before, at 12
    day = (hour - dt.timedelta(hours=1)).date() if hour.hour == 0 else hour.date()
    return f"{_day(day, now.astimezone(SHANGHAI).date())}{_clock(hour.hour or 24)}前"


def beijing_when(moment: dt.datetime, now: dt.datetime) -> str:
    """When ``moment`` (aware, not after ``now``) was, as a member reads it in Beijing time:
    ``今天 10:05``, ``昨天 18:30``, ``11月27日 09:00``."""
    local, today = moment.astimezone(SHANGHAI), now.astimezone(SHANGHAI).date()
    days = (today - local.date()).days
    day = {0: "今天", 1: "昨天"}.get(days, f"{local.month}月{local.day}日")
    return f"{day} {local:%H:%M}"


def _day(day: dt.date, today: dt.date) -> str:
    ahead = (day - today).days
    return {0: "今天", 1: "明天", 2: "后天"}.get(ahead, f"{day.month}月{day.day}日")


def _clock(hour: int) -> str:
    """``上午9点``, ``中午12点``, ``下午3点``, ``晚上12点`` (hour 24: midnight)."""
    period = ("凌晨" if hour < 6 else "上午" if hour < 12 else "中午" if hour == 12 else "下午" if hour < 18
              else "晚上")
    return f"{period}{hour if hour <= 12 else hour - 12}点"
