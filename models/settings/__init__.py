"""Typed configuration: ``config.yaml`` (or the file in ``KITELINE_CONFIG``) plus environment.

Precedence, lowest first: defaults below → the YAML file → ``KITELINE_<SECTION>__<KEY>``
environment variables (e.g. ``KITELINE_WECHAT__APP_SECRET``, ``KITELINE_DATABASE__URL``).
Environment values for keys that hold text are taken exactly as written (a secret may start with
``!``, ``#`` or ``[``); other keys' values are read as YAML, so ``false``, ``8080`` and
``[{id: a, cron: "* * * * *"}]`` arrive typed, and what YAML cannot read is passed on as text for
validation to name the key.

Everything is validated once at start-up; a bad value raises :class:`ConfigError` naming the key
(``wechat.encoding_aes_key: ...``), and the CLI turns that into a message and exit status 2.
"""
from __future__ import annotations

import os
import re
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from handlers.nlu.bayes import load

DEFAULT_CONFIG_FILE = "config.yaml"
ENV_PREFIX = "KITELINE_"
# The sandbox's own placeholder secret. Any other AppSecret, or an AppID of WeChat's shape
# (wx + 16 hex digits, 开发者ID), is a real account's: it never runs the sandbox, whose pages show
# members' names, phones and help requests and accept fault injection (DESIGN.md §3).
SANDBOX_SECRET = "sandbox-secret"
REAL_APP_ID = re.compile(r"wx[0-9a-f]{16}")
ENCRYPTIONS = ("plain", "compatible", "safe")


class ConfigError(Exception):
    """A configuration value is missing or invalid; ``str(err)`` names the dotted key."""


# Template ids a deployment has not configured yet (the sandbox accepts any id).
DEFAULT_TEMPLATES = {"liaison_notice": "kiteline_liaison_notice",
                     "delivery_digest": "kiteline_delivery_digest"}


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WechatSettings(_Section):
    """The official account. Sandbox mode answers the ``/cgi-bin/`` API locally."""

    sandbox: bool = True
    app_id: str = "wxkiteline0sandbox"
    app_secret: str = SANDBOX_SECRET
    token: str = Field("kiteline", min_length=3, max_length=32)
    # 43 characters of base64 (WeChat's EncodingAESKey); empty means plain mode only.
    encoding_aes_key: str = ""
    # 消息加解密方式 as set in the WeChat console: plain (明文) takes bodies in clear only,
    # compatible (兼容) both, safe (安全) encrypted ones only. Unset: safe when a key is set.
    encryption: Literal["plain", "compatible", "safe"] | None = None
    # Where the WeChat API lives. Empty: the real platform, or in sandbox mode this server's own
    # sandbox at ``server.public_base_url`` + ``/cgi-bin/``.
    api_base_url: str = ""
    webhook_path: str = "/wechat"
    # Requests whose timestamp is further than this from now are refused as replays.
    timestamp_window_seconds: int = Field(300, ge=30, le=86400)
    # Seconds an API call may take (connect, then the answer) before it is abandoned. A call
    # abandoned after the request was written has an unknown outcome (models.outbox).
    api_timeout_seconds: float = Field(5.0, gt=0, le=30)
    # Template IDs (模板消息) from the WeChat console, by notice. A notice whose member's
    # customer-service window is closed goes out as this template at once (DESIGN.md §2).
    templates: dict[Literal["liaison_notice", "delivery_digest"], str] = Field(
        default_factory=lambda: dict(DEFAULT_TEMPLATES))

    @field_validator("templates")
    @classmethod
    def _every_template(cls, v: dict[str, str]) -> dict[str, str]:
        return {**DEFAULT_TEMPLATES, **v}

    @field_validator("encoding_aes_key")
    @classmethod
    def _aes_key_shape(cls, v: str) -> str:
        import base64
        import binascii

        if not v:
            return v
        if len(v) != 43:
            raise ValueError("must be the 43-character EncodingAESKey from the WeChat console, or empty")
        try:  # WeChat's key is base64 of 32 bytes without the trailing "="
            if len(base64.b64decode(v + "=", validate=True)) != 32:
                raise ValueError
        except (binascii.Error, ValueError):
            raise ValueError("is not a valid EncodingAESKey (43 characters of A-Z, a-z, 0-9, +, /)") from None
        return v

    @field_validator("webhook_path")
    @classmethod
    def _path_shape(cls, v: str) -> str:
        if not v.startswith("/"):
            raise ValueError("must start with '/'")
        return v

    @model_validator(mode="after")
    def _real_credentials(self) -> "WechatSettings":
        if not self.sandbox and (self.app_secret in ("", SANDBOX_SECRET) or "sandbox" in self.app_id):
            raise ValueError("real mode (sandbox: false) needs the real app_id and app_secret")
        if self.sandbox and (self.app_secret != SANDBOX_SECRET or REAL_APP_ID.fullmatch(self.app_id)):
            raise ValueError(
                "sandbox: true with a real account's wechat.app_id / wechat.app_secret: the sandbox "
                "would show members' data and accept fault injection. Set wechat.sandbox: false for "
                "the real account, or leave both keys at the sandbox's values")
        return self

    @model_validator(mode="after")
    def _encryption_mode(self) -> "WechatSettings":
        if self.encryption is None:
            self.encryption = "safe" if self.encoding_aes_key else "plain"
        elif self.encryption != "plain" and not self.encoding_aes_key:
            raise ValueError(f"encryption: {self.encryption} needs wechat.encoding_aes_key "
                             "(the EncodingAESKey from the WeChat console)")
        return self


