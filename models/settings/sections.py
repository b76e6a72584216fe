"""The sections of ``config.yaml`` besides ``wechat``: each value's shape, checked on its own.

Checks that need another layer's knowledge (the intents an ``nlu`` file names, the menu's CLICK
keys) are made where that layer starts (``handlers.settings_check``), not here: settings import
nothing else of kiteline.
"""
from __future__ import annotations

import ipaddress
import re
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator, model_validator
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from models.settings.base import Section
from models.settings.cron import cron_line
from models.settings.schedules import LessonSchedule

# The port config.yaml ships with (and `kiteline chat` talks to unless told otherwise).
DEFAULT_PORT = 8080


class DatabaseSettings(Section):
    """Where the data lives: SQLite (one machine) or PostgreSQL; ``echo`` logs every SQL statement."""

    url: str = "sqlite:///var/kiteline.db"
    echo: bool = False

    @field_validator("url")
    @classmethod
    def _url_shape(cls, v: str) -> str:
        try:
            backend = make_url(v).get_backend_name()
        except ArgumentError as exc:
            raise ValueError("must be a database URL such as sqlite:///var/kiteline.db or "
                             "postgresql://user@host/db") from exc
        if backend not in ("sqlite", "postgresql"):
            raise ValueError(f"kiteline runs on sqlite or postgresql, not {backend}")
        return v


class RedisSettings(Section):
    """An optional Redis server (``redis://``, ``rediss://`` or ``unix://``)."""

    url: str | None = Field(None, pattern=r"^(rediss?|unix)://\S+$")


