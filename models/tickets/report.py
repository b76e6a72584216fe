"""``kiteline report tickets``: how the help desk is doing, per branch of the members who asked.

Per branch, of the tickets in scope (filed since ``since``, or all): how many there are, how
many are open (not settled), late now (``models.tickets.escalation.late``: past their first
answer's or their settling's due time, in working time when configured), ever escalated (a step
of the chain told), the median time to the first answer and to the last settling (wall-clock
hours, of the tickets that have one), and the members' average satisfaction (满意度 1–5) with how
many rated. The total row takes medians and the average over every ticket, not over branches.
The .xlsx adds the list of late tickets, for the secretary to follow up (phones masked).
"""
from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl.utils import get_column_letter
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.clock import SHANGHAI, beijing_minute
from models.ledger_files import SheetWriter
from models.member import Member, mask_phone
from models.org import Organization
from models.org_tree import ledger_names
from models.tickets.escalation import late
from models.tickets.events import TicketEvent
from models.tickets.sla import Sla
from models.tickets.ticket import OPEN, TOPIC_NAMES, Ticket

HEADER = ("党支部", "求助", "未办结", "超时", "已升级", "首次答复中位(小时)", "办结中位(小时)", "满意度均分", "评价数")
LATE_HEADER = ("党支部", "编号", "姓名", "手机号", "类别", "提交时间", "超时", "经办人", "已通知到")
WIDTHS = (30, 8, 8, 8, 8, 18, 16, 12, 8)
LATE_WIDTHS = (30, 16, 10, 14, 10, 16, 24, 10, 12)
# Who the last step of liaison.escalation_chain told, as the list of late tickets says it.
STEP_NAMES = {"liaison": "经办人", "secretary": "支部书记", "township": "乡镇"}


@dataclass
class BranchTickets:
    """One branch's tickets (see the module's docstring); durations in seconds, kept whole so
    the total's medians are of every ticket."""

    branch: str
    tickets: int = 0
    open: int = 0
    late: int = 0
    escalated: int = 0
    first_response: list[float] = field(default_factory=list)
    resolution: list[float] = field(default_factory=list)
    ratings: list[int] = field(default_factory=list)

    def add(self, other: BranchTickets) -> None:
        """Add up ``other`` (for the total)."""
        for name in ("tickets", "open", "late", "escalated"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.first_response += other.first_response
        self.resolution += other.resolution
        self.ratings += other.ratings

    @property
    def cells(self) -> list[object]:
        """The row as :data:`HEADER` reads: medians in hours to one decimal, the average rating
        to two, ``—`` where there is nothing to take them of."""
        return [self.branch, self.tickets, self.open, self.late, self.escalated, _hours(self.first_response),
                _hours(self.resolution),
                f"{statistics.fmean(self.ratings):.2f}" if self.ratings else "—", len(self.ratings)]


def _hours(seconds: list[float]) -> str:
    return f"{statistics.median(seconds) / 3600:.1f}" if seconds else "—"


@dataclass
class TicketReport:
    """Per-branch rows in branch order, their total, and the late tickets
    (:data:`LATE_HEADER` rows)."""

    branches: list[BranchTickets] = field(default_factory=list)
    late: list[list[object]] = field(default_factory=list)

    @property
    def total(self) -> BranchTickets:
        """Every branch together (named 合计)."""
        total = BranchTickets("合计")
        for row in self.branches:
            total.add(row)
        return total


def ticket_report(session: Session, now: dt.datetime, sla: Sla, chain: Sequence[str], *,
                  org_ids: set[int] | None, since: dt.datetime | None = None) -> TicketReport:
    """The tickets of members of branches ``org_ids`` (all when ``None``) filed since ``since``
    (all when ``None``), as at ``now`` with the SLA targets ``sla`` and
    ``liaison.escalation_chain`` ``chain``: two statements, and one more per late ticket for
    its member and holder."""
    reopened = (select(TicketEvent.ticket_id, func.max(TicketEvent.at).label("at"))
                .where(TicketEvent.kind == "reopened").group_by(TicketEvent.ticket_id).subquery())
    query = (select(Ticket, Member.branch_id, reopened.c.at).join(Member, Member.id == Ticket.member_id)
             .outerjoin(reopened, reopened.c.ticket_id == Ticket.id).order_by(Member.branch_id, Ticket.id))
    if org_ids is not None:
        query = query.where(Member.branch_id.in_(org_ids))
    if since is not None:
        query = query.where(Ticket.created_at >= since)
    names = {**dict(session.execute(select(Organization.id, Organization.name)).all()), **ledger_names(session)}
    report, rows = TicketReport(), {}
    for ticket, branch_id, reopened_at in session.execute(query):
        row = rows.setdefault(branch_id, BranchTickets(names.get(branch_id, "?")))
        _count(row, ticket)
        lateness = late(ticket, sla, now, reopened_at)
        if lateness is not None:
            row.late += 1
            told = STEP_NAMES[chain[ticket.escalation_level - 1]] if 0 < ticket.escalation_level <= len(chain) \
                else "未升级"
            report.late.append([row.branch, ticket.number, ticket.member.name, mask_phone(ticket.member.phone),
                                TOPIC_NAMES[ticket.topic], beijing_minute(ticket.created_at),
                                f"{lateness.late_by}{lateness.short}",
                                ticket.holder.name if ticket.holder else "无", told])
    report.branches = list(rows.values())
    return report


def _count(row: BranchTickets, ticket: Ticket) -> None:
    row.tickets += 1
    row.open += ticket.status in OPEN
    row.escalated += ticket.escalation_level > 0
    if ticket.first_response_at is not None:
        row.first_response.append((ticket.first_response_at - ticket.created_at).total_seconds())
    if ticket.resolved_at is not None and ticket.status not in OPEN:
        row.resolution.append((ticket.resolved_at - ticket.created_at).total_seconds())
    if ticket.satisfaction is not None:
        row.ratings.append(ticket.satisfaction)


def write_xlsx(report: TicketReport, path: str | Path, *, title: str, now: dt.datetime) -> None:
    """Write ``report`` to the .xlsx ``path``: sheet 支部汇总 (a title line, :data:`HEADER`, a
    row per branch and 合计) and sheet 超时求助 (:data:`LATE_HEADER`, phones masked), header rows
    frozen. Raises ``OSError`` when the file cannot be written."""
    writer = SheetWriter(path, "支部汇总")
    _layout(writer, WIDTHS, "A3")
    writer.append([f"{title}（导出于 {now.astimezone(SHANGHAI):%Y-%m-%d %H:%M}）"])
    writer.append(HEADER)
    for row in [*report.branches, report.total]:
        writer.append(row.cells)
    writer.next_sheet("超时求助")
    _layout(writer, LATE_WIDTHS, "A2")
    writer.append(LATE_HEADER)
    for cells in report.late:
        writer.append(cells)
    writer.save()


def _layout(writer: SheetWriter, widths: tuple[int, ...], freeze: str) -> None:
    # A write-only sheet takes widths and frozen panes before its first row.
    for i, width in enumerate(widths, start=1):
        writer.sheet.column_dimensions[get_column_letter(i)].width = width
    writer.sheet.freeze_panes = freeze