class DatabaseSettings(_Section):
    url: str = "sqlite:///var/kiteline.db"
    echo: bool = False

    @field_validator("url")
    @classmethod
    def _url_shape(cls, v: str) -> str:
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            backend = make_url(v).get_backend_name()
        except ArgumentError as exc:
            raise ValueError("must be a database URL such as sqlite:///var/kiteline.db or "
                             "postgresql://user@host/db") from exc
        if backend not in ("sqlite", "postgresql"):
            raise ValueError(f"kiteline runs on sqlite or postgresql, not {backend}")
        return v


class RedisSettings(_Section):
    url: str | None = Field(None, pattern=r"^(rediss?|unix)://\S+$")


class ServerSettings(_Section):
    host: str = "127.0.0.1"
    port: int = Field(8080, ge=1, le=65535)
    # How WeChat (and the sandbox's API client) reach this server; empty: http://host:port
    public_base_url: str = ""

    @field_validator("host")
    @classmethod
    def _host_shape(cls, v: str) -> str:
        import ipaddress

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


class LessonSchedule(_Section):
    """One cron line that pushes the next unread lesson to every bound member."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    cron: str
    category: Literal["policy", "news", "exemplary", "law", "psychology", "skills"] | None = None

    @field_validator("cron")
    @classmethod
    def _cron_shape(cls, v: str) -> str:
        return _cron_line(v)


def _cron_line(v: str) -> str:
    from scheduler.cron import cron_trigger  # the scheduler's own reading of the line

    if len(v.split()) != 5:
        raise ValueError("must be a 5-field cron line: minute hour day month day_of_week")
    try:
        cron_trigger(v, ZoneInfo("Asia/Shanghai"))
    except ValueError as exc:
        raise ValueError(f"not a valid cron line ({exc})") from exc
    return v


class SchedulerSettings(_Section):
    enabled: bool = True
    timezone: str = "Asia/Shanghai"
    dispatch_interval_seconds: int = Field(5, ge=1, le=3600)
    lesson_schedules: list[LessonSchedule] = Field(default_factory=list)
    # When each branch secretary gets the list of notices that failed for good (crontab line).
    delivery_digest_cron: str = "0 18 * * *"

    @field_validator("delivery_digest_cron")
    @classmethod
    def _digest_cron(cls, v: str) -> str:
        return _cron_line(v)

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


class DeliverySettings(_Section):
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


class NluSettings(_Section):
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
            load(path)  # ValueError names the file and line; intents are checked by the router
        return paths


class PointsSettings(_Section):
    rules: dict[str, Annotated[int, Field(ge=0)]] = Field(
        default_factory=lambda: {"study": 1, "org_life": 5, "activity": 3})


class LiaisonSettings(_Section):
    sla_hours: int = Field(24, ge=1)
    escalation_chain: list[Literal["liaison", "secretary", "township"]] = Field(
        default_factory=lambda: ["liaison", "secretary", "township"]
    )


class BindingSettings(_Section):
    """How many failed binding tries one WeChat user (openid) gets: ``max_failures`` within
    ``window_hours``, then no binding at all for ``cooldown_hours`` (models.bind_attempts)."""

    max_failures: int = Field(5, ge=1, le=100)
    window_hours: int = Field(24, ge=1, le=24 * 30)
    cooldown_hours: int = Field(24, ge=1, le=24 * 30)


class PrivacySettings(_Section):
    retention_days: int = Field(180, ge=1)


class DistrictSettings(_Section):
    """The district organisation this deployment serves; ``--create-orgs`` builds under it."""

    name: str = Field("示例区", min_length=1)
    # Members are given this number whenever a person should help: it must not be empty.
    service_hotline: str = Field("0471-12345678", min_length=3)
    service_hours: str = "工作日 9:00-17:30"


class MenuButton(_Section):
    """One custom-menu button: a CLICK ``key`` (one of ``handlers.menu.MENU_KEYS``), a ``url``
    to open, or up to 5 ``sub_buttons`` (WeChat 自定义菜单 rules)."""

    name: str = Field(min_length=1)
    key: str | None = None
    url: str | None = Field(None, pattern=r"^https?://")
    sub_buttons: list["MenuButton"] = Field(default_factory=list, max_length=5)

    @field_validator("key")
    @classmethod
    def _known_key(cls, v: str | None) -> str | None:
        from handlers.menu import MENU_KEYS

        if v is not None and v not in MENU_KEYS:
            raise ValueError(f"unknown menu key {v!r}; known keys: {', '.join(MENU_KEYS)}")
        return v

    @model_validator(mode="after")
    def _one_action(self) -> "MenuButton":
        if sum(bool(x) for x in (self.key, self.url, self.sub_buttons)) != 1:
            raise ValueError(f"button {self.name!r} needs exactly one of key, url or sub_buttons")
        return self


class MenuSettings(_Section):
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


class Settings(_Section):
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
    one of its keys (``sandbox: …``) names that key."""
    key = ".".join(str(p) for p in loc) or "(top level)"
    field = Settings.model_fields.get(str(loc[0])) if len(loc) == 1 else None
    named = re.match(r"(\w+): ", message)
    if field is not None and named and named.group(1) in field.annotation.model_fields:
        return f"{key}.{named.group(1)}", message[named.end():]
    return key, message
