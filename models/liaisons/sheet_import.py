"""Storing a liaison list (``kiteline import liaisons FILE``): the people it names become their
branch's red liaisons, and the members listed under a liaison are assigned to them — with the
history, the open tickets and the notices of any change (``models.liaisons.handover``).

All or nothing: every bad row is named and, while there is one, the caller stores nothing (it
rolls back). A file imported again changes nothing. A member the file does not list keeps the
liaison they have; a liaison the file does not list stays a liaison.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.ledger import CellError
from models.ledger_report import RowNote
from models.liaisons.assignment import CHUNK, Change
from models.liaisons.handover import Handover, change_liaisons
from models.liaisons.naming import RosterPeople
from models.liaisons.sheet import ListedLiaison, read_liaison_sheet
from models.member import Liaison, Member
from models.org_tree import BranchResolver

SOURCE = "import"


@dataclass
class LiaisonImportReport:
    """What one liaison list import did: ``branches`` and ``liaisons`` it names, ``named`` the
    people made liaisons by it, ``added`` those of them added to the roster; ``members`` listed
    under a liaison: ``assigned`` (had none), ``moved`` (lines ``张某：李某 → 王某``), the rest
    unchanged; ``unassigned``: away members of the file's branches still without a liaison;
    ``errors``: rows that stopped the import (nothing stored)."""

    branches: int = 0
    liaisons: int = 0
    named: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    members: int = 0
    assigned: int = 0
    moved: list[str] = field(default_factory=list)
    unassigned: int = 0
    handover: Handover = field(default_factory=Handover)
    errors: list[RowNote] = field(default_factory=list)
    unused_columns: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """The report printed to staff, in Chinese."""
        if self.errors:
            return "\n".join([f"联络员名单没有导入：有问题的行 {len(self.errors)} 行。为免只导入一半，其他行也没有写入；"
                              "请改正以下各行后重新导入：", *(f"  {note}" for note in self.errors)])
        unchanged = self.members - self.assigned - len(self.moved)
        lines = [f"联络员名单导入完成：党支部 {self.branches} 个，红色联络员 {self.liaisons} 人（新指定 {len(self.named)} 人），"
                 f"负责党员 {self.members} 人（新分配 {self.assigned} 人，改换联络员 {len(self.moved)} 人，无变化 {unchanged} 人）。"]
        if not (self.named or self.assigned or self.moved):
            lines.append("没有变化：文件与系统中的联络员一致。")
        if self.named:
            lines.append("新指定红色联络员：" + "、".join(self.named))
        if self.added:
            lines.append("新加入名册的联络员（在家党员）：" + "、".join(self.added))
        if self.moved:
            lines.append("改换联络员：")
            lines += [f"  {line}" for line in self.moved]
        lines += self.handover.lines()
        if self.unassigned:
            lines.append(f"这些支部还有 {self.unassigned} 名流动党员没有联络员：可用 kiteline liaisons assign --org 支部名 均衡分配。")
        if self.unused_columns:
            lines.append("未识别的列（未导入）：" + "、".join(self.unused_columns)
                         + "；如需导入，请把表头改成“所属党支部”“联络员姓名”“联络员电话”“负责党员”这样的写法")
        return "\n".join(lines)


def import_liaisons(session: Session, rows: Sequence[Sequence[object]], *, district: str, now: dt.datetime,
                    changed_by: str, template_id: str | None) -> LiaisonImportReport:
    """Read ``rows`` (``models.org_file.read_org_rows``) and store them: branches are found as
    the ledger finds them, under ``district`` (never created here). ``changed_by``: the file's
    name, in every member's history; ``template_id``: the ``liaison_handover`` template. Returns
    the report; with ``errors`` in it the caller must roll back. Raises
    :class:`models.ledger.CellError` for an empty file or one without a usable header."""
    sheet = read_liaison_sheet(rows)
    report = LiaisonImportReport(errors=list(sheet.errors), unused_columns=sheet.unused_columns)
    resolver = BranchResolver(session, district, create_orgs=False)
    people = RosterPeople(session, now, [name for r in sheet.rows for name, _ in (*r.liaisons, *r.members)])
    wanted: dict[int, tuple[int, int, str]] = {}  # member id -> (liaison id, row, liaison's name)
    branches, liaisons = set(), set()
    for listed in sheet.rows:
        try:
            branch_id = resolver.branch_id(listed.branch)
            ids = [people.liaison(branch_id, name, phone) for name, phone in listed.liaisons]
            for name, phone in listed.members:
                _want(wanted, people.member(branch_id, name, phone), name, ids[0], listed, people)
        except CellError as exc:
            report.errors.append(RowNote(listed.row, listed.liaisons[0][0] if listed.liaisons else None, str(exc)))
            continue
        branches.add(branch_id)
        liaisons.update(ids)
    if report.errors:
        report.errors.sort(key=lambda note: note.row)
        return report
    report.branches, report.liaisons, report.members = len(branches), len(liaisons), len(wanted)
    report.named, report.added = people.named, people.added
    changes = _changes(session, wanted, report)
    report.handover = change_liaisons(session, changes, source=SOURCE, changed_by=changed_by, now=now,
                                      template_id=template_id)
    report.unassigned = session.scalar(select(func.count()).select_from(Member).where(
        Member.branch_id.in_(branches), Member.status == "away", Member.liaison_id.is_(None))) if branches else 0
    return report


def _want(wanted: dict[int, tuple[int, int, str]], member_id: int, name: str, liaison_id: int,
          listed: ListedLiaison, people: RosterPeople) -> None:
    """Record that the file gives member ``member_id`` the liaison ``liaison_id``; CellError when
    it is the liaison themself or an earlier row gave them another."""
    liaison_name = listed.liaisons[0][0]
    if people.liaison_member(liaison_id) == member_id:
        raise CellError(f"负责党员{name}就是联络员本人，请去掉")
    earlier = wanted.get(member_id)
    if earlier is not None and earlier[0] != liaison_id:
        raise CellError(f"负责党员{name}在第{earlier[1]}行已由{earlier[2]}负责；一人只有一位联络员，请只留一处")
    wanted.setdefault(member_id, (liaison_id, listed.row, liaison_name))


def _changes(session: Session, wanted: dict[int, tuple[int, int, str]], report: LiaisonImportReport) -> list[Change]:
    """The members whose liaison the file changes, oldest on the roster first; the report's
    ``assigned`` and ``moved`` filled in."""
    ids = sorted(wanted)
    current: dict[int, tuple[str, int | None]] = {}
    for start in range(0, len(ids), CHUNK):
        current.update((m.id, (m.name, m.liaison_id)) for m in session.execute(
            select(Member.id, Member.name, Member.liaison_id).where(Member.id.in_(ids[start:start + CHUNK]))))
    names = dict(session.execute(select(Liaison.id, Member.name).join(Member, Member.id == Liaison.member_id)).all())
    changes = []
    for member_id in ids:
        name, old = current[member_id]
        new = wanted[member_id][0]
        if old == new:
            continue
        changes.append(Change(member_id, old, new))
        if old is None:
            report.assigned += 1
        else:
            report.moved.append(f"{name}：{names[old]} → {names[new]}")
    return changes
