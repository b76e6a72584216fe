"""The org file back out of the org tree (``kiteline export orgs``): one row per branch under the
headers ``models.org_file`` reads, so a file exported and imported again changes nothing, and
staff can edit the district's organisations in Excel — each branch's red liaisons too, as
``张某 13900000001、李某 13900000002``. Phones in full: it is the district's own list of its
secretaries (DESIGN.md §5 masks them in lists, logs and replies, not here)."""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.ledger_files import SheetWriter
from models.member import Liaison, Member
from models.org import Organization

HEADER = ("乡镇（街道）", "党支部", "书记", "书记电话", "支部电话", "乡镇联系人", "乡镇联系电话", "红色联络员")


def export_orgs(session: Session, path: str | Path, *, district: str) -> tuple[int, int]:
    """Write the townships under the district named ``district`` and their branches to the
    .xlsx ``path``: a row per branch (the township's contact on each), a row with an empty 党支部
    for a township without one. Returns (townships, branches) written. Raises ``OSError`` when
    the file cannot be written."""
    children: dict[int | None, list[Organization]] = defaultdict(list)
    for node in session.scalars(select(Organization).order_by(Organization.id)):
        children[node.parent_id].append(node)
    liaisons: dict[int, list[str]] = defaultdict(list)  # branch id -> 张某 13900000001
    for branch_id, name, phone in session.execute(select(Liaison.branch_id, Member.name, Member.phone)
                                                  .join(Member, Member.id == Liaison.member_id).order_by(Liaison.id)):
        liaisons[branch_id].append(f"{name} {phone}" if phone else name)
    writer = SheetWriter(path, "组织架构")
    writer.append(HEADER)
    townships = branches = 0
    for root in children[None]:
        if root.kind != "district" or root.name != district:
            continue
        for township in (n for n in children[root.id] if n.kind == "township"):
            townships += 1
            contact = (township.secretary_name, township.secretary_phone)
            below = _branches(township, children)
            for branch in below:
                writer.append((township.name, branch.name, branch.secretary_name, branch.secretary_phone,
                               branch.contact_phone, *contact, "、".join(liaisons[branch.id]) or None))
            if not below:
                writer.append((township.name, None, None, None, None, *contact, None))
            branches += len(below)
    writer.save()
    return townships, branches


def _branches(township: Organization, children: dict[int | None, list[Organization]]) -> list[Organization]:
    """The branches anywhere under ``township``, in tree order."""
    found = []
    for node in children[township.id]:
        found += [node] if node.kind == "branch" else _branches(node, children)
    return found
