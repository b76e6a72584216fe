"""WeChat followers of the official account and their customer-service window.

The window rule is WeChat's (客服消息 docs): after a user's message the account may send 5
customer-service messages within 48 hours; after a menu click, follow or QR scan, 3 within
1 minute. Other events — the automatic LOCATION report, a VIEW link, template and mass-send
reports — open nothing. Outside the window the API answers 45015/45047, so we defer instead of
sending.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, timestamp

MESSAGE_WINDOW = (dt.timedelta(hours=48), 5)
EVENT_WINDOW = (dt.timedelta(minutes=1), 3)
# Events that open the 1-minute window (客服消息 docs: 关注, 扫描二维码, and of the custom menu's
# button types only 点击推事件, 扫码推事件 and 扫码推事件且弹出"消息接收中"), lower-case as parsed.
WINDOW_EVENTS = frozenset({"subscribe", "scan", "click", "scancode_push", "scancode_waitmsg"})


def opens_window(msg_type: str, event: str | None) -> bool:
    """Whether an inbound ``msg_type`` (``event`` for events) opens the customer-service window:
    every message does; of events, only :data:`WINDOW_EVENTS`."""
    return msg_type != "event" or (event or "") in WINDOW_EVENTS


class Follower(Base):
    """One openid that has talked to or followed the account (bound or not)."""

    __tablename__ = "followers"

    openid: Mapped[str] = mapped_column(String(64), primary_key=True)
    subscribed: Mapped[bool] = mapped_column(default=True)
    first_seen_at: Mapped[timestamp]
    unsubscribed_at: Mapped[dt.datetime | None] = mapped_column()
    last_interaction_at: Mapped[timestamp]
    window_expires_at: Mapped[dt.datetime | None] = mapped_column()
    window_budget: Mapped[int] = mapped_column(default=0)

    def open_window(self, at: dt.datetime, *, by_message: bool) -> None:
        """Record an interaction; a message opens the 48 h/5 window, an event the 1 min/3 one.

        A short event window never shortens a longer window that is still open."""
        span, budget = MESSAGE_WINDOW if by_message else EVENT_WINDOW
        self.last_interaction_at = at
        expires = at + span
        if by_message or not self.window_open(at) or self.window_expires_at < expires:
            self.window_expires_at = expires
            self.window_budget = budget

    def window_open(self, at: dt.datetime) -> bool:
        return bool(self.window_expires_at and at < self.window_expires_at and self.window_budget > 0)

    def spend_window(self) -> None:
        self.window_budget = max(0, self.window_budget - 1)
