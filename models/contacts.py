"""Who a member can turn to: their red liaison, their branch, the sunshine stations near them.

Used for every capability that people handle (dues, transfers, meetings ...) until the bot
handles it itself, so a member always gets a name and a number instead of a dead end.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Row, bindparam, or_, select
from sqlalchemy.orm import Session

from models.member import Member
from models.station import Station
from models.tickets import liaison_for


@dataclass(frozen=True)
class Contacts:
    """Names and phones for one member; any part may be ``None`` when the roster lacks it."""

    liaison_name: str | None
    liaison_phone: str | None
    branch_name: str | None
    branch_phone: str | None


def contacts_for(session: Session, member: Member | None) -> Contacts:
    """The member's liaison and branch; all ``None`` for someone not on the roster."""
    if member is None:
        return Contacts(None, None, None, None)
    liaison = liaison_for(session, member)
    person = liaison.member if liaison is not None else None
    return Contacts(person.name if person else None, person.phone if person else None,
                    member.branch.name, member.branch.contact_phone)


# Replies read stations as plain rows (a station's columns as attributes), with the statement
# built once: 驿站 is one of the messages members send most. One read serves both answers — the
# city's stations, or when it has none the first registered ones.
_STATIONS = Station.__table__
_FIRST = select(_STATIONS.c.id).order_by(_STATIONS.c.id).limit(bindparam("first"))
_NEAR_OR_FIRST = (select(_STATIONS)
                  .where(or_(_STATIONS.c.city == bindparam("city"), _STATIONS.c.id.in_(_FIRST.scalar_subquery())))
                  .order_by(_STATIONS.c.id))


def stations_near(session: Session, city: str | None, first: int) -> tuple[list[Row], list[Row]]:
    """``(near, others)``: the sunshine stations in ``city`` (short name, e.g. ``深圳``; none
    for no city), and — only when there are none — the ``first`` stations registered, for an
    answer that lists some; read-only rows with the columns of :class:`Station`, in the order
    they were registered. One statement."""
    rows = list(session.execute(_NEAR_OR_FIRST, {"city": city or None, "first": first}))
    near = [row for row in rows if city and row.city == city]
    return near, [] if near else rows[:first]
