"""SLA clocks of a help request: when its first answer and its settling are due, counted in
working time when ``liaison.working_hours`` is set (a crisis's clock always counts every hour).

A target in working time runs only inside each working day's window (``start``–``end`` in
``scheduler.timezone`` on a working day): 24 working hours filed on Friday at 17:00 with
08:30–17:30 on weekdays are half an hour on Friday, nine on Monday, Tuesday … until 24 are spent.
``resolution_days`` in working time are that many full working days (days × the window's length).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from models.settings import LiaisonSettings, WorkingHours

# A target reaches at most this far: more calendar days than any configured target spans
# (365 working days of 1 minute a week would not), so a walk over the days always ends.
MAX_DAYS = 366 * 30


@dataclass(frozen=True)
class WorkingTime:
    """The working days and hours of ``liaison.working_hours`` in ``zone``."""

    days: frozenset[int]
    start: dt.time
    end: dt.time
    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]
    zone: ZoneInfo

    @classmethod
    def of(cls, hours: WorkingHours, zone: ZoneInfo) -> WorkingTime:
        """``hours`` (validated settings) in ``zone``."""
        return cls(frozenset(hours.days), dt.time.fromisoformat(hours.start), dt.time.fromisoformat(hours.end),
                   frozenset(hours.holidays), frozenset(hours.workdays), zone)

    @property
    def day_length(self) -> dt.timedelta:
        """The working time of one working day."""
        return (dt.datetime.combine(dt.date.min, self.end) - dt.datetime.combine(dt.date.min, self.start))

    def works_on(self, day: dt.date) -> bool:
        """Whether ``day`` is a working day: a listed workday, else its weekday unless a holiday."""
        return day in self.workdays or (day.isoweekday() in self.days and day not in self.holidays)

    def windows(self, moment: dt.datetime):
        """The working windows ``(start, end)`` (aware, UTC) from the day of ``moment`` on, in
        order; the first may have ended before ``moment``."""
        day = moment.astimezone(self.zone).date()
        for _ in range(MAX_DAYS):
            if self.works_on(day):
                yield (dt.datetime.combine(day, self.start, self.zone).astimezone(dt.UTC),
                       dt.datetime.combine(day, self.end, self.zone).astimezone(dt.UTC))
            day += dt.timedelta(days=1)

    def add(self, moment: dt.datetime, duration: dt.timedelta) -> dt.datetime:
        """The instant ``duration`` of working time after ``moment``. Raises ``ValueError`` when
        the working days within :data:`MAX_DAYS` do not hold that much."""
        left = duration
        for opens, closes in self.windows(moment):
            begin = max(opens, moment)
            if begin >= closes:
                continue
            if begin + left <= closes:
                return begin + left
            left -= closes - begin
        raise ValueError(f"{duration} of working time does not fit in {MAX_DAYS} days from {moment}")


@dataclass(frozen=True)
class Sla:
    """The SLA targets of ``liaison`` in config: response times by urgency, the resolution
    time, and the working time they count in (``None``: every hour counts)."""

    first_response: dt.timedelta
    urgent: dt.timedelta
    crisis: dt.timedelta
    resolution_days: int
    working: WorkingTime | None = None

    @classmethod
    def of(cls, liaison: LiaisonSettings, timezone: str) -> Sla:
        """The targets of the ``liaison`` settings, working hours in ``timezone``
        (``scheduler.timezone``)."""
        working = WorkingTime.of(liaison.working_hours, ZoneInfo(timezone)) if liaison.working_hours else None
        return cls(dt.timedelta(hours=liaison.first_response_hours), dt.timedelta(hours=liaison.urgent_hours),
                   dt.timedelta(hours=liaison.crisis_hours), liaison.resolution_days, working)

    def clock(self, urgency: str) -> WorkingTime | None:
        """The working time a ticket of ``urgency`` counts in: none for a crisis (every hour
        counts), else the configured working hours, if any."""
        return None if urgency == "crisis" else self.working

    def response_time(self, urgency: str) -> dt.timedelta:
        """How long the first answer to a ticket of ``urgency`` may take (``normal``,
        ``urgent``, ``crisis``), in the time of :meth:`clock`."""
        return {"crisis": self.crisis, "urgent": self.urgent}.get(urgency, self.first_response)

    def response_due(self, start: dt.datetime, urgency: str) -> dt.datetime:
        """When an answer is due for a ticket of ``urgency`` whose clock started at ``start``
        (filed, or handed to the next step of the escalation chain)."""
        return self.after(start, self.response_time(urgency), urgency)

    def resolution_due(self, start: dt.datetime, urgency: str) -> dt.datetime:
        """When a ticket of ``urgency`` opened (or reopened) at ``start`` should be settled:
        ``resolution_days`` calendar days, or as many full working days."""
        clock = self.clock(urgency)
        length = clock.day_length if clock else dt.timedelta(days=1)
        return self.after(start, length * self.resolution_days, urgency)

    def after(self, start: dt.datetime, span: dt.timedelta, urgency: str) -> dt.datetime:
        """``span`` after ``start`` in the time a ticket of ``urgency`` counts."""
        clock = self.clock(urgency)
        return clock.add(start, span) if clock else start + span
