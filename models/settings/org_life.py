"""The ``org_life`` section of ``config.yaml``: organisational life (组织生活, ``models.meetings``)
— when members may check in around a meeting's start, and when they are reminded of it.

```yaml
org_life:
  checkin_before_minutes: 30
  checkin_after_minutes: 60
  remind_minutes_before: 60
  reminder_cron: "*/10 * * * *"
```
"""
from __future__ import annotations

import datetime as dt

from pydantic import Field, field_validator

from models.settings.base import Section
from models.settings.cron import cron_line


class OrgLifeSettings(Section):
    """Check-in (签到) is open from ``checkin_before_minutes`` before a meeting's start until
    ``checkin_after_minutes`` after it. Members of the branch are sent the notice when a
    meeting is added, and a reminder ``remind_minutes_before`` its start (0: none), looked for
    by the job ``meeting_reminders`` at ``reminder_cron`` (crontab line, ``scheduler.timezone``)."""

    checkin_before_minutes: int = Field(30, ge=0, le=24 * 60)
    checkin_after_minutes: int = Field(60, ge=1, le=24 * 60)
    remind_minutes_before: int = Field(60, ge=0, le=7 * 24 * 60)
    reminder_cron: str = "*/10 * * * *"

    @field_validator("reminder_cron")
    @classmethod
    def _reminder_cron(cls, v: str) -> str:
        return cron_line(v)

    @property
    def opens(self) -> dt.timedelta:
        """How long before the start check-in opens."""
        return dt.timedelta(minutes=self.checkin_before_minutes)

    @property
    def closes(self) -> dt.timedelta:
        """How long after the start check-in closes."""
        return dt.timedelta(minutes=self.checkin_after_minutes)

    @property
    def reminder_lead(self) -> dt.timedelta:
        """How long before the start the reminder goes (zero: no reminder)."""
        return dt.timedelta(minutes=self.remind_minutes_before)
