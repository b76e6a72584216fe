"""Finding (and, when asked, building) the branch a ledger row names in 所属党支部, the name an
exported ledger writes for each branch, and the branches an ``--org`` scope covers.

Ledgers write a branch by its full name, township first: ``红柳镇白杨村党支部``. The tree stores
district → township (镇/乡/街道/苏木) → village (村/社区/嘎查) → branch (``白杨村党支部``), so
a branch answers to its own name and to its name prefixed with its township (and village).
"""
from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.ledger import CellError
from models.org import Organization
from models.places import clean

TOWNSHIP = re.compile(r"^(.+?(?:镇|乡|街道|苏木|办事处))(.+)$")
VILLAGE = re.compile(r"^(.+?(?:村|社区|嘎查|居委会))(?:党支部|支部|党总支|联合党支部)$")


def branch_labels(branch: Organization) -> set[str]:
    """Every way a ledger may name ``branch``: its name, with township and/or village before it."""
    names = [node.name for node in branch.path() if node.kind in ("township", "village")]
    labels = {branch.name}
    for i in range(len(names)):
        labels.add("".join(names[i:]) + branch.name)
        labels.add(names[i] + branch.name)
    return labels


class BranchResolver:
    """Resolves 所属党支部 cells to branch ids for one import, creating missing organisations
    under ``district`` when ``create_orgs`` is set. ``created`` lists every organisation
    created, as ``(kind, name)`` in the order made: a branch as the ledger named it
    (``红柳镇白杨村党支部``), the others by their own name."""

    def __init__(self, session: Session, district: str, create_orgs: bool) -> None:
        self.session, self.district, self.create_orgs = session, district, create_orgs
        self.created: list[tuple[str, str]] = []
        self._labels: dict[str, list[int]] = {}
        for branch in session.scalars(select(Organization).where(Organization.kind == "branch")):
            self._remember(branch)

    def _remember(self, branch: Organization) -> None:
        for label in branch_labels(branch):
            self._labels.setdefault(label, []).append(branch.id)

    def branch_id(self, cell: object, *, dry_run: bool = False) -> int | None:
        """The id of the branch ``cell`` names. Raises :class:`CellError` (in Chinese) when it is
        empty, ambiguous, or unknown and cannot or may not be created. ``dry_run`` only checks
        (for a row that is bad anyway): nothing is created and ``None`` is returned."""
        name = clean(cell)
        if not name:
            raise CellError("所属党支部为空")
        ids = self._labels.get(name, [])
        if len(ids) > 1:
            raise CellError(f"所属党支部“{name}”有重名，请写上乡镇名，如“红柳镇{name}”")
        if ids:
            return ids[0]
        if not self.create_orgs:
            raise CellError(f"所属党支部“{name}”在系统中找不到（导入时加 --create-orgs 可自动建立）")
        match = TOWNSHIP.match(name)
        if not match or not match.group(2).endswith(("支部", "党总支")):
            raise CellError(f"所属党支部“{name}”找不到，也看不出属于哪个乡镇，请写全称，如“红柳镇白杨村党支部”")
        return None if dry_run else self._create(name, match)

    def _create(self, name: str, match: re.Match) -> int:
        township = self._child(self._district(), match.group(1), "township")
        branch_name = match.group(2)
        village = VILLAGE.match(branch_name)
        parent = self._child(township, village.group(1), "village") if village else township
        branch = self._child(parent, branch_name, "branch", label=name)
        self._remember(branch)
        return branch.id

    def _district(self) -> Organization:
        found = self.session.scalar(select(Organization).where(
            Organization.kind == "district", Organization.name == self.district))
        return found or self._add(Organization(name=self.district, kind="district"))

    def _child(self, parent: Organization, name: str, kind: str, label: str | None = None) -> Organization:
        found = self.session.scalar(select(Organization).where(
            Organization.parent_id == parent.id, Organization.name == name))
        return found or self._add(Organization(name=name, kind=kind, parent_id=parent.id, parent=parent),
                                  label)

    def _add(self, org: Organization, label: str | None = None) -> Organization:
        self.session.add(org)
        self.session.flush()
        self.created.append((org.kind, label or org.name))
        return org


def ledger_names(session: Session) -> dict[int, str]:
    """Branch id → the 所属党支部 an exported ledger writes for it: township first
    (``红柳镇白杨村党支部``), as branches write it, or whichever other name
    :class:`BranchResolver` takes to that branch alone; the township-first name when none is
    unique (re-importing then names the clash)."""
    branches = list(session.scalars(select(Organization).where(Organization.kind == "branch")))
    owners: dict[str, set[int]] = {}
    for branch in branches:
        for label in branch_labels(branch):
            owners.setdefault(label, set()).add(branch.id)
    names = {}
    for branch in branches:
        townships = [n.name for n in branch.path() if n.kind == "township"]
        preferred = [t + branch.name for t in townships] + [branch.name]
        others = sorted(branch_labels(branch) - set(preferred), key=lambda s: (-len(s), s))
        unique = [label for label in preferred + others if owners[label] == {branch.id}]
        names[branch.id] = unique[0] if unique else (preferred + others)[0]
    return names


def subtree_ids(session: Session, name: str) -> set[int]:
    """Ids of every organisation named ``name`` and of all below them; empty when none is. A
    name no organisation has may still be a branch as a ledger writes it, township first
    (``红柳镇白杨村党支部``): the branch it names alone is taken."""
    found = set(session.scalars(select(Organization.id).where(Organization.name == name)))
    if not found:
        branches = session.scalars(select(Organization).where(Organization.kind == "branch"))
        named = [branch.id for branch in branches if name in branch_labels(branch)]
        found = set(named) if len(named) == 1 else set()
    return subtree_of(session, found)


def subtree_of(session: Session, org_ids: set[int]) -> set[int]:
    """``org_ids`` and the ids of every organisation below them: one statement per level."""
    found, frontier = set(org_ids), set(org_ids)
    while frontier:
        frontier = set(session.scalars(select(Organization.id).where(Organization.parent_id.in_(frontier)))) - found
        found |= frontier
    return found
