"""The two ways a queued message reaches WeChat — customer-service (``custom``) and template
messages — and what limits each: the follower's window and its budget, and a channel the
platform closed for the day.

The window rule is WeChat's (客服消息 docs, see :mod:`models.follower`): customer-service
messages only inside the window, template messages any time. Daily API quotas (45009) reset at
00:00 Beijing time.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, String, Text, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base, timestamp
from models.follower import Follower
from models.outbox import OutboxMessage

CHANNELS = ("custom", "template")


class ChannelPause(Base):
    """A channel the platform closed for the day (error 45009, daily API quota reached)."""

    __tablename__ = "channel_pauses"
    __table_args__ = (CheckConstraint(f"channel IN {CHANNELS}", name="channel"),)

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    paused_until: Mapped[timestamp]
    reason: Mapped[str | None] = mapped_column(Text)


def channel_of(row: OutboxMessage) -> str:
    """``template`` rows go out as template messages; text and news as customer-service ones."""
    return "template" if row.kind == "template" else "custom"


def reserve_window(session: Session, openid: str, now: dt.datetime) -> str:
    """Spend one message of ``openid``'s customer-service window, atomically.

    Returns ``"open"`` (a message may go out now), ``"closed"`` (no window or budget: wait for
    the member's next message) or ``"unfollowed"``."""
    spent = session.execute(
        update(Follower)
        .where(Follower.openid == openid, Follower.subscribed.is_(True),
               Follower.window_expires_at > now, Follower.window_budget > 0)
        .values(window_budget=Follower.window_budget - 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if spent == 1:
        return "open"
    follower = session.get(Follower, openid)
    return "unfollowed" if follower is not None and not follower.subscribed else "closed"


def refund_window(session: Session, openid: str, now: dt.datetime) -> None:
    """A message reserved with :func:`reserve_window` was not sent (-1, no connection): give
    its place in the window back, if the window is still open."""
    session.execute(update(Follower)
                    .where(Follower.openid == openid, Follower.window_expires_at > now)
                    .values(window_budget=Follower.window_budget + 1)
                    .execution_options(synchronize_session=False))


def close_window(session: Session, openid: str) -> None:
    """The platform said the window is closed or spent (45015/45047): believe it until the
    member's next message reopens it."""
    session.execute(update(Follower).where(Follower.openid == openid).values(window_budget=0)
                    .execution_options(synchronize_session=False))


def follower_unsubscribed(session: Session, openid: str) -> bool:
    """True when ``openid`` is known to have unfollowed the account."""
    follower = session.get(Follower, openid)
    return follower is not None and not follower.subscribed


def pause_channel(session: Session, channel: str, until: dt.datetime, reason: str) -> None:
    """Stop sending on ``channel`` until ``until`` (aware UTC)."""
    pause = session.get(ChannelPause, channel)
    if pause is None:
        session.add(ChannelPause(channel=channel, paused_until=until, reason=reason))
    else:
        pause.paused_until, pause.reason = until, reason


def channel_paused_until(session: Session, channel: str, now: dt.datetime) -> dt.datetime | None:
    """When ``channel`` may be used again, or ``None`` if it is open now."""
    pause = session.get(ChannelPause, channel)
    return pause.paused_until if pause is not None and pause.paused_until > now else None
