"""Who a member can turn to: their red liaison, their branch, the sunshine stations near them.

Used for every capability that people handle (dues, transfers, meetings ...) until the bot
handles it itself, so a member always gets a name and a number instead of a dead end.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Row, bindparam, select
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


# Replies read stations as plain rows (a station's columns as attributes), with statements built
# once: 驿站 is one of the messages members send most.
_ALL_STATIONS = select(Station.__table__).order_by(Station.__table__.c.id)
_STATIONS_IN = _ALL_STATIONS.where(Station.__table__.c.city == bindparam("city"))


def stations_in(session: Session, city: str | None) -> list[Row]:
    """Sunshine stations in ``city`` (short name, e.g. ``深圳``), as read-only rows with the
    columns of :class:`Station`; empty when none or no city."""
    if not city:
        return []
    return list(session.execute(_STATIONS_IN, {"city": city}))


def all_stations(session: Session) -> list[Row]:
    """Every sunshine station, in the order they were registered (rows, as :func:`stations_in`)."""
    return list(session.execute(_ALL_STATIONS))
