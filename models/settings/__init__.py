"""Typed configuration: ``config.yaml`` (or the file in ``KITELINE_CONFIG``) plus environment.

Precedence, lowest first: defaults below → the YAML file → ``KITELINE_<SECTION>__<KEY>``
environment variables (e.g. ``KITELINE_WECHAT__APP_SECRET``, ``KITELINE_DATABASE__URL``).
Environment values for keys that hold text are taken exactly as written (a secret may start with
``!``, ``#`` or ``[``); other keys' values are read as YAML, so ``false``, ``8080`` and
``[{id: a, cron: "* * * * *"}]`` arrive typed, and what YAML cannot read is passed on as text for
validation to name the key.

Everything is validated once at start-up; a bad value raises :class:`ConfigError` naming the key
(``wechat.encoding_aes_key: ...``), and the CLI turns that into a message and exit status 2.
Settings import nothing else of kiteline; what only another layer can check (the intents and
menu keys named here) that layer checks when a process starts (``handlers.settings_check``).
"""
from __future__ import annotations

import os
import re
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import Field, ValidationError, model_validator

from models.settings.base import ConfigError, Section
from models.settings.dues import DuesSettings
from models.settings.liaison import LiaisonSettings, WorkingHours
from models.settings.org_life import OrgLifeSettings
from models.settings.points import PointsSettings
from models.settings.sections import (
    BindingSettings,
    DatabaseSettings,
    DeliverySettings,
    DistrictSettings,
    LessonSchedule,
    MenuButton,
    MenuSettings,
    NluSettings,
    PrivacySettings,
    RedisSettings,
    SchedulerSettings,
    ServerSettings,
    TransferSettings,
    VerificationSettings,
)
from models.settings.thought_report import ThoughtReportSettings
from models.settings.wechat import WechatSettings

__all__ = [
    "BindingSettings", "ConfigError", "DatabaseSettings", "DeliverySettings", "DistrictSettings", "DuesSettings",
    "LessonSchedule", "LiaisonSettings", "MenuButton", "MenuSettings", "NluSettings",
    "PointsSettings", "PrivacySettings", "RedisSettings", "SchedulerSettings", "ServerSettings",
    "Settings", "TransferSettings", "VerificationSettings", "WechatSettings", "WorkingHours", "load_settings",
    "ThoughtReportSettings",
    "OrgLifeSettings",
]

DEFAULT_CONFIG_FILE = "config.yaml"
ENV_PREFIX = "KITELINE_"


class Settings(Section):
    """The whole configuration, one attribute per section of ``config.yaml``."""

    wechat: WechatSettings = Field(default_factory=WechatSettings)
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    redis: RedisSettings = Field(default_factory=RedisSettings)
    server: ServerSettings = Field(default_factory=ServerSettings)
    scheduler: SchedulerSettings = Field(default_factory=SchedulerSettings)
    delivery: DeliverySettings = Field(default_factory=DeliverySettings)
    nlu: NluSettings = Field(default_factory=NluSettings)
    points: PointsSettings = Field(default_factory=PointsSettings)
    liaison: LiaisonSettings = Field(default_factory=LiaisonSettings)
    binding: BindingSettings = Field(default_factory=BindingSettings)
    privacy: PrivacySettings = Field(default_factory=PrivacySettings)
    district: DistrictSettings = Field(default_factory=DistrictSettings)
    menu: MenuSettings = Field(default_factory=MenuSettings)
    transfer: TransferSettings = Field(default_factory=TransferSettings)
    verification: VerificationSettings = Field(default_factory=VerificationSettings)
    thought_report: ThoughtReportSettings = Field(default_factory=ThoughtReportSettings)
    dues: DuesSettings = Field(default_factory=DuesSettings)
    org_life: OrgLifeSettings = Field(default_factory=OrgLifeSettings)

    @model_validator(mode="after")
    def _derived_urls(self) -> "Settings":
        if not self.server.public_base_url:
            host = f"[{self.server.host}]" if ":" in self.server.host else self.server.host  # IPv6
            self.server.public_base_url = f"http://{host}:{self.server.port}"
        if not self.wechat.api_base_url:
            self.wechat.api_base_url = (
                self.server.public_base_url.rstrip("/") + "/cgi-bin/"
                if self.wechat.sandbox
                else "https://api.weixin.qq.com/cgi-bin/"
            )
        return self


def _env_overrides(env: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    overrides: dict[str, dict[str, Any]] = {}
    for name, raw in env.items():
        if not name.startswith(ENV_PREFIX) or "__" not in name:
            continue
        section, _, key = name[len(ENV_PREFIX):].lower().partition("__")
        overrides.setdefault(section, {})[key] = _env_value(section, key, raw)
    return overrides


def _env_value(section: str, key: str, raw: str) -> Any:
    """``raw`` as the key wants it: as written for a text key, else read as YAML (or, when YAML
    cannot read it, as written, for validation to name the key)."""
    if _holds_text(section, key) or not raw.strip():
        return raw
    try:
        return yaml.safe_load(raw)
    except yaml.YAMLError:
        return raw


def _holds_text(section: str, key: str) -> bool:
    """True when ``section.key`` is a string setting (``str`` or ``str | None``)."""
    field = Settings.model_fields.get(section)
    inner = field.annotation.model_fields.get(key) if field is not None else None
    if inner is None:
        return False
    kinds = set(typing.get_args(inner.annotation)) if isinstance(inner.annotation, types.UnionType) \
        else {inner.annotation}
    return str in kinds and kinds <= {str, type(None)}


def _merge(base: dict[str, Any], extra: Mapping[str, dict[str, Any]]) -> dict[str, Any]:
    merged = dict(base)
    for section, values in extra.items():
        current = merged.get(section)
        merged[section] = {**current, **values} if isinstance(current, dict) else values
    return merged


def load_settings(path: str | os.PathLike | None = None, env: Mapping[str, str] | None = None) -> Settings:
    """Load and validate settings.

    ``path`` defaults to ``$KITELINE_CONFIG`` or ``./config.yaml``; a missing default file means
    built-in defaults. Raises :class:`ConfigError` ("section.key: reason") on any invalid value,
    an unknown key, or an unreadable file.
    """
    env = os.environ if env is None else env
    explicit = path or env.get("KITELINE_CONFIG")
    file = Path(explicit or DEFAULT_CONFIG_FILE)
    data: dict[str, Any] = {}
    if file.exists():
        try:
            data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise ConfigError(f"{file}: not valid YAML ({exc})") from exc
        if not isinstance(data, dict):
            raise ConfigError(f"{file}: the top level must be a mapping of sections")
    elif explicit:
        raise ConfigError(f"{file}: configuration file not found")
    data = _merge(data, _env_overrides(env))
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        key, message = _where(first["loc"], first["msg"].removeprefix("Value error, "))
        raise ConfigError(f"{key}: {message}") from exc


def _where(loc: tuple, message: str) -> tuple[str, str]:
    """The dotted key an error names, and its message: a section's own check that starts with
    one of its keys (``sandbox: …``, or a key within it: ``daily_cap.reading: …``) names that key."""
    key = ".".join(str(p) for p in loc) or "(top level)"
    field = Settings.model_fields.get(str(loc[0])) if len(loc) == 1 else None
    named = re.match(r"(\w+)(?:\.[\w.]+)?: ", message)
    if field is not None and named and named.group(1) in field.annotation.model_fields:
        return f"{key}.{named.group(0)[:-2]}", message[named.end():]
    return key, message