class ServerSettings(Section):
    """Where ``kiteline serve`` listens, and the address WeChat reaches it by."""

    host: str = "127.0.0.1"
    port: int = Field(DEFAULT_PORT, ge=1, le=65535)
    # How WeChat (and the sandbox's API client) reach this server; empty: http://host:port
    public_base_url: str = ""
    # Signs reading links (/r/<token>, models.reading); empty: derived from wechat.app_secret
    # and wechat.token. At least 16 characters when set.
    link_key: str = ""

    @field_validator("host")
    @classmethod
    def _host_shape(cls, v: str) -> str:
        try:
            ipaddress.ip_address(v)
        except ValueError:
            if not re.fullmatch(r"(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                                r"(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*", v) \
                    or re.fullmatch(r"[\d.]+", v):
                raise ValueError(f"{v!r} is neither an IP address nor a host name") from None
        return v

    @field_validator("public_base_url")
    @classmethod
    def _base_url_shape(cls, v: str) -> str:
        if v and not re.fullmatch(r"https?://[^\s/]+(/[^\s]*)?", v):
            raise ValueError("must be an http(s) address such as https://kiteline.example.org")
        return v.rstrip("/")

    @field_validator("link_key")
    @classmethod
    def _link_key_length(cls, v: str) -> str:
        if v and len(v) < 16:
            raise ValueError("must be at least 16 characters (a random string), or empty")
        return v


class SchedulerSettings(Section):
    """The scheduler (``scheduler.service``): its time zone, lesson pushes and digest time."""

    enabled: bool = True
    timezone: str = "Asia/Shanghai"
    dispatch_interval_seconds: int = Field(5, ge=1, le=3600)
    lesson_schedules: list[LessonSchedule] = Field(default_factory=list)
    # When each branch secretary gets the list of notices that failed for good (crontab line).
    delivery_digest_cron: str = "0 18 * * *"

    @field_validator("delivery_digest_cron")
    @classmethod
    def _digest_cron(cls, v: str) -> str:
        return cron_line(v)

    @field_validator("lesson_schedules")
    @classmethod
    def _one_id_each(cls, v: list[LessonSchedule]) -> list[LessonSchedule]:
        ids = [entry.id for entry in v]
        if twice := sorted({i for i in ids if ids.count(i) > 1}):
            raise ValueError(f"schedule id {twice[0]!r} is used twice: each schedule needs its own id")
        return v

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {v!r}") from exc
        return v


# WeChat publishes daily quotas, not a per-second limit, for these APIs; 50 a second keeps a
# push to thousands of members within minutes without bursting.
DEFAULT_RATES = {"custom": 50.0, "template": 50.0}


class DeliverySettings(Section):
    """How the outbox dispatcher sends (``bot.dispatcher``). Limits are per dispatcher process:
    with N ``kiteline dispatcher`` processes the account sends up to N times the rate."""

    # Messages sent at once (worker threads, each with its own API client and database session).
    concurrency: int = Field(8, ge=1, le=64)
    # Calls started per second on each channel, per process.
    rate_per_second: dict[Literal["custom", "template"], Annotated[float, Field(gt=0, le=1000)]] = Field(
        default_factory=lambda: dict(DEFAULT_RATES))
    # First wait before a retry (-1, no connection, an unknown outcome of a notice); doubles
    # with each attempt, at most an hour.
    retry_backoff_seconds: float = Field(30, gt=0, le=3600)

    @field_validator("rate_per_second")
    @classmethod
    def _every_channel(cls, v: dict[str, float]) -> dict[str, float]:
        return {**DEFAULT_RATES, **v}


class NluSettings(Section):
    """What a deployment adds to the router's own vocabulary and labelled examples."""

    # intent -> extra keywords (added to those declared beside each handler)
    extra_keywords: dict[str, list[str]] = Field(default_factory=dict)
    # variant -> canonical word, applied before tokenising (e.g. 联洛员: 联络员)
    synonyms: dict[str, str] = Field(default_factory=dict)
    # labelled messages (JSONL: text, intent) the router learns from besides its own examples
    example_files: list[Path] = Field(default_factory=list)

    @field_validator("example_files")
    @classmethod
    def _readable_examples(cls, paths: list[Path]) -> list[Path]:
        for path in paths:
            if not path.is_file():
                raise ValueError(f"{path}: no such file (relative paths start where kiteline runs)")
        return paths  # what the lines hold is checked by handlers.settings_check




class TransferSettings(Section):
    """Transfer of organisational relationship (组织关系转接): members away longer than
    ``after_months`` with a settled destination (a current city on file) get the guide once, by
    the daily job at ``guide_cron`` (crontab line, ``scheduler.timezone``)."""

    after_months: int = Field(6, ge=1, le=120)
    guide_cron: str = "0 10 * * *"

    @field_validator("guide_cron")
    @classmethod
    def _guide_cron(cls, v: str) -> str:
        return cron_line(v)


class BindingSettings(Section):
    """How many failed binding tries one WeChat user (openid) gets: ``max_failures`` within
    ``window_hours``, then no binding at all for ``cooldown_hours`` (models.bind_attempts)."""

    max_failures: int = Field(5, ge=1, le=100)
    window_hours: int = Field(24, ge=1, le=24 * 30)
    cooldown_hours: int = Field(24, ge=1, le=24 * 30)


class VerificationSettings(Section):
    """Verification rounds (定期核查, ``models.verification``): every day at ``send_time``
    (``HH:MM`` in ``scheduler.timezone``) each away, bound member whose info was last verified
    ``interval_days`` or more ago is asked to confirm it; an ask unanswered for
    ``reply_window_days`` goes on their liaison's list."""

    enabled: bool = True
    interval_days: int = Field(90, ge=1, le=3650)
    send_time: str = "09:00"
    reply_window_days: int = Field(14, ge=1, le=365)

    @field_validator("send_time", mode="before")
    @classmethod
    def _sexagesimal(cls, v: object) -> object:
        # YAML 1.1 reads an unquoted 9:30 as the base-60 number 570 (while 09:00 stays text).
        if isinstance(v, int) and not isinstance(v, bool) and 0 <= v < 24 * 60:
            return "%02d:%02d" % divmod(v, 60)
        return v

    @field_validator("send_time")
    @classmethod
    def _clock_time(cls, v: str) -> str:
        match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", v.strip())
        if match is None:
            raise ValueError(f"{v!r} is no time of day: write it as HH:MM, e.g. \"09:00\"")
        return f"{int(match[1]):02d}:{match[2]}"

    @model_validator(mode="after")
    def _window_within_interval(self) -> "VerificationSettings":
        if self.reply_window_days >= self.interval_days:
            raise ValueError(f"reply_window_days ({self.reply_window_days}) must be shorter than "
                             f"interval_days ({self.interval_days}): one ask closes before the next")
        return self

    @property
    def hour_minute(self) -> tuple[int, int]:
        """``send_time`` as (hour, minute)."""
        hour, minute = self.send_time.split(":")
        return int(hour), int(minute)


class PrivacySettings(Section):
    """How long personal data is kept."""

    retention_days: int = Field(180, ge=1)


class DistrictSettings(Section):
    """The district organisation this deployment serves; ``--create-orgs`` builds under it."""

    name: str = Field("示例区", min_length=1)
    # Members are given this number whenever a person should help: it must not be empty.
    service_hotline: str = Field("0471-12345678", min_length=3)
    service_hours: str = "工作日 9:00-17:30"


class MenuButton(Section):
    """One custom-menu button: a CLICK ``key`` (one of ``handlers.menu.MENU_KEYS``, checked by
    ``handlers.settings_check``), a ``url`` to open, or up to 5 ``sub_buttons`` (WeChat 自定义菜单
    rules)."""

    name: str = Field(min_length=1)
    key: str | None = None
    url: str | None = Field(None, pattern=r"^https?://")
    sub_buttons: list["MenuButton"] = Field(default_factory=list, max_length=5)

    @model_validator(mode="after")
    def _one_action(self) -> "MenuButton":
        if sum(bool(x) for x in (self.key, self.url, self.sub_buttons)) != 1:
            raise ValueError(f"button {self.name!r} needs exactly one of key, url or sub_buttons")
        return self


class MenuSettings(Section):
    """The custom menu ``kiteline menu sync`` pushes: ≤ 3 buttons, names ≤ 16 bytes (4 Chinese
    characters), sub-button names ≤ 60 bytes, sub-buttons one level deep (WeChat rules)."""

    buttons: list[MenuButton] = Field(default_factory=list, max_length=3)

    @model_validator(mode="after")
    def _platform_limits(self) -> "MenuSettings":
        for top in self.buttons:
            if len(top.name.encode("utf-8")) > 16:
                raise ValueError(f"button name {top.name!r} is longer than 16 bytes (4 Chinese characters)")
            for sub in top.sub_buttons:
                if sub.sub_buttons or len(sub.name.encode("utf-8")) > 60:
                    raise ValueError(f"sub-button {sub.name!r}: no deeper buttons, name ≤ 60 bytes")
        return self
