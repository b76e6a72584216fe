"""``kiteline report study``: who studied what in a calendar month, per branch and per member,
and the members who studied nothing — the branch secretary's list to follow up.

A month is Beijing time (the first instant of the 1st to the first instant of the next month).
Per member: lessons *received* (study records delivered in the month — pushed, asked for, or
first seen through their link), lessons *opened* (through the reading link, ``models.reading``:
the first or the latest opening in the month; a record keeps no opening between those two),
lessons *finished* (the member said 学完了 in chat: ``StudyRecord.completed_at`` in the month),
the study points earned in the month (the points ledger's ``study`` entries: a lesson's first
opening, within the caps), and the last day they opened or finished any lesson
up to the month's end. A member *studied* in the month when they opened or finished at least one
lesson in it — 学完了 counts though the link was never tapped (the lesson text is in the chat
reply); a lesson only received (pushed, or asked for in chat) is not study. Every member
of the branches in scope is listed, bound to WeChat or not (an unbound member receives nothing:
binding is the follow-up). Phones are masked, as in every report that leaves the terminal.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from pathlib import Path

from openpyxl.utils import get_column_letter
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from models.clock import SHANGHAI, month_bounds
from models.ledger_files import SheetWriter
from models.lesson import StudyRecord
from models.member import Member, mask_phone
from models.org import Organization
from models.org_tree import ledger_names
from models.points import PointsEntry
from models.study_points import RULE as STUDY


@dataclass
class MemberStudy:
    """One member's month (see the module's docstring); ``phone`` masked, ``last_studied`` a
    Beijing date or ``None`` when they never opened or finished a lesson."""

    branch: str
    name: str
    phone: str
    bound: bool
    received: int = 0
    opened: int = 0
    completed: int = 0
    points: int = 0
    last_studied: dt.date | None = None
    # lessons opened or finished in the month (one lesson both opened and finished counts once)
    studied_lessons: int = 0

    @property
    def studied(self) -> bool:
        """Whether they opened or finished at least one lesson in the month."""
        return self.studied_lessons > 0


@dataclass
class BranchStudy:
    """One branch's month: members, of them bound to WeChat, lessons received, opened and
    finished and points earned (summed over members), members who studied and who did not."""

    branch: str
    members: int = 0
    bound: int = 0
    received: int = 0
    opened: int = 0
    completed: int = 0
    points: int = 0
    studied: int = 0
    not_studied: int = 0

    def add(self, m: MemberStudy | BranchStudy) -> None:
        """Count a member, or add up a whole branch (for the total)."""
        if isinstance(m, BranchStudy):
            for f in fields(self)[1:]:
                setattr(self, f.name, getattr(self, f.name) + getattr(m, f.name))
            return
        self.members += 1
        self.bound += m.bound
        self.received += m.received
        self.opened += m.opened
        self.completed += m.completed
        self.points += m.points
        self.studied += m.studied
        self.not_studied += not m.studied

    @property
    def cells(self) -> list[object]:
        """The row as :data:`BRANCH_HEADER` reads."""
        return [getattr(self, f.name) for f in fields(self)]


@dataclass
class StudyReport:
    """A month's study: every member in scope (branch by branch, roster order) and per branch."""

    members: list[MemberStudy] = field(default_factory=list)
    branches: list[BranchStudy] = field(default_factory=list)

    @property
    def total(self) -> BranchStudy:
        """Every branch together (named 合计)."""
        total = BranchStudy("合计")
        for b in self.branches:
            total.add(b)
        return total

    @property
    def not_studied(self) -> list[MemberStudy]:
        """The members who opened and finished no lesson in the month, branch by branch."""
        return [m for m in self.members if not m.studied]


BRANCH_HEADER = ("党支部", "党员", "已绑定微信", "收到(篇)", "打开(篇)", "学完(篇)", "学习积分", "有学习", "没学习")
MEMBER_HEADER = ("党支部", "姓名", "手机号", "微信", "本月收到(篇)", "本月打开(篇)", "本月学完(篇)", "本月学习积分",
                 "最近学习日期")
NOT_STUDIED_HEADER = ("党支部", "姓名", "手机号", "微信", "本月收到(篇)", "最近学习日期")
BRANCH_WIDTHS = (30, 8, 12, 10, 10, 10, 10, 8, 8)
MEMBER_WIDTHS = (30, 12, 14, 8, 14, 14, 14, 14, 14)
NOT_STUDIED_WIDTHS = (30, 12, 14, 8, 14, 14)


