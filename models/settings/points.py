"""The ``points`` section of ``config.yaml``: what each kind of action earns (积分规则) and the
most it earns a member in a day and in a month (Beijing time), read by ``models.points``.

```yaml
points:
  rules: {study: 1, org_life: 5, activity: 3, thought_report: 5}
  daily_cap: {study: 5}
  monthly_cap: {activity: 15, thought_report: 5}
```

A rule absent from ``rules`` (or set to 0) earns nothing; a rule without a cap is not capped.
The rules are the ones kiteline knows (:data:`RULES`); any other name is refused, naming the
key (``points.daily_cap.reading: …``), so a typo never silently switches a rule off.
"""
from __future__ import annotations

from typing import Annotated

from pydantic import Field, field_validator, model_validator

from models.settings.base import Section

# The rules kiteline awards points by (GLOSSARY: 学习 study, 组织生活 org_life, 志愿服务
# activity, 思想汇报 thought_report), in the order members read them.
RULES = ("study", "org_life", "activity", "thought_report")
DEFAULT_RULES = {"study": 1, "org_life": 5, "activity": 3, "thought_report": 5}
# Opening a month of lessons in one sitting earns one day's study points.
DEFAULT_DAILY_CAP = {"study": 5}

Points = Annotated[int, Field(ge=0)]


class PointsSettings(Section):
    """Points per action (``rules``: rule → points each time), and caps per member and rule:
    ``daily_cap`` within a Beijing day, ``monthly_cap`` within a Beijing calendar month. The
    study cap defaults to 5 a day."""

    rules: dict[str, Points] = Field(default_factory=lambda: dict(DEFAULT_RULES))
    daily_cap: dict[str, Points] = Field(default_factory=lambda: dict(DEFAULT_DAILY_CAP))
    monthly_cap: dict[str, Points] = Field(default_factory=dict)

    @field_validator("daily_cap")
    @classmethod
    def _study_capped(cls, v: dict[str, int]) -> dict[str, int]:
        return {**DEFAULT_DAILY_CAP, **v}

    @model_validator(mode="after")
    def _known_rules(self) -> "PointsSettings":
        for key in ("rules", "daily_cap", "monthly_cap"):
            for rule in getattr(self, key):
                if rule not in RULES:
                    raise ValueError(f"{key}.{rule}: there is no rule {rule!r}; the rules are "
                                     + ", ".join(RULES))
        return self

    def each(self, rule: str) -> int:
        """The points ``rule`` earns each time (0: it earns nothing)."""
        return self.rules.get(rule, 0)
