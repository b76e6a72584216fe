"""Which run of a schedule a job is: the cron time it was due, and the key that names the run.

APScheduler calls a job without telling it when it was due, and a job may run late (a misfire
within the grace time, a second scheduler taking over) or with the clock moved (the sandbox's
clock jump runs a missed job once, at its last due time). So the run is read off the cron line:
the last time it was due at or before now. Every way of running the same occurrence then gets
the same :func:`run_key`, and the ``broadcasts`` table's unique key makes it one broadcast.
"""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from models.settings.cron import cron_trigger

# How far back a late run still counts as its occurrence: the scheduler runs a missed job
# within MISFIRE_GRACE_SECONDS (1 h); a longer look covers crons further apart.
LOOK_BACK = (dt.timedelta(hours=1), dt.timedelta(days=1), dt.timedelta(days=32), dt.timedelta(days=366))


def due_time(cron: str, zone: ZoneInfo, now: dt.datetime) -> dt.datetime:
    """The last time ``cron`` (crontab line in ``zone``) was due at or before ``now`` (aware),
    as aware UTC; ``now`` to the minute when it was never due within a year (a job started by
    hand)."""
    trigger = cron_trigger(cron, zone)
    for span in LOOK_BACK:
        last, at = None, trigger.get_next_fire_time(None, now - span)
        while at is not None and at <= now:
            last, at = at, trigger.get_next_fire_time(at, at + dt.timedelta(minutes=1))
        if last is not None:
            return last.astimezone(dt.timezone.utc)
    return now.replace(second=0, microsecond=0).astimezone(dt.timezone.utc)


def run_key(schedule_id: str, run_at: dt.datetime, zone: ZoneInfo) -> str:
    """``schedule_id@local due time`` (``morning_lesson@2026-11-30T08:30+08:00``): one run."""
    return f"{schedule_id}@{run_at.astimezone(zone).strftime('%Y-%m-%dT%H:%M%z')}"
