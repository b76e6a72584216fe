"""Storing an org file (组织架构表) in the org tree: townships/streets under the district, branches
under them (under a village node when the name starts with one — 白杨村党支部 under 白杨村 — the
shape ``models.org_tree.BranchResolver`` builds from a ledger), each branch's secretary and phone,
each township's committee contact, each branch's red liaisons (红色联络员: found on the roster
as the ledger's 联络员 column finds them, or added as home members when written with a phone).

The township's committee contact (乡镇联系人) is the township node's ``secretary_name`` /
``secretary_phone``: the person ``models.roles`` gives the ``township`` role, as a branch's are
the person it gives ``secretary``. Nothing is stored while any row has a problem (the caller
rolls back); a file imported again changes nothing. A liaison the file no longer names stays
one (their members need a new liaison first: ``kiteline liaisons move``). An empty cell leaves what is stored (as in the ledger import); a
secretary with another name replaces the stored one with their phone (or none). The caller
commits (or, for a dry run, rolls back).
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.ledger import CellError
from models.ledger_report import RowNote
from models.liaisons.naming import RosterPeople
from models.member import Member
from models.org import Organization
from models.org_file import BranchEntry, Person
from models.org_report import OrgImportReport, PersonCheck
from models.org_rows import read_org_file
from models.org_tree import VILLAGE


def import_orgs(session: Session, rows: Sequence[Sequence[object]], *, district: str,
                now: dt.datetime) -> OrgImportReport:
    """Read ``rows`` (``models.org_file.read_org_rows``) and store them under the district named
    ``district`` (created when missing); a liaison added to the roster joins it at ``now``.
    Returns the report; with ``errors`` in it the caller must roll back (nothing is stored
    then). Raises :class:`models.ledger.CellError` for an empty file or one without a usable
    header (nothing stored)."""
    found = read_org_file(rows, district)
    report = OrgImportReport(errors=found.errors, notes=found.notes, unused_columns=found.unused_columns)
    if found.errors:
        return report
    tree = _Tree(session, district)
    townships: dict[str, Organization] = {}
    for entry in found.townships.values():
        node, created = tree.child(tree.district, entry.name, "township")
        townships[entry.name] = node
        changed = _set_person(node, entry.contact, entry.name, "乡镇联系人", report.changes, created)
        report.townships_created += created
        report.townships_updated += changed and not created
    secretaries, contacts = [], [(node.name, node) for node in townships.values()]
    liaisons: list[tuple[BranchEntry, Organization]] = []
    for entry in found.branches.values():
        node, created = tree.branch(townships[entry.township], entry.name)
        label = entry.township + entry.name
        changed = _set_person(node, entry.secretary, label, "书记", report.changes, created)
        if entry.phone and node.contact_phone != entry.phone:
            if not created:
                report.changes.append(f"{label}：支部电话 {node.contact_phone or '（空）'} → {entry.phone}")
            node.contact_phone, changed = entry.phone, True
        report.branches_created += created
        report.branches_updated += changed and not created
        secretaries.append((label, node))
        if entry.liaisons:
            liaisons.append((entry, node))
    report.townships, report.branches = len(townships), len(found.branches)
    session.flush()
    _name_liaisons(session, liaisons, report, now)
    report.secretaries = _check_people(session, secretaries)
    report.contacts = _check_people(session, contacts)
    return report


def _name_liaisons(session: Session, branches: list[tuple[BranchEntry, Organization]], report: OrgImportReport,
                   now: dt.datetime) -> None:
    """Make the people each branch's 红色联络员 cell names liaisons of it (``models.liaisons.naming``:
    found on the roster, or added with a phone); one who cannot be is a row error."""
    if not branches:
        return
    people = RosterPeople(session, now, [p.name for entry, _ in branches for p in entry.liaisons])
    named = set()
    for entry, node in branches:
        for person in entry.liaisons:
            try:
                named.add(people.liaison(node.id, person.name, person.phone))
            except CellError as exc:
                report.errors.append(RowNote(entry.row, entry.name, str(exc)))
    report.liaisons, report.liaisons_named, report.liaisons_added = len(named), people.named, people.added


def _set_person(node: Organization, person: Person | None, label: str, what: str, changes: list[str],
                created: bool) -> bool:
    """Store ``person`` as ``node``'s secretary (or contact); True when that changed anything."""
    if person is None:
        return False
    stored = Person(node.secretary_name, node.secretary_phone) if node.secretary_name else None
    if stored == person or (stored is not None and stored.name == person.name and person.phone is None):
        return False
    if not created:
        changes.append(f"{label}：{what} {stored or '（空）'} → {person}")
    node.secretary_name, node.secretary_phone = person.name, person.phone
    return True


def _check_people(session: Session, orgs: list[tuple[str, Organization]]) -> PersonCheck:
    """Which of the people ``orgs`` name (``(label, node)``) are on the roster: one query."""
    check = PersonCheck()
    people: dict[tuple[str, str], str] = {}
    for label, node in orgs:
        if not node.secretary_name:
            continue
        if node.secretary_phone is None:
            check.no_phone.append(label)
        else:
            people.setdefault((node.secretary_name, node.secretary_phone), label)
    check.count = len(people) + len(check.no_phone)
    phones = {phone for _, phone in people}
    roster: dict[tuple[str, str], bool] = {}
    if phones:
        for name, phone, openid in session.execute(select(Member.name, Member.phone, Member.openid)
                                                   .where(Member.phone.in_(phones))):
            roster[(name, phone)] = roster.get((name, phone), False) or openid is not None
    for (name, phone), label in people.items():
        if (name, phone) in roster:
            check.on_roster += 1
            check.bound += roster[(name, phone)]
        else:
            check.missing.append(f"{name}（{label}）")
    return check


class _Tree:
    """The organisations under the district named ``district`` (created when missing), read
    once; :meth:`child` and :meth:`branch` find a node or add it."""

    def __init__(self, session: Session, district: str) -> None:
        self.session = session
        self.children: dict[int | None, list[Organization]] = defaultdict(list)
        self.branches: dict[int, dict[str, Organization]] = {}  # township id -> name -> branch
        for node in session.scalars(select(Organization).order_by(Organization.id)):
            self.children[node.parent_id].append(node)
        roots = [n for n in self.children[None] if n.kind == "district" and n.name == district]
        self.district = roots[0] if roots else self._add(Organization(name=district, kind="district"))

    def child(self, parent: Organization, name: str, kind: str) -> tuple[Organization, bool]:
        """``parent``'s child named ``name`` (added as ``kind`` when there is none), and whether
        it was added."""
        for node in self.children[parent.id]:
            if node.name == name:
                return node, False
        return self._add(Organization(name=name, kind=kind, parent_id=parent.id, parent=parent)), True

    def branch(self, township: Organization, name: str) -> tuple[Organization, bool]:
        """The branch named ``name`` anywhere under ``township`` (the first made, should two
        villages hold one), or a new one: under its village (added when missing) when the name
        starts with one, else under the township."""
        known = self.branches.get(township.id)
        if known is None:
            known = self.branches[township.id] = {}
            frontier = [township]
            while frontier:
                frontier = [n for node in frontier for n in self.children[node.id]]
                for node in frontier:
                    if node.kind == "branch":
                        known.setdefault(node.name, node)
        if name in known:
            return known[name], False
        village = VILLAGE.match(name)
        parent = self.child(township, village.group(1), "village")[0] if village else township
        known[name], created = self.child(parent, name, "branch")
        return known[name], created

    def _add(self, node: Organization) -> Organization:
        self.session.add(node)
        self.session.flush()
        self.children[node.parent_id].append(node)
        return node
