"""What a bound member is besides a member: the roles that may use role commands
(``handlers.commands``). GLOSSARY: 红色联络员 ``liaison`` (a ``liaisons`` row), 支部书记
``secretary`` and 党委书记 ``township`` (the bound member whose name and phone a branch or a
township names as its secretary — for a township, the org file's 乡镇联系人 — as
``models.delivery.digest.secretary_of`` finds them)."""
from __future__ import annotations

from enum import StrEnum

from sqlalchemy import ColumnElement, String, and_, exists, or_, select, type_coerce
from sqlalchemy.orm import Session, aliased

from models.delivery.digest import secretary_of
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
# The roles beyond ``member``, in the order of :func:`role_columns`.
EXTRA_ROLES = (Role.LIAISON, Role.SECRETARY, Role.TOWNSHIP)


def role_columns(member_id, name, phone) -> list[ColumnElement[bool]]:
    """One EXISTS per role of :data:`EXTRA_ROLES`, for the member whose id, name and phone are
    ``member_id``, ``name``, ``phone`` (values, or columns of an enclosing query such as the
    webhook's read of the sender, ``models.inbound_sender``). The tables are aliased, so an
    enclosing query that joins liaisons or organisations itself is not correlated with them; the
    kinds are plain bound parameters, not an IN list expanded at every execution."""
    liaisons, orgs = aliased(Liaison), aliased(Organization)
    columns = [exists().where(liaisons.member_id == member_id).label("role_liaison")]
    for role in EXTRA_ROLES[1:]:
        kinds = [kind for kind, given in ROLE_OF.items() if given is role]
        # A member without a phone matches a secretary named without one, as ``== None`` (IS
        # NULL) always did for a value; spelt as an OR, not IS NOT DISTINCT FROM, which
        # PostgreSQL's index on the phone cannot serve.
        same_phone = or_(orgs.secretary_phone == phone,
                         and_(orgs.secretary_phone.is_(None), type_coerce(phone, String).is_(None)))
        columns.append(exists().where(orgs.secretary_name == name, same_phone,
                                      or_(*(orgs.kind == kind for kind in kinds))).label(f"role_{role.value}"))
    return columns


def roles_from(flags) -> frozenset[Role]:
    """A bound member's roles from the values of :func:`role_columns`, in their order."""
    return frozenset({Role.MEMBER, *(role for role, held in zip(EXTRA_ROLES, flags) if held)})


def roles_of(session: Session, member: Member | None) -> frozenset[Role]:
    """``member``'s roles: none for an unbound follower, ``member`` for everyone bound, and
    ``liaison`` / ``secretary`` / ``township`` as the liaison list and the organisations' secretary
    names and phones say. One SELECT; callers resolve it once per message."""
    if member is None:
        return frozenset()
    return roles_from(session.execute(select(*role_columns(member.id, member.name, member.phone))).one())


def township_of(org: Organization) -> Organization | None:
    """The township (乡镇/街道) ``org`` belongs to — itself when it is one — or ``None`` for an
    organisation with none above it (the district)."""
    return next((node for node in reversed(org.path()) if node.kind == "township"), None)


def township_contact_of(session: Session, branch: Organization) -> Member | None:
    """The contact of ``branch``'s township committee (乡镇联系人, the township's
    ``secretary_name`` / ``secretary_phone`` in the org file) as a bound roster member, or
    ``None`` when the township names nobody or they have not bound WeChat."""
    township = township_of(branch)
    return secretary_of(session, township) if township is not None else None
