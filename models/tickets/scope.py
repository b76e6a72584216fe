"""Who may work which tickets (the desk's reach), and as whom.

A red liaison reaches the tickets of their branch's members; a branch secretary those of every
branch under the organisation they head (a branch, or a village and its branches); a township
contact those of every branch of the township (the org tree, ``models.org``). Anyone also
reaches a ticket they hold (``Ticket.holder_id``: handed to them). Nobody reaches their own help
request: it is worked by someone else (``liaison_for``).

A person with several roles acts on each ticket in the narrowest one that reaches it — a
liaison who is also the township contact answers their own branch's tickets as its liaison —
and that role is the actor kind of the events they cause (``models.tickets.events.Actor``).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from models.member import Liaison, Member
from models.org import Organization
from models.tickets.events import Actor
from models.tickets.ticket import OPEN, Ticket

# Widest first: a narrower role reaching the same branch replaces a wider one.
ROLE_ORDER = ("township", "secretary", "liaison")
# The organisation kinds whose named secretary holds each role (as models.roles reads them).
HEADS = {"township": ("township",), "secretary": ("branch", "village")}
# Most open tickets one list shows: a township's backlog is for the console and the report.
LIST_MAX = 60


@dataclass(frozen=True)
class Reach:
    """What ``person_id`` may work: ``kinds`` maps each organisation id whose members' tickets
    they reach to the actor kind they act in there; ``own_kind`` is their narrowest role (the
    kind they act in on a ticket they only hold), ``None`` when they have none."""

    person_id: int
    kinds: Mapping[int, str]
    own_kind: str | None

    def actor_for(self, ticket: Ticket) -> Actor | None:
        """The actor this person is on ``ticket``, or ``None`` when it is out of their reach."""
        if ticket.member_id == self.person_id:
            return None
        kind = self.kinds.get(ticket.member.branch_id)
        if kind is None and ticket.holder_id == self.person_id:
            kind = self.own_kind or "liaison"
        return Actor(kind, self.person_id) if kind else None


def reach_of(session: Session, person: Member) -> Reach:
    """``person``'s reach, from the liaison list and the organisations naming them secretary
    (name and phone, as ``models.roles``). A few SELECTs; callers read it once per message."""
    kinds: dict[int, str] = {}
    own = None
    for role in ROLE_ORDER:
        if role == "liaison":
            heads = set(session.scalars(select(Liaison.branch_id).where(Liaison.member_id == person.id)))
        else:
            heads = set(session.scalars(select(Organization.id).where(
                Organization.secretary_name == person.name, Organization.secretary_phone == person.phone,
                Organization.kind.in_(HEADS[role]))))
        if heads:
            own = role
            kinds.update(dict.fromkeys(subtree(session, heads), role))
    return Reach(person.id, kinds, own)


def subtree(session: Session, org_ids: Iterable[int]) -> set[int]:
    """``org_ids`` and every organisation below them."""
    found = frontier = set(org_ids)
    while frontier:
        frontier = set(session.scalars(select(Organization.id).where(Organization.parent_id.in_(frontier)))) - found
        found = found | frontier
    return found


def open_in_reach(session: Session, reach: Reach, limit: int = LIST_MAX) -> tuple[list[Ticket], int]:
    """Up to ``limit`` open tickets (status in ``OPEN``) ``reach`` covers, oldest first, and how
    many there are in all."""
    query = _in_reach(reach).where(Ticket.status.in_(OPEN))
    tickets = list(session.scalars(query.order_by(Ticket.created_at, Ticket.id).limit(limit)
                                  .options(selectinload(Ticket.member), selectinload(Ticket.holder))))
    if len(tickets) < limit:
        return tickets, len(tickets)
    return tickets, session.scalar(select(func.count()).select_from(query.subquery()))


def held_open(session: Session, person: Member) -> list[Ticket]:
    """The open tickets ``person`` holds (handed to them at filing, by 转, by a claim), oldest
    first; never their own."""
    return list(session.scalars(select(Ticket).where(
        Ticket.holder_id == person.id, Ticket.member_id != person.id, Ticket.status.in_(OPEN))
        .order_by(Ticket.created_at, Ticket.id)))


def ticket_numbered(session: Session, number: str) -> Ticket | None:
    """The ticket numbered ``number`` (``Q20261129003``), whoever's it is: callers check
    :meth:`Reach.actor_for` before acting, and say "not found" for one out of reach."""
    return session.scalar(select(Ticket).where(Ticket.number == number))


def _in_reach(reach: Reach):
    covered = Member.branch_id.in_(list(reach.kinds)) | (Ticket.holder_id == reach.person_id)
    return (select(Ticket).join(Member, Member.id == Ticket.member_id)
            .where(covered, Ticket.member_id != reach.person_id))
