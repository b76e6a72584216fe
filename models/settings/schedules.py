"""Lesson schedules (``scheduler.lesson_schedules``): when a broadcast runs, to whom, and what it
sends. Each entry is checked when the settings load, so a bad one stops start-up naming its key
(``scheduler.lesson_schedules.0.audience: …``). What only the database can tell (an org name, a
lesson title) is checked when the broadcast is planned (``models.broadcasts.planning``).

Shapes, as written in ``config.yaml``::

    - id: morning_lesson            # [a-z0-9_]
      cron: "30 8 * * *"           # crontab line in scheduler.timezone
      category: law                 # older form, still read: next unread of this category
      audience: all                 # all | away | {orgs: [...], away: true, not_studied_days: N}
      content: next_unread          # next_unread | {next_unread: law} | {lessons: [标题, …]} | digest
"""
from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from models.settings.base import Section
from models.settings.cron import cron_line

Category = Literal["policy", "news", "exemplary", "law", "psychology", "skills"]


class Audience(Section):
    """Who a broadcast is for: bound members who meet every rule given — in one of ``orgs`` (an
    org and everything under it, ``models.org_tree.subtree_ids``), away (status 在外流动) when
    ``away``, and without study in the last ``not_studied_days`` days. No rule: everyone bound.
    Written ``all``, ``away`` or as a mapping."""

    orgs: list[str] = Field(default_factory=list)
    away: bool = False
    not_studied_days: int | None = Field(None, ge=1, le=3650)

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, v: object) -> object:
        if v == "all":
            return {}
        if v == "away":
            return {"away": True}
        if isinstance(v, str):
            raise ValueError(f"{v!r} is no audience: write all, away, or a mapping of orgs, away "
                             "and not_studied_days")
        return v

    @field_validator("orgs")
    @classmethod
    def _names(cls, v: list[str]) -> list[str]:
        names = [name.strip() for name in v]
        if any(not name for name in names):
            raise ValueError("an org name is empty")
        return names

    def describe(self) -> str:
        """The audience in Chinese, for reports: ``全部党员`` or the rules joined by ``；``."""
        rules = []
        if self.orgs:
            rules.append("、".join(self.orgs) + "的党员")
        if self.away:
            rules.append("在外流动")
        if self.not_studied_days:
            rules.append(f"{self.not_studied_days}天内没有学习")
        return "；".join(rules) or "全部党员"


class Content(Section):
    """What a broadcast sends each member: ``next_unread`` — their next unread lesson (of
    ``category``, or of any); ``lessons`` — their next unread lesson of this list, in its order
    (lessons named by title); ``digest`` — the week's digest, the lessons added in the last 7
    days as one text message. Written ``next_unread``, ``digest``, ``{next_unread: law}``,
    ``{digest: law}`` or ``{lessons: [编号或标题, …]}``."""

    kind: Literal["next_unread", "lessons", "digest"] = "next_unread"
    category: Category | None = None
    lessons: list[str] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, v: object) -> object:
        if v in ("next_unread", "digest"):
            return {"kind": v}
        if isinstance(v, str):
            raise ValueError(f"{v!r} is no content rule: write next_unread, digest, "
                             "{next_unread: CATEGORY}, {digest: CATEGORY} or {lessons: [TITLE, …]}")
        if isinstance(v, dict) and len(v) == 1 and "kind" not in v:
            (kind, value), = v.items()
            if kind in ("next_unread", "digest"):
                return {"kind": kind, "category": None if value in (None, "any") else value}
            if kind == "lessons":
                return {"kind": kind, "lessons": value}
        return v

    @model_validator(mode="after")
    def _lessons_listed(self) -> "Content":
        if (self.kind == "lessons") != bool(self.lessons):
            raise ValueError("lessons: a list of lesson titles, given with the lessons rule only")
        if any(not title.strip() for title in self.lessons):
            raise ValueError("lessons: a lesson title is empty")
        return self


class LessonSchedule(Section):
    """One scheduled broadcast: ``cron`` (crontab line, ``scheduler.timezone``), its
    ``audience`` and its ``content``. ``category`` is the older way to write
    ``content: {next_unread: CATEGORY}`` and still reads so."""

    id: str = Field(pattern=r"^[a-z0-9_]+$", max_length=40)
    cron: str
    category: Category | None = None
    audience: Audience = Field(default_factory=Audience)
    content: Content = Field(default_factory=Content)

    @field_validator("cron")
    @classmethod
    def _cron_shape(cls, v: str) -> str:
        return cron_line(v)

    @model_validator(mode="after")
    def _category_for_content(self) -> "LessonSchedule":
        if self.category is not None:
            if self.content.kind == "lessons":
                raise ValueError("category: not with a list of lessons (content: {lessons: …})")
            if self.content.category is None:
                self.content.category = self.category
        return self
