"""Points per branch and per rule (``kiteline report points``, and the branch totals members see
when they ask for a ranking): sums of the ledger, never a ranking of people.

A period is ``[start, end)`` (a Beijing month, say) or everything when not given. Per branch:
members on the roster, members who earned any points in the period, points by rule (a
correction in its own column) and in all, and the activity claims still waiting for review.
The workbook adds every member's points by rule, in roster order (phones masked), for the branch
to check — not sorted by points.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, distinct, func, select, true
from sqlalchemy.orm import Session

from models.clock import SHANGHAI
from models.member import Member, mask_phone
from models.org_tree import ledger_names
from models.points.claim import ActivityClaim
from models.points.entry import PointsEntry
from models.points.rules import CORRECTION, RULE_NAMES
from models.settings.points import RULES

if TYPE_CHECKING:
    from models.ledger_files import SheetWriter

COLUMNS = (*RULES, CORRECTION)
BRANCH_HEADER = ("党支部", "党员", "有积分的党员", *(RULE_NAMES[r] for r in COLUMNS), "合计", "待审核申报")
MEMBER_HEADER = ("党支部", "姓名", "手机号", *(RULE_NAMES[r] for r in COLUMNS), "合计")


@dataclass
class BranchPoints:
    """One branch in the period (see the module's docstring); ``by_rule`` has every column of
    :data:`COLUMNS`."""

    branch_id: int | None
    branch: str
    members: int = 0
    earners: int = 0
    by_rule: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COLUMNS, 0))
    pending: int = 0

    @property
    def total(self) -> int:
        """Every rule together."""
        return sum(self.by_rule.values())

    @property
    def cells(self) -> list[object]:
        """The row as :data:`BRANCH_HEADER` reads."""
        return [self.branch, self.members, self.earners, *self.by_rule.values(), self.total, self.pending]

    def add(self, other: BranchPoints) -> None:
        """Add up ``other`` (for the total)."""
        self.members += other.members
        self.earners += other.earners
        self.pending += other.pending
        for rule, points in other.by_rule.items():
            self.by_rule[rule] += points


@dataclass
class PointsReport:
    """The branches in scope (roster order), each with its points, and all together."""

    branches: list[BranchPoints]

    @property
    def total(self) -> BranchPoints:
        """Every branch together (named 合计)."""
        total = BranchPoints(None, "合计")
        for branch in self.branches:
            total.add(branch)
        return total


def _in_period(start: dt.datetime | None, end: dt.datetime | None) -> ColumnElement[bool]:
    e = PointsEntry
    return (e.created_at >= start if start else true()) & (e.created_at < end if end else true())


def points_report(session: Session, org_ids: set[int] | None, start: dt.datetime | None = None,
                  end: dt.datetime | None = None, names: dict[int, str] | None = None) -> PointsReport:
    """The points of members of the branches ``org_ids`` (all when ``None``) earned in
    ``[start, end)`` (all time without them): four grouped statements. Branches are named by
    ``names`` (branch id → name), by default as the ledger writes them (township first)."""
    scope = Member.branch_id.in_(org_ids) if org_ids is not None else true()
    e, period = PointsEntry, _in_period(start, end)
    names = ledger_names(session) if names is None else names
    rows: dict[int, BranchPoints] = {}

    def row(branch_id: int) -> BranchPoints:
        return rows.setdefault(branch_id, BranchPoints(branch_id, names.get(branch_id, "?")))

    for branch_id, members in session.execute(select(Member.branch_id, func.count()).where(scope)
                                              .group_by(Member.branch_id).order_by(Member.branch_id)):
        row(branch_id).members = members
    for branch_id, rule, points in session.execute(
            select(Member.branch_id, e.rule, func.sum(e.delta)).join_from(e, Member, Member.id == e.member_id)
            .where(scope, period).group_by(Member.branch_id, e.rule)):
        by_rule = row(branch_id).by_rule
        by_rule[rule if rule in by_rule else CORRECTION] += int(points)
    for branch_id, earners in session.execute(
            select(Member.branch_id, func.count(distinct(e.member_id)))
            .join_from(e, Member, Member.id == e.member_id)
            .where(scope, period).group_by(Member.branch_id)):
        row(branch_id).earners = earners
    for branch_id, pending in session.execute(
            select(Member.branch_id, func.count())
            .join_from(ActivityClaim, Member, Member.id == ActivityClaim.member_id)
            .where(scope, ActivityClaim.status == "pending").group_by(Member.branch_id)):
        row(branch_id).pending = pending
    return PointsReport(list(rows.values()))


def member_rows(session: Session, org_ids: set[int] | None, start: dt.datetime | None = None,
                end: dt.datetime | None = None) -> list[list[object]]:
    """Every member in scope as a row of :data:`MEMBER_HEADER`, in roster order (branch, then
    as entered): two statements and the branch names."""
    scope = Member.branch_id.in_(org_ids) if org_ids is not None else true()
    e = PointsEntry
    sums: dict[int, dict[str, int]] = {}
    for member_id, rule, points in session.execute(
            select(e.member_id, e.rule, func.sum(e.delta)).join(Member, Member.id == e.member_id)
            .where(scope, _in_period(start, end)).group_by(e.member_id, e.rule)):
        by_rule = sums.setdefault(member_id, dict.fromkeys(COLUMNS, 0))
        by_rule[rule if rule in by_rule else CORRECTION] += int(points)
    names, rows = ledger_names(session), []
    for member_id, name, phone, branch_id in session.execute(
            select(Member.id, Member.name, Member.phone, Member.branch_id).where(scope)
            .order_by(Member.branch_id, Member.id)):
        by_rule = sums.get(member_id, dict.fromkeys(COLUMNS, 0))
        rows.append([names.get(branch_id, "?"), name, mask_phone(phone), *by_rule.values(), sum(by_rule.values())])
    return rows


def write_xlsx(report: PointsReport, members: list[list[object]], path: str | Path, *, title: str,
               now: dt.datetime) -> None:
    """Write sheet 支部汇总 (a title line, :data:`BRANCH_HEADER`, a row per branch and 合计) and
    党员明细 (``members``, :func:`member_rows`) to the .xlsx ``path``. Raises ``OSError`` when the
    file cannot be written."""
    # Imported here: a web worker answers 积分排名 from this module and never writes a sheet, and
    # openpyxl, which the sheet writer needs, costs it ≈ 16 MB (tests/test_worker_footprint.py).
    from models.ledger_files import SheetWriter

    writer = SheetWriter(path, "支部汇总")
    _layout(writer, len(BRANCH_HEADER), "A3")
    writer.append([f"{title}（导出于 {now.astimezone(SHANGHAI):%Y-%m-%d %H:%M}）"])
    writer.append(BRANCH_HEADER)
    for row in [*report.branches, report.total]:
        writer.append(row.cells)
    writer.next_sheet("党员明细")
    _layout(writer, len(MEMBER_HEADER), "A2")
    writer.append(MEMBER_HEADER)
    for row in members:
        writer.append(row)
    writer.save()


def _layout(writer: SheetWriter, columns: int, freeze: str) -> None:
    # only when a sheet is written: see write_xlsx
    from openpyxl.utils import get_column_letter

    # A write-only sheet takes widths and frozen panes before its first row.
    for i in range(1, columns + 1):
        writer.sheet.column_dimensions[get_column_letter(i)].width = 30 if i == 1 else 12
    writer.sheet.freeze_panes = freeze
