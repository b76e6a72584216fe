"""The red liaisons of a scope, branch by branch, with what each has in hand (``kiteline
liaisons list``): members looked after (away ones among them), open tickets, whether they can be
reached by WeChat — and each branch's away members still without a liaison."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from models.member import Liaison, Member
from models.org import Organization
from models.org_tree import ledger_names
from models.tickets import OPEN, Ticket


@dataclass
class LiaisonLoad:
    """One liaison: name, phone, whether bound to WeChat, ``members`` they look after (``away``
    of them away), their ``open_tickets``."""

    name: str
    phone: str | None
    bound: bool
    members: int = 0
    away: int = 0
    open_tickets: int = 0


@dataclass
class BranchLiaisons:
    """One branch as the ledger writes it: its liaisons (first named first), its away members,
    and how many of those have no liaison."""

    branch: str
    liaisons: list[LiaisonLoad] = field(default_factory=list)
    away: int = 0
    unassigned: int = 0


def liaisons_by_branch(session: Session, org_ids: set[int] | None) -> list[BranchLiaisons]:
    """Every branch within ``org_ids`` (all for ``None``) that has a liaison or an away member,
    in ledger-name order. Five queries, whatever the number of branches."""
    names = ledger_names(session)
    in_scope = select(Organization.id).where(Organization.kind == "branch")
    if org_ids is not None:
        in_scope = in_scope.where(Organization.id.in_(org_ids))
    branches: dict[int, BranchLiaisons] = {}

    def branch(branch_id: int) -> BranchLiaisons:
        return branches.setdefault(branch_id, BranchLiaisons(names.get(branch_id, str(branch_id))))

    away = Member.status == "away"
    for branch_id, n_away, unassigned in session.execute(
            select(Member.branch_id, func.count(), func.sum(case((Member.liaison_id.is_(None), 1), else_=0)))
            .where(away, Member.branch_id.in_(in_scope)).group_by(Member.branch_id)):
        branch(branch_id).away, branch(branch_id).unassigned = n_away, unassigned
    loads: dict[int, LiaisonLoad] = {}
    for liaison_id, branch_id, name, phone, openid in session.execute(
            select(Liaison.id, Liaison.branch_id, Member.name, Member.phone, Member.openid)
            .join(Member, Member.id == Liaison.member_id)
            .where(Liaison.branch_id.in_(in_scope)).order_by(Liaison.id)):
        loads[liaison_id] = LiaisonLoad(name, phone, openid is not None)
        branch(branch_id).liaisons.append(loads[liaison_id])
    if loads:
        for liaison_id, members, n_away in session.execute(
                select(Member.liaison_id, func.count(), func.sum(case((away, 1), else_=0)))
                .where(Member.liaison_id.in_(list(loads))).group_by(Member.liaison_id)):
            loads[liaison_id].members, loads[liaison_id].away = members, n_away
        for liaison_id, count in session.execute(
                select(Ticket.liaison_id, func.count()).where(Ticket.liaison_id.in_(list(loads)), Ticket.status.in_(OPEN))
                .group_by(Ticket.liaison_id)):
            loads[liaison_id].open_tickets = count
    return sorted(branches.values(), key=lambda b: b.branch)
