"""The organisations a lesson list names in 面向组织, both ways: a name as staff write it to the
organisation's id (import), and an organisation's id to a name that finds it again (export).

A township or village answers to its own name; a branch also to its name with its township
and/or village before it (``红柳镇白杨村党支部``, as ``models.org_tree.branch_labels`` reads a
ledger), so two branches of one name in different townships can be told apart.
"""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.ledger import CellError, quoted
from models.org import Organization
from models.org_tree import branch_labels


class OrgNames:
    """Every organisation's names, read once per import or export (one query: the tree is
    small, and ``Organization.path`` then walks parents already loaded)."""

    def __init__(self, session: Session) -> None:
        self.owners: dict[str, set[int]] = defaultdict(set)
        self.preferred: dict[int, list[str]] = {}
        for org in session.scalars(select(Organization).order_by(Organization.id)):
            labels = branch_labels(org) if org.kind == "branch" else {org.name}
            above = [n.name for n in org.path()[:-1] if n.kind in ("township", "village")]
            # The name alone first, then with the township before it (the way branches write it).
            self.preferred[org.id] = [org.name, *(a + org.name for a in above)] + sorted(labels - {org.name})
            for label in labels | set(self.preferred[org.id]):
                self.owners[label].add(org.id)

    def ids(self, names: list[str]) -> list[int]:
        """The ids of the organisations ``names`` name, in order. Raises :class:`CellError`
        naming every name unknown or shared by several organisations."""
        found, problems = [], []
        for name in names:
            owners = self.owners.get(name, set())
            if len(owners) == 1:
                found.append(next(iter(owners)))
            elif owners:
                problems.append(f"面向组织“{quoted(name)}”有重名，请写上乡镇名，如“红柳镇{quoted(name)}”")
            else:
                problems.append(f"面向组织“{quoted(name)}”在系统中找不到（请写系统里的名称；"
                                "组织架构可用 kiteline import orgs 导入）")
        if problems:
            raise CellError("；".join(problems))
        return found

    def name(self, org_id: int) -> str:
        """A name :meth:`ids` takes back to ``org_id`` alone: its own name when unique, else
        with its township before it (the first of its names when none is unique)."""
        names = self.preferred[org_id]
        return next((n for n in names if self.owners[n] == {org_id}), names[0])
