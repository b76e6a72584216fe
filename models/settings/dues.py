"""The ``dues`` section of ``config.yaml``: party dues (党费, ``models.dues``).

```yaml
dues:
  how_to_pay: "每月20日前，微信转账给支部组织委员，或交给村党支部；也可以委托家人代交。"
  reminder_cron: "0 9 20 * *"
  start_month: "2026-01"
```

kiteline takes no payments: ``how_to_pay`` is what the 党费 answer and the reminder tell a
member to do. ``reminder_cron`` (crontab line, ``scheduler.timezone``) runs the monthly reminder
(job ``dues_reminder``); ``reminder_enabled: false`` removes it. ``start_month`` (``YYYY-MM``,
optional): nobody owes a month before it, whatever a dues sheet's first month.
"""
from __future__ import annotations

import re

from pydantic import Field, field_validator

from models.settings.base import Section
from models.settings.cron import cron_line

DEFAULT_HOW_TO_PAY = "请按支部通知的方式按月交纳（微信转账、交给支部或委托家人代交均可），交好后告诉我“我交了”。"


class DuesSettings(Section):
    """How to pay (``how_to_pay``, ≤ 300 characters), the monthly reminder (``reminder_cron``,
    ``reminder_enabled``) and the first month anyone owes here (``start_month``)."""

    how_to_pay: str = Field(DEFAULT_HOW_TO_PAY, min_length=1, max_length=300)
    reminder_cron: str = "0 9 20 * *"
    reminder_enabled: bool = True
    start_month: str | None = None

    @field_validator("reminder_cron")
    @classmethod
    def _reminder_cron(cls, v: str) -> str:
        return cron_line(v)

    @field_validator("start_month")
    @classmethod
    def _start_month(cls, v: str | None) -> str | None:
        if v is not None and not re.fullmatch(r"(?:19|20)\d{2}-(?:0[1-9]|1[0-2])", v):
            raise ValueError("must be a month written YYYY-MM, e.g. 2026-01")
        return v