def study_report(session: Session, year: int, month: int, org_ids: set[int] | None) -> StudyReport:
    """The study of members of the branches ``org_ids`` (all when ``None``) in ``year``-``month``
    (Beijing time): three statements, the roster, the study records grouped by member and
    their study points in the ledger."""
    start, end = month_bounds(year, month)
    r = StudyRecord
    latest_open = case((r.last_opened_at < end, r.last_opened_at), (r.opened_at < end, r.opened_at))
    opened = ((r.opened_at >= start) & (r.opened_at < end)) | ((r.last_opened_at >= start) & (r.last_opened_at < end))
    completed = (r.completed_at >= start) & (r.completed_at < end)
    study = (select(r.member_id,
                    func.sum(case(((r.delivered_at >= start) & (r.delivered_at < end), 1), else_=0)),
                    func.sum(case((opened, 1), else_=0)),
                    func.sum(case((completed, 1), else_=0)),
                    func.max(latest_open),
                    func.max(case((r.completed_at < end, r.completed_at))),
                    func.sum(case((opened | completed, 1), else_=0)))
             .join(Member, Member.id == r.member_id).group_by(r.member_id))
    e = PointsEntry
    points = (select(e.member_id, func.sum(e.delta)).join(Member, Member.id == e.member_id)
              .where(e.rule == STUDY, e.created_at >= start, e.created_at < end).group_by(e.member_id))
    roster = (select(Member.id, Member.name, Member.phone, Member.branch_id, Member.openid.is_not(None))
              .order_by(Member.branch_id, Member.id))
    if org_ids is not None:
        in_scope = Member.branch_id.in_(org_ids)
        study, points, roster = study.where(in_scope), points.where(in_scope), roster.where(in_scope)
    by_member = {row[0]: row[1:] for row in session.execute(study)}
    points_of = dict(session.execute(points).all())
    names = {**dict(session.execute(select(Organization.id, Organization.name)).all()), **ledger_names(session)}
    report, branches = StudyReport(), {}
    for member_id, name, phone, branch_id, bound in session.execute(roster):
        received, opened_n, completed_n, last_open, last_done, studied = by_member.get(
            member_id, (0, 0, 0, None, None, 0))
        last = max((t for t in (last_open, last_done) if t is not None), default=None)
        m = MemberStudy(names.get(branch_id, "?"), name, mask_phone(phone), bool(bound), received or 0,
                        opened_n or 0, completed_n or 0, int(points_of.get(member_id) or 0),
                        last.astimezone(SHANGHAI).date() if last else None, studied or 0)
        report.members.append(m)
        branches.setdefault(branch_id, BranchStudy(m.branch)).add(m)
    report.branches = list(branches.values())
    return report


def member_cells(m: MemberStudy, header: tuple[str, ...] = MEMBER_HEADER) -> list[object]:
    """``m`` as a row of ``header`` (:data:`MEMBER_HEADER` or :data:`NOT_STUDIED_HEADER`)."""
    values = {"党支部": m.branch, "姓名": m.name, "手机号": m.phone, "微信": "已绑定" if m.bound else "未绑定",
              "本月收到(篇)": m.received, "本月打开(篇)": m.opened, "本月学完(篇)": m.completed,
              "本月学习积分": m.points,
              "最近学习日期": m.last_studied or "从未学习"}
    return [values[h] for h in header]


def write_xlsx(report: StudyReport, path: str | Path, *, title: str, now: dt.datetime) -> None:
    """Write ``report`` to the .xlsx ``path`` for a secretary to read in Excel: sheet 支部汇总
    (a title line, :data:`BRANCH_HEADER`, a row per branch and 合计), 党员明细 (every member) and
    未学习名单 (who opened and finished nothing); header rows frozen, columns wide enough for Chinese text.
    Raises ``OSError`` when the file cannot be written."""
    writer = SheetWriter(path, "支部汇总")
    _layout(writer, BRANCH_WIDTHS, "A3")
    writer.append([f"{title}（导出于 {now.astimezone(SHANGHAI):%Y-%m-%d %H:%M}）"])
    writer.append(BRANCH_HEADER)
    for row in [*report.branches, report.total]:
        writer.append(row.cells)
    for sheet, header, widths, members in (("党员明细", MEMBER_HEADER, MEMBER_WIDTHS, report.members),
                                           ("未学习名单", NOT_STUDIED_HEADER, NOT_STUDIED_WIDTHS, report.not_studied)):
        writer.next_sheet(sheet)
        _layout(writer, widths, "A2")
        writer.append(header)
        for m in members:
            writer.append(member_cells(m, header))
    writer.save()


def _layout(writer: SheetWriter, widths: tuple[int, ...], freeze: str) -> None:
    # A write-only sheet takes widths and frozen panes before its first row.
    for i, width in enumerate(widths, start=1):
        writer.sheet.column_dimensions[get_column_letter(i)].width = width
    writer.sheet.freeze_panes = freeze
