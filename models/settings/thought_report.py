"""The ``thought_report`` section of ``config.yaml``: how long a thought report (思想汇报) may be
and when members who have not handed one in this quarter are reminded (read by
``models.thought_reports`` and the ``thought_report_reminder`` job).

```yaml
thought_report:
  min_chars: 20
  max_chars: 5000
  reminder_cron: "0 9 15 3,6,9,12 *"
  reminders: true
```
"""
from __future__ import annotations

from pydantic import Field, field_validator, model_validator

from models.settings.base import Section
from models.settings.cron import cron_line


class ThoughtReportSettings(Section):
    """``min_chars``: the fewest letters, digits and Chinese characters a report must hold
    (punctuation, emoji and spaces do not count); ``max_chars``: the most characters one report
    may have, everything counted (a report is stored whole or not at all); ``reminder_cron``:
    when the quarterly reminder goes to bound members with no report this quarter (crontab
    line, ``scheduler.timezone``); ``reminders``: false schedules no reminder."""

    min_chars: int = Field(20, ge=1, le=500)
    max_chars: int = Field(5000, ge=200, le=20000)
    reminder_cron: str = "0 9 15 3,6,9,12 *"
    reminders: bool = True

    @field_validator("reminder_cron")
    @classmethod
    def _reminder_cron(cls, v: str) -> str:
        return cron_line(v)

    @model_validator(mode="after")
    def _room_to_write(self) -> "ThoughtReportSettings":
        if self.max_chars < self.min_chars:
            raise ValueError("max_chars: must be at least min_chars")
        return self
