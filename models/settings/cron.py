"""Cron lines as operators write them (crontab's 5 fields) turned into APScheduler triggers.

One reading of a line for both its users: settings check a line with it when they are loaded
(:func:`cron_line`), and the scheduler (``scheduler.service``) builds its triggers with it.
"""
from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

_CRON_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")


def cron_trigger(cron: str, timezone: ZoneInfo) -> CronTrigger:
    """A trigger for a standard 5-field crontab line in ``timezone``.

    Crontab counts weekdays from Sunday = 0 (7 is Sunday too); APScheduler 3 counts from
    Monday = 0 (its ``from_crontab`` warns about this), so numeric weekdays are passed on as
    names. Raises ValueError for a line APScheduler cannot read."""
    minute, hour, day, month, day_of_week = cron.split()
    return CronTrigger(minute=minute, hour=hour, day=day, month=month,
                       day_of_week=_weekday_names(day_of_week), timezone=timezone)


def cron_line(v: str) -> str:
    """``v`` unchanged when it is a 5-field crontab line the scheduler can run; else
    ``ValueError`` saying what is wrong (pydantic puts the settings key in front)."""
    if len(v.split()) != 5:
        raise ValueError("must be a 5-field cron line: minute hour day month day_of_week")
    try:
        cron_trigger(v, ZoneInfo("Asia/Shanghai"))
    except ValueError as exc:
        raise ValueError(f"not a valid cron line ({exc})") from exc
    return v


def _weekday_names(field: str) -> str:
    names: list[str] = []
    for part in field.split(","):
        match = re.fullmatch(r"(\d)(?:-(\d))?(?:/(\d+))?", part)
        if match is None:  # "*", "*/2", names: the same in both conventions
            names.append(part)
            continue
        first, last, step = int(match[1]), int(match[2] or match[1]), int(match[3] or 1)
        if last > 7 or first > last:
            raise ValueError(f"bad day_of_week {part!r}")
        names += [_CRON_WEEKDAYS[d] for d in range(first, last + 1, step)]
    return ",".join(dict.fromkeys(names))
