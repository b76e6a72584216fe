"""WeChat followers of the official account: who follows, since when, and their
customer-service window (the rules for the window are :mod:`models.delivery.window`'s)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import String
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base, timestamp


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
