"""The list of tickets a liaison (secretary, township contact) was last shown, so that
"接单 2" means the second line of the list they are looking at.

Positions are read against the stored list, never against the tickets open now: a ticket
settled since, or a new one filed, would otherwise shift every number after it, and "回复 2 …"
would reach another member. Showing a new list (我的工单, or "which ticket is this for?")
replaces the old one; a list older than :data:`LIST_LASTS` is no longer read.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, ForeignKey
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base, timestamp

# How long a shown list's positions stay good: a working week's look back in the chat.
LIST_LASTS = dt.timedelta(days=7)


class DeskList(Base):
    """The tickets ``member_id`` was last shown, in the order shown (``ticket_ids``, position
    1 first), and when."""

    __tablename__ = "desk_lists"

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
    ticket_ids: Mapped[list[int]] = mapped_column(JSON)
    shown_at: Mapped[timestamp]


def remember_list(session: Session, member_id: int, ticket_ids: list[int], now: dt.datetime) -> None:
    """``member_id`` was just shown ``ticket_ids`` in this order: positions now mean these."""
    row = session.get(DeskList, member_id)
    if row is None:
        session.add(DeskList(member_id=member_id, ticket_ids=list(ticket_ids), shown_at=now))
    else:
        row.ticket_ids, row.shown_at = list(ticket_ids), now


def listed_ticket_id(session: Session, member_id: int, position: int, now: dt.datetime) -> int | None:
    """The id of the ticket at ``position`` (1-based) of ``member_id``'s last list; ``None``
    when there is no list younger than :data:`LIST_LASTS` or it has no such line."""
    row = session.get(DeskList, member_id)
    if row is None or now - row.shown_at > LIST_LASTS or not 1 <= position <= len(row.ticket_ids):
        return None
    return row.ticket_ids[position - 1]


def has_list(session: Session, member_id: int, now: dt.datetime) -> bool:
    """Whether ``member_id`` has a list whose positions are still read."""
    row = session.get(DeskList, member_id)
    return row is not None and now - row.shown_at <= LIST_LASTS
