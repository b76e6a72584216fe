"""``kiteline report verification``: how a period's asks ended, per branch, and who has not
confirmed. Counts are of asks asked in the period (a member asked twice counts twice)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.clock import SHANGHAI
from models.ledger_files import SheetWriter
from models.member import Member, mask_phone
from models.org import Organization
from models.verification.asks import VerificationAsk
from models.verification.rounds import place, today_of

# How an ask stands, in the report's words (an open ask is still 待回复).
OUTCOME_NAMES = {"confirmed": "已确认", "corrected": "已更正", "unanswered": "未回复", None: "待回复"}


@dataclass
class BranchCounts:
    """One branch's asks in the period: asked in all, and how many ended each way (``open``:
    the reply window is still running)."""

    branch: str
    asked: int = 0
    confirmed: int = 0
    corrected: int = 0
    unanswered: int = 0
    open: int = 0

    def add(self, outcome: str | None, n: int) -> None:
        """Count ``n`` asks that ended ``outcome`` (``None``: still open)."""
        self.asked += n
        key = outcome or "open"
        setattr(self, key, getattr(self, key) + n)

    @property
    def cells(self) -> list[object]:
        """The row as the report prints it."""
        return [self.branch, self.asked, self.confirmed, self.corrected, self.unanswered, self.open]


@dataclass
class Report:
    """Per-branch counts in branch order, and their sum."""

    branches: list[BranchCounts] = field(default_factory=list)

    @property
    def total(self) -> BranchCounts:
        """Every branch together (named 合计)."""
        total = BranchCounts("合计")
        for b in self.branches:
            for key in ("confirmed", "corrected", "unanswered", "open"):
                total.add(None if key == "open" else key, getattr(b, key))
        return total


HEADER = ("党支部", "已询问", "已确认", "已更正", "未回复", "待回复")
UNCONFIRMED_HEADER = ("党支部", "姓名", "手机号", "流动去向", "询问日期", "状态")


def _scoped(query, since: dt.datetime, org_ids: set[int] | None):
    query = query.join(Member, Member.id == VerificationAsk.member_id).where(VerificationAsk.asked_at >= since)
    return query if org_ids is None else query.where(Member.branch_id.in_(org_ids))


def counts(session: Session, since: dt.datetime, org_ids: set[int] | None) -> Report:
    """Asks asked since ``since`` of members of branches ``org_ids`` (all when ``None``),
    counted per branch and outcome; branches without asks are left out."""
    rows = session.execute(_scoped(
        select(Member.branch_id, VerificationAsk.outcome, func.count()), since, org_ids)
        .group_by(Member.branch_id, VerificationAsk.outcome))
    by_branch: dict[int, BranchCounts] = {}
    names = dict(session.execute(select(Organization.id, Organization.name)).all())
    for branch_id, outcome, n in rows:
        by_branch.setdefault(branch_id, BranchCounts(names.get(branch_id, "?"))).add(outcome, n)
    return Report([by_branch[k] for k in sorted(by_branch)])


def unconfirmed(session: Session, since: dt.datetime, org_ids: set[int] | None) -> Iterator[list[object]]:
    """One row (:data:`UNCONFIRMED_HEADER`, phone masked) per ask since ``since`` that is
    unanswered or still open, branch by branch."""
    names = dict(session.execute(select(Organization.id, Organization.name)).all())
    query = _scoped(select(VerificationAsk, Member), since, org_ids).where(
        (VerificationAsk.outcome.is_(None)) | (VerificationAsk.outcome == "unanswered"))
    for ask, member in session.execute(query.order_by(Member.branch_id, Member.id, VerificationAsk.id)):
        yield [names.get(member.branch_id, "?"), member.name, mask_phone(member.phone), place(member),
               today_of(ask.asked_at), OUTCOME_NAMES[ask.outcome]]


def write_xlsx(session: Session, path: str | Path, *, since: dt.datetime, org_ids: set[int] | None,
               title: str, now: dt.datetime) -> Report:
    """Write the report to the .xlsx ``path``: sheet 核对情况 (:data:`HEADER`, one row per branch
    and 合计) and sheet 未确认名单 (:data:`UNCONFIRMED_HEADER`, phones masked). Returns the
    counts. Raises ``OSError`` when the file cannot be written."""
    report = counts(session, since, org_ids)
    writer = SheetWriter(path, "核对情况")
    writer.append([f"{title}（导出于 {now.astimezone(SHANGHAI):%Y-%m-%d %H:%M}）"])
    writer.append(HEADER)
    for row in [*report.branches, report.total]:
        writer.append(row.cells)
    writer.next_sheet("未确认名单")
    writer.append(UNCONFIRMED_HEADER)
    for row in unconfirmed(session, since, org_ids):
        writer.append(row)
    writer.save()
    return report
