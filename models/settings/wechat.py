"""The ``wechat`` section: the official account, its secrets, encryption mode and API."""
from __future__ import annotations

import base64
import binascii
import re
from typing import Literal

from pydantic import Field, field_validator, model_validator

from models.settings.base import Section

# The sandbox's own placeholder secret. Any other AppSecret, or an AppID of WeChat's shape
# (wx + 16 hex digits, 开发者ID), is a real account's: it never runs the sandbox, whose pages show
# members' names, phones and help requests and accept fault injection (DESIGN.md §3).
SANDBOX_SECRET = "sandbox-secret"
REAL_APP_ID = re.compile(r"wx[0-9a-f]{16}")

# Template ids a deployment has not configured yet (the sandbox accepts any id).
DEFAULT_TEMPLATES = {"liaison_notice": "kiteline_liaison_notice",
                     "delivery_digest": "kiteline_delivery_digest",
                     "verification_list": "kiteline_verification_list",
                     "ticket_escalation": "kiteline_ticket_escalation",
                     "contact_plan": "kiteline_contact_plan",
                     "liaison_handover": "kiteline_liaison_handover",
                     "activity_claim": "kiteline_activity_claim",
                     "ticket_reply": "kiteline_ticket_reply",
                     "thought_report": "kiteline_thought_report"}


class WechatSettings(Section):
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
    # abandoned after the request was written has an unknown outcome (models.delivery.purposes).
    api_timeout_seconds: float = Field(5.0, gt=0, le=30)
    # Template IDs (模板消息) from the WeChat console, by notice. A notice whose member's
    # customer-service window is closed goes out as this template at once (DESIGN.md §2).
    templates: dict[Literal["liaison_notice", "delivery_digest", "verification_list", "ticket_escalation",
                            "contact_plan", "liaison_handover", "activity_claim", "ticket_reply",
                            "thought_report"], str] = Field(
        default_factory=lambda: dict(DEFAULT_TEMPLATES))

    @field_validator("templates")
    @classmethod
    def _every_template(cls, v: dict[str, str]) -> dict[str, str]:
        return {**DEFAULT_TEMPLATES, **v}

    @field_validator("encoding_aes_key")
    @classmethod
    def _aes_key_shape(cls, v: str) -> str:
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
