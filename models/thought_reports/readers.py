"""Who reads a member's thought report (阅): the secretary of their branch, else of the village
above it, else their township's contact (乡镇联系人) — the first bound to WeChat is sent it — and
who may acknowledge one: the secretary of the member's branch or of an organisation above it
(village, township), as the org file names them (name and phone, ``models.roles``). Nobody
acknowledges their own report: a secretary's own goes to the organisation above."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.heads import HEADED_KINDS, first_head
from models.member import Member
from models.org import Organization
from models.org_tree import subtree_of


@dataclass(frozen=True)
class Reader:
    """The person a report is sent to, bound to WeChat, and what they are to the member in
    words (支部书记, 乡镇联系人)."""

    member: Member
    role: str


def reader_for(session: Session, member: Member) -> Reader | None:
    """Whom ``member``'s report is sent to: the secretary of their branch, else of the village
    above, else the township's contact — the first bound to WeChat who is not the member;
    ``None`` when none is."""
    head = first_head(session, member)
    return Reader(*head) if head else None


@dataclass(frozen=True)
class Scope:
    """What a reader may acknowledge: reports of members of ``branch_ids``, never their own
    (``reader_id``)."""

    reader_id: int
    branch_ids: frozenset[int]

    def covers(self, member: Member) -> bool:
        """Whether the reader may acknowledge ``member``'s report."""
        return member.id != self.reader_id and member.branch_id in self.branch_ids


def scope_of(session: Session, reader: Member) -> Scope:
    """``reader``'s :class:`Scope`: every organisation below one they head by name and phone."""
    heads = set(session.scalars(select(Organization.id).where(
        Organization.secretary_name == reader.name, Organization.secretary_phone == reader.phone,
        Organization.kind.in_(HEADED_KINDS))))
    return Scope(reader.id, frozenset(subtree_of(session, heads)))
