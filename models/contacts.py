"""Who a member can turn to: their red liaison and their branch.

Used for every capability that people handle (dues, transfers, meetings ...) until the bot
handles it itself, so a member always gets a name and a number instead of a dead end.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from models.member import Member
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
