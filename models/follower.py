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
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base, timestamp

MESSAGE_WINDOW = (dt.timedelta(hours=48), 5)
EVENT_WINDOW = (dt.timedelta(minutes=1), 3)
# Events that open the 1-minute window (客服消息 docs: 关注, 扫描二维码, and of the custom menu's
# button types only 点击推事件, 扫码推事件 and 扫码推事件且弹出"消息接收中"), lower-case as parsed.
WINDOW_EVENTS = frozenset({"subscribe", "scan", "click", "scancode_push", "scancode_waitmsg"})
# A member's conversation moves the interaction time and the window's end a little with every
# message; a move smaller than this is not written (see Follower.interacted).
INTERACTION_GRAIN = dt.timedelta(minutes=1)


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

    def interacted(self, at: dt.datetime, *, window: bool, by_message: bool) -> None:
        """The follower wrote (``by_message``) or sent an event at ``at``: they follow the
        account, and when ``window`` (:func:`opens_window`) the customer-service window opens.

        A change smaller than :data:`INTERACTION_GRAIN` to the interaction time or the window's
        end is left unwritten, so a conversation updates the row once a minute, not once a
        message — on SQLite a write every member's message would queue for. The stored window
        then ends up to that much before WeChat's, never after it: nothing is sent into a
        closed window. A changed budget or subscription is always written."""
        if not self.subscribed:
            self.subscribed = True
        if window:
            span, budget = MESSAGE_WINDOW if by_message else EVENT_WINDOW
            expires = at + span
            if by_message or not self.window_open(at) or self.window_expires_at < expires:
                if budget != self.window_budget or _moved(self.window_expires_at, expires):
                    self.window_expires_at, self.window_budget = expires, budget
                    self.last_interaction_at = at
        if _moved(self.last_interaction_at, at):
            self.last_interaction_at = at

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


def first_contact(session: Session, openid: str, now: dt.datetime) -> Follower:
    """Create the follower row of a first message, committed on its own (commit nothing else
    pending in ``session``): when two first messages of a new follower arrive at once, the
    loser's insert fails harmlessly."""
    session.add(Follower(openid=openid, first_seen_at=now, last_interaction_at=now))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
    return session.get(Follower, openid)


def _moved(before: dt.datetime | None, after: dt.datetime) -> bool:
    return before is None or after - before >= INTERACTION_GRAIN
