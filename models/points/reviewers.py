"""Who reviews a volunteer activity claim: the member's red liaison, else the branch secretary,
else the township contact (乡镇联系人) — the first of them bound to WeChat is sent it — and who
may decide one: any liaison of the member's branch (or the member's own liaison), the secretary
of the branch or of the village above it, the contact of the township above. Nobody decides
their own claim."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, false, or_, select
from sqlalchemy.orm import Session

from models.heads import HEADED_KINDS, first_head
from models.member import Liaison, Member
from models.org import Organization
from models.org_tree import subtree_of
from models.tickets import liaison_for

# What a liaison reviewer is, as the member reads it (the heads' words: models.heads).
LIAISON_WORDS = "您的红色联络员"


@dataclass(frozen=True)
class Reviewer:
    """The person a claim goes to, bound to WeChat, and what they are to the member in words
    (您的红色联络员, 支部书记, 乡镇联系人)."""

    member: Member
    role: str


def reviewer_for(session: Session, member: Member) -> Reviewer | None:
    """Whom ``member``'s claim is sent to: their liaison (:func:`models.tickets.liaison_for`,
    never themself), else the secretary of their branch or village, else their township's
    contact — the first bound to WeChat; ``None`` when none is."""
    liaison = liaison_for(session, member)
    if liaison is not None and liaison.member.openid:
        return Reviewer(liaison.member, LIAISON_WORDS)
    head = first_head(session, member)
    return Reviewer(*head) if head else None


@dataclass(frozen=True)
class Scope:
    """What a reviewer may decide: claims of members of ``branch_ids`` or assigned to the
    liaison ``liaison_id``, never their own (``reviewer_id``)."""

    reviewer_id: int
    branch_ids: frozenset[int]
    liaison_id: int | None

    def covers(self, member: Member) -> bool:
        """Whether the reviewer may decide ``member``'s claim."""
        return member.id != self.reviewer_id and (
            member.branch_id in self.branch_ids or (self.liaison_id is not None and member.liaison_id == self.liaison_id))

    def members(self) -> ColumnElement[bool]:
        """The same test as SQL on ``Member`` (for listing)."""
        assigned = Member.liaison_id == self.liaison_id if self.liaison_id is not None else false()
        return (Member.id != self.reviewer_id) & or_(Member.branch_id.in_(self.branch_ids), assigned)


def scope_of(session: Session, reviewer: Member) -> Scope:
    """``reviewer``'s :class:`Scope`: the branch of their liaisons row, and every organisation
    below one they head by name and phone (the org file's secretary or township contact)."""
    liaison = session.execute(select(Liaison.id, Liaison.branch_id).where(Liaison.member_id == reviewer.id)).first()
    heads = set(session.scalars(select(Organization.id).where(
        Organization.secretary_name == reviewer.name, Organization.secretary_phone == reviewer.phone,
        Organization.kind.in_(HEADED_KINDS))))
    found = subtree_of(session, heads)
    if liaison is not None:
        found.add(liaison.branch_id)
    return Scope(reviewer.id, frozenset(found), liaison.id if liaison is not None else None)
