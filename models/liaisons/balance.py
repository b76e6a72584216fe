"""Giving every away member a red liaison (1+N): ``kiteline liaisons assign --org NAME``.

Within each branch, the away members without a liaison go one by one (oldest on the roster
first) to the branch's liaison with the fewest members so far, the liaison first named on a tie
— so the same roster always gives the same result, and the branch's load stays level. Nobody is
made their own liaison. A branch with away members but no liaison (or none but the member
themself) is reported, not guessed at: someone must name its liaisons first (org file, liaison
list).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.liaisons.assignment import Change
from models.liaisons.handover import Handover, change_liaisons
from models.member import Liaison, Member
from models.org_tree import ledger_names

SOURCE = "assign"


@dataclass
class Given:
    """One liaison of a branch after a balancing: ``added`` members given to them now,
    ``total`` members they look after."""

    name: str
    added: int
    total: int


@dataclass
class BranchBalance:
    """One branch that had away members without a liaison: ``branch`` as the ledger writes it,
    ``waiting`` how many there were, ``given`` its liaisons (in the order first named), ``left``
    how many still have none (the branch has no liaison to give)."""

    branch: str
    waiting: int
    given: list[Given] = field(default_factory=list)
    left: int = 0


@dataclass
class _Load:
    liaison_id: int
    member_id: int
    name: str
    total: int
    added: int = 0


def balance(session: Session, org_ids: set[int] | None, *, now: dt.datetime, changed_by: str,
            template_id: str | None) -> tuple[list[BranchBalance], Handover]:
    """Give each away member without a liaison, in the branches within ``org_ids`` (every
    branch for ``None``), the liaison of their branch with the fewest members. Returns one
    :class:`BranchBalance` per branch that had such members (in ledger-name order) and the
    handover (members told, liaisons told). ``changed_by``: who ran it. The caller commits."""
    query = (select(Member.id, Member.branch_id).where(Member.status == "away", Member.liaison_id.is_(None))
             .order_by(Member.branch_id, Member.id))
    if org_ids is not None:
        query = query.where(Member.branch_id.in_(org_ids))
    waiting: dict[int, list[int]] = {}
    for member_id, branch_id in session.execute(query):
        waiting.setdefault(branch_id, []).append(member_id)
    if not waiting:
        return [], Handover()
    loads = _loads(session, set(waiting))
    names = ledger_names(session)
    outcomes, changes = [], []
    for branch_id, members in waiting.items():
        outcome = BranchBalance(names.get(branch_id, str(branch_id)), len(members))
        branch_loads = loads.get(branch_id, [])
        for member_id in members:
            candidates = [load for load in branch_loads if load.member_id != member_id]
            if not candidates:
                outcome.left += 1
                continue
            chosen = min(candidates, key=lambda load: (load.total, load.liaison_id))
            chosen.total += 1
            chosen.added += 1
            changes.append(Change(member_id, None, chosen.liaison_id))
        outcome.given = [Given(load.name, load.added, load.total) for load in branch_loads]
        outcomes.append(outcome)
    outcomes.sort(key=lambda o: o.branch)
    handover = change_liaisons(session, changes, source=SOURCE, changed_by=changed_by, now=now,
                               template_id=template_id)
    return outcomes, handover


def _loads(session: Session, branch_ids: set[int]) -> dict[int, list[_Load]]:
    """Branch id → its liaisons with how many members each looks after, first named first."""
    counts = dict(session.execute(select(Member.liaison_id, func.count()).where(Member.liaison_id.is_not(None))
                                  .group_by(Member.liaison_id)).all())
    loads: dict[int, list[_Load]] = {}
    for liaison_id, member_id, branch_id, name in session.execute(
            select(Liaison.id, Liaison.member_id, Liaison.branch_id, Member.name)
            .join(Member, Member.id == Liaison.member_id)
            .where(Liaison.branch_id.in_(branch_ids)).order_by(Liaison.id)):
        loads.setdefault(branch_id, []).append(_Load(liaison_id, member_id, name, counts.get(liaison_id, 0)))
    return loads
