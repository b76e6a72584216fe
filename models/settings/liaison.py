"""The ``liaison`` section: how long a help request may wait (SLA targets), the working hours
those clocks count, who hears of a late one (``escalation_chain``) and when that is checked.

``sla_hours``, the key older config files use, is read as ``first_response_hours``.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from pydantic import (
    AliasChoices,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from models.settings.base import Section
from models.settings.cron import cron_line

# The order a late ticket goes up (GLOSSARY 升级): a chain may leave a step out, never reorder.
CHAIN_ORDER = ("liaison", "secretary", "township")
ISO_WEEKDAYS = range(1, 8)  # 1 = Monday … 7 = Sunday (ISO 8601, as date.isoweekday())


def clock_time(v: object) -> object:
    """``HH:MM`` as written, or ``ValueError``. YAML 1.1 reads an unquoted 8:30 as the base-60
    number 510 (while 08:30 stays text), so such a number is read back as the time it was."""
    if isinstance(v, int) and not isinstance(v, bool) and 0 <= v < 24 * 60:
        v = "%02d:%02d" % divmod(v, 60)
    match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", str(v).strip())
    if match is None:
        raise ValueError(f"{v!r} is no time of day: write it as HH:MM, e.g. \"08:30\"")
    return f"{int(match[1]):02d}:{match[2]}"


class WorkingHours(Section):
    """The hours an SLA clock runs when set (a crisis's always runs): ``days`` of the week
    (ISO numbers, 1 = Monday … 7 = Sunday; a range such as ``1-5`` may stand for its days), from
    ``start`` to ``end`` (``HH:MM``, ``scheduler.timezone``, the same day); ``holidays`` are
    dates off though their weekday works (法定节假日), ``workdays`` dates worked though their
    weekday does not (调休上班)."""

    days: list[int] = Field(default_factory=lambda: [1, 2, 3, 4, 5], min_length=1)
    start: str = "08:30"
    end: str = "17:30"
    holidays: list[dt.date] = Field(default_factory=list)
    workdays: list[dt.date] = Field(default_factory=list)

    @field_validator("days", mode="before")
    @classmethod
    def _ranges(cls, v: object) -> object:
        if not isinstance(v, list):
            return v
        days: list[object] = []
        for item in v:
            span = re.fullmatch(r"\s*(\d)\s*-\s*(\d)\s*", item) if isinstance(item, str) else None
            days += list(range(int(span[1]), int(span[2]) + 1)) if span else [item]
        return days

    @field_validator("days")
    @classmethod
    def _weekdays(cls, v: list[int]) -> list[int]:
        if wrong := [d for d in v if d not in ISO_WEEKDAYS]:
            raise ValueError(f"{wrong[0]} is no day of the week: 1 = Monday … 7 = Sunday")
        return sorted(set(v))

    @field_validator("start", "end", mode="before")
    @classmethod
    def _clock_time(cls, v: object) -> object:
        return clock_time(v)

    @field_validator("end")
    @classmethod
    def _after_start(cls, v: str, info: ValidationInfo) -> str:
        start = info.data.get("start")
        if start is not None and v <= start:
            raise ValueError(f"{v} must be later than start ({start}) on the same day")
        return v


class LiaisonSettings(Section):
    """SLA targets of a help request (``models.tickets.sla``) and its escalation
    (``models.tickets.escalation``): the first answer is due ``first_response_hours`` after
    filing (``urgent_hours`` when urgent, ``crisis_hours`` for a crisis), the ticket settled
    ``resolution_days`` after; with ``working_hours`` set those clocks count only working
    time (a crisis's always counts every hour). A late ticket goes up ``escalation_chain`` one
    step at a time, one response period apart, checked on ``escalation_cron``. For
    ``follow_up_hours`` after a liaison answers a ticket (while it stays answered) what the
    member writes that is no other request is their reply, added to the ticket
    (``handlers.help_request.follow_up``). A resolved
    ticket waits ``rating_days`` for the member's rating (then the daily job at ``rating_cron``
    closes it unrated); regular contact (定时联系): at ``contact_cron`` each liaison is sent their
    members nobody contacted in ``contact_days`` days (crontab lines, ``scheduler.timezone``)."""

    # sla_hours: the name older config files give it.
    first_response_hours: int = Field(24, ge=1, le=24 * 30,
                                      validation_alias=AliasChoices("first_response_hours", "sla_hours"))
    resolution_days: int = Field(7, ge=1, le=365)
    urgent_hours: int = Field(1, ge=1, le=72)
    crisis_hours: int = Field(1, ge=1, le=24)
    working_hours: WorkingHours | None = None
    escalation_chain: list[Literal["liaison", "secretary", "township"]] = Field(
        default_factory=lambda: list(CHAIN_ORDER))
    escalation_cron: str = "*/10 * * * *"
    follow_up_hours: int = Field(72, ge=1, le=24 * 30)
    rating_days: int = Field(7, ge=1, le=365)
    rating_cron: str = "0 3 * * *"
    contact_days: int = Field(30, ge=1, le=365)
    contact_cron: str = "0 9 1 * *"

    @model_validator(mode="before")
    @classmethod
    def _older_key(cls, data: object) -> object:
        if isinstance(data, dict) and {"sla_hours", "first_response_hours"} <= data.keys():
            raise ValueError("first_response_hours: is given twice, also as sla_hours (its older name); "
                             "keep one of them")
        return data

    @field_validator("escalation_chain")
    @classmethod
    def _goes_up(cls, v: list[str]) -> list[str]:
        if v != sorted(set(v), key=CHAIN_ORDER.index):
            raise ValueError("each step once, going up: liaison, secretary, township (steps may be left out)")
        return v

    @field_validator("escalation_cron", "rating_cron", "contact_cron")
    @classmethod
    def _cron(cls, v: str) -> str:
        return cron_line(v)
