"""The rest of a long answer, kept until the member asks for it (回复“更多”).

WeChat's passive reply holds 2048 bytes of text (被动回复 docs); a longer answer is sent a page at
a time, the pages after the first kept here, one row per follower, for :data:`KEEP` — and dropped
as soon as the member asks something else.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base, timestamp

KEEP = dt.timedelta(hours=12)


class ReplyPages(Base):
    """The pages of one follower's last long answer not yet sent (``pages``: texts in order)."""

    __tablename__ = "reply_pages"

    openid: Mapped[str] = mapped_column(String(64), primary_key=True)
    pages: Mapped[list] = mapped_column(JSON)
    expires_at: Mapped[timestamp]


def keep_pages(session: Session, openid: str, pages: list[str], now: dt.datetime) -> None:
    """Keep ``pages`` (the second page onwards) for ``openid``, replacing older ones."""
    row = session.get(ReplyPages, openid) or ReplyPages(openid=openid)
    row.pages, row.expires_at = list(pages), now + KEEP
    session.add(row)


def waiting_pages(session: Session, openid: str, now: dt.datetime) -> ReplyPages | None:
    """The follower's pages still to send, or ``None`` (expired ones are dropped)."""
    return unexpired(session, session.get(ReplyPages, openid), now)


def unexpired(session: Session, row: ReplyPages | None, now: dt.datetime) -> ReplyPages | None:
    """``row`` (already read) while its pages may still be sent; an expired one is dropped."""
    if row is not None and row.expires_at <= now:
        session.delete(row)
        return None
    return row


def take_page(session: Session, row: ReplyPages) -> str:
    """The next page of ``row``, removing it (the row goes with its last page)."""
    page, rest = row.pages[0], row.pages[1:]
    if rest:
        row.pages = rest
    else:
        session.delete(row)
    return page
