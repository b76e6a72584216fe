"""What a bound member is besides a member: the roles that may use role commands
(``handlers.commands``). GLOSSARY: 红色联络员 ``liaison`` (a ``liaisons`` row), 支部书记
``secretary`` and 党委书记 ``township`` (the bound member whose name and phone a branch or a
township names as its secretary — for a township, the org file's 乡镇联系人 — as
``models.delivery.digest.secretary_of`` finds them)."""
from __future__ import annotations

from enum import StrEnum

from sqlalchemy import String, literal, select, union_all
from sqlalchemy.orm import Session

from models.member import Liaison, Member
from models.org import Organization


class Role(StrEnum):
    MEMBER = "member"
    LIAISON = "liaison"
    SECRETARY = "secretary"
    TOWNSHIP = "township"


# Where a secretary's organisation sits in the tree -> the role it gives; a liaisons row gives
# the liaison role.
ROLE_OF = {"branch": Role.SECRETARY, "village": Role.SECRETARY, "township": Role.TOWNSHIP,
           "liaison": Role.LIAISON}


def roles_of(session: Session, member: Member | None) -> frozenset[Role]:
    """``member``'s roles: none for an unbound follower, ``member`` for everyone bound, and
    ``liaison`` / ``secretary`` / ``township`` as the liaison list and the organisations' secretary
    names and phones say. One SELECT; callers resolve it once per message."""
    if member is None:
        return frozenset()
    liaison = select(literal("liaison", String)).where(Liaison.member_id == member.id)
    secretary = select(Organization.kind).where(
        Organization.secretary_name == member.name, Organization.secretary_phone == member.phone)
    kinds = session.scalars(union_all(liaison, secretary))
    return frozenset({Role.MEMBER, *(ROLE_OF[k] for k in kinds if k in ROLE_OF)})
