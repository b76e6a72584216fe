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



def beijing_minute(moment: dt.datetime) -> str:
    """``11月29日 09:00``: ``moment`` (aware) as members and liaisons read it, in Beijing time."""
    local = moment.astimezone(SHANGHAI)
    return f"{local.month}月{local.day}日 {local:%H:%M}"


def month_bounds(year: int, month: int) -> tuple[dt.datetime, dt.datetime]:
    """``[start, end)`` of a calendar month in Beijing time, as aware UTC. Raises
    ``ValueError`` for a month outside 1-12."""
    start = dt.datetime(year, month, 1, tzinfo=SHANGHAI)
    end = dt.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=SHANGHAI)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)
