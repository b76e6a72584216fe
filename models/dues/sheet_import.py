"""Storing a dues sheet (``kiteline import dues FILE``): each row's member found on the roster,
each month paid recorded once, each member's standard and first month owed set (the first month
the branch's rows show, paid or not: a blank month column is a month owed; a member already on
file is moved back only as far as the sheet's months reach without a gap, see :func:`_standards`).

All or nothing, like the liaison list: every bad row is named and, while there is one, the
caller stores nothing (it rolls back). Nothing twice: a member and month already on record is
updated (a re-import changes nothing); a month the member reported (我交了, pending) becomes
confirmed and the member is told. A member is found as the ledger's liaison column finds people
(``models.liaisons.naming``): by name and phone, else by name alone when it is one person of the
row's branch (else of ``--org``, else of the roster).
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.dues import months
from models.dues.records import DuesPayment, DuesStandard
from models.dues.reports import tell_confirmed
from models.dues.sheet import SheetRow, read_dues_sheet
from models.ledger import CellError
from models.ledger_report import RowNote
from models.liaisons.assignment import CHUNK
from models.member import Member, mask_phone
from models.org_tree import BranchResolver

SOURCE = "import"


@dataclass
class DuesImportReport:
    """What one dues import did: ``rows`` read, ``members`` named; payments ``created``,
    ``updated``, ``unchanged``; ``confirmed``: members' own reports now confirmed (by name and
    month); standards ``standards_set`` (new) and ``standards_changed``; ``errors``: rows that
    stopped the import (nothing stored); ``not_owed``: months a sheet shows unpaid that are not
    counted as owed because months between them and the first month owed on file are missing
    (the missing months, written -> ``张某 2025年12月`` …); ``moved_back``: members whose first
    month owed the sheet moved earlier (``(new, old)`` months -> names), so they may owe more;
    ``kept_paid``: months confirmed paid on record that the sheet shows unpaid (kept paid)."""

    rows: int = 0
    members: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    confirmed: list[str] = field(default_factory=list)
    standards_set: int = 0
    standards_changed: int = 0
    errors: list[RowNote] = field(default_factory=list)
    unused_columns: list[str] = field(default_factory=list)
    not_owed: dict[str, list[str]] = field(default_factory=dict)
    moved_back: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    kept_paid: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """The report printed to staff, in Chinese."""
        if self.errors:
            return "\n".join([(f"党费表没有导入：有问题的行 {len(self.errors)} 行。为免只导入一半，其他行也没有写入；"
                              "请改正以下各行后重新导入："), *(f"  {note}" for note in self.errors)])
        lines = [(f"党费表导入完成：读了 {self.rows} 行，党员 {self.members} 人；交纳记录新增 {self.created} 条，"
                 f"更新 {self.updated} 条，无变化 {self.unchanged} 条；确认党员自报 {len(self.confirmed)} 条；"
                 f"月缴纳标准新登记 {self.standards_set} 人，调整 {self.standards_changed} 人。")]
        if self.confirmed:
            lines.append("已确认的党员自报（已告诉本人）：" + "、".join(self.confirmed))
        for missing, who in self.not_owed.items():
            lines.append(f"{'、'.join(who)}没有算作欠交：这张表的月份与系统里已记的月份之间缺{missing}；"
                         f"如要算上，请先导入{missing}的党费表，再重新导入这张表。")
        for (since, before), who in self.moved_back.items():
            lines.append(f"{'、'.join(who)}的党费改从{months.written(since)}起算（原从{months.written(before)}起），"
                         "其间没有交的月份算作欠交。")
        if self.kept_paid:
            lines.append("表里写着没交、系统里已记为已交的月份，保留已交，请核对：" + "；".join(self.kept_paid))
        if self.unused_columns:
            lines.append("未识别的列（未导入）：" + "、".join(self.unused_columns)
                         + "；如需导入，请把表头改成“缴费月份”“缴纳金额（元）”“缴费日期”“缴费方式”“月缴纳标准”这样的写法")
        return "\n".join(lines)


def import_dues(session: Session, rows: Sequence[Sequence[object]], *, district: str, scope: set[int] | None,
                start_month: str | None, now: dt.datetime, changed_by: str) -> DuesImportReport:
    """Read ``rows`` (``models.org_file.read_org_rows``) and store them. ``scope``: the
    organisations of ``--org`` (``None``: the whole roster), where a name without phone or
    branch is looked for; ``start_month``: no member owes before it (``dues.start_month``);
    ``changed_by``: the file's name. Returns the report; with ``errors`` in it the caller must
    roll back. Raises :class:`models.ledger.CellError` for an empty file or one without a usable
    header."""
    sheet = read_dues_sheet(rows, now)
    report = DuesImportReport(errors=list(sheet.errors), unused_columns=sheet.unused_columns)
    roster = _Roster(session, district, scope, {r.name for r in sheet.rows})
    found: list[tuple[SheetRow, Member]] = []
    seen: dict[tuple[int, str], int] = {}
    for row in sheet.rows:
        try:
            member = roster.member(row)
            for paid in row.payments:
                earlier = seen.setdefault((member.id, paid.period), row.row)
                if earlier != row.row:
                    raise CellError(f"{months.written(paid.period)}与第{earlier}行重复（同一人同一月份只写一次）")
        except CellError as exc:
            report.errors.append(RowNote(row.row, row.name, str(exc)))
            continue
        found.append((row, member))
    if report.errors:
        report.errors.sort(key=lambda note: note.row)
        return report
    report.rows, report.members = len(sheet.rows), len({m.id for _, m in found})
    standards = _standards(session, found, start_month, now, changed_by, report)
    if report.errors:
        return report
    _payments(session, found, standards, now, changed_by, report)
    session.flush()
    return report


class _Roster:
    """The roster members the sheet names (read once, in chunks), found row by row."""

    def __init__(self, session: Session, district: str, scope: set[int] | None, names: set[str]) -> None:
        self.session, self.scope = session, scope
        self.branches = BranchResolver(session, district, create_orgs=False)
        self.by_name: dict[str, list[Member]] = defaultdict(list)
        wanted = sorted(names)
        for start in range(0, len(wanted), CHUNK):
            for m in session.scalars(select(Member).where(Member.name.in_(wanted[start:start + CHUNK]))
                                     .order_by(Member.id)):
                self.by_name[m.name].append(m)

    def member(self, row: SheetRow) -> Member:
        """The member ``row`` names; CellError with the reason when none or several."""
        same = self.by_name.get(row.name, [])
        where = "名册中"
        if row.branch:
            branch_id = self.branches.branch_id(row.branch)
            same, where = [m for m in same if m.branch_id == branch_id], f"{row.branch}的名册中"
        elif self.scope is not None:
            same = [m for m in same if m.branch_id in self.scope]
        if row.phone is not None:
            exact = [m for m in self.by_name.get(row.name, []) if m.phone == row.phone]
            if exact:
                return exact[0]
            if len(same) == 1:
                raise CellError(f"手机号与{where}的{row.name}（{mask_phone(same[0].phone)}）不一致，请核对")
            raise CellError(f"{where}没有{row.name}（{mask_phone(row.phone)}），请核对，或先导入台账")
        if len(same) > 1:
            raise CellError(f"{where}有{len(same)}位{row.name}，请写上手机号")
        if not same:
            raise CellError(f"{where}没有{row.name}，请核对姓名，或写上手机号")
        return same[0]


def _standards(session: Session, found: list[tuple[SheetRow, Member]], start_month: str | None,
               now: dt.datetime, changed_by: str, report: DuesImportReport) -> dict[int, int]:
    """Set each member's standard (the last one the sheet gives; else the one on file; else their
    latest month's amount) and first month owed, never before ``start_month``: for a new standard
    the first month their branch's rows cover, paid or not (a blank month column is owed); for
    one on file, its month moved back only as far as the branch's months reach it without a gap
    (a 7月…12月 sheet moves 2026-09 back to 2026-07; a 2025 sheet leaves 2026-06 alone, else
    2026年1月…5月, shown by no sheet, would be owed). The unpaid months a gap leaves out go to
    ``report.not_owed``; their payments are recorded all the same. A member whose
    standard is nowhere (no 月缴纳标准, none on file, no amount paid) while the sheet ticks a
    month (✓, 已交: paid at the standard) or shows one unpaid is a row in ``report.errors`` and
    nothing is set. Returns member id -> standard fen (what a tick is worth)."""
    given: dict[int, int] = {}
    latest: dict[int, tuple[str, int]] = {}
    of_branch: dict[int, set[str]] = defaultdict(set)
    first_row: dict[int, SheetRow] = {}
    shown: dict[int, set[str]] = defaultdict(set)
    ticked: dict[int, set[str]] = defaultdict(set)
    for row, member in found:
        first_row.setdefault(member.id, row)
        shown[member.id].update(row.months)
        ticked[member.id].update(p.period for p in row.payments if p.fen is None)
        if row.standard_fen is not None:
            given[member.id] = row.standard_fen
        for paid in row.payments:
            if paid.fen is not None and paid.period >= latest.get(member.id, ("", 0))[0]:
                latest[member.id] = (paid.period, paid.fen)
        of_branch[member.branch_id].update(row.months)
    members = {m.id: m for _, m in found}
    on_file = {s.member_id: s for s in session.scalars(select(DuesStandard).where(
        DuesStandard.member_id.in_(list(members))))}
    current = months.current_period(now)
    amounts = {}
    for member_id, member in members.items():
        standard = on_file.get(member_id)
        fen = given.get(member_id, standard.amount_fen if standard else latest.get(member_id, (None, None))[1])
        if fen is None:
            # Only ticks or unpaid months and no amount anywhere: skipping would leave the
            # months unrecorded (the member would read that nothing is kept), so the secretary is told.
            report.errors.append(_no_standard(first_row[member_id], member, shown[member_id], ticked[member_id],
                                              start_month, current))
        amounts[member_id] = fen
    if report.errors:
        report.errors.sort(key=lambda note: note.row)
        return {}
    paid = {(member.id, p.period) for row, member in found for p in row.payments}
    for member_id, member in members.items():
        fen, standard, shows = amounts[member_id], on_file.get(member_id), of_branch[member.branch_id]
        before = None  # the first month owed on file, when there is one
        if standard is None:
            standard = DuesStandard(member_id=member_id, amount_fen=fen, since=min(shows, default=current),
                                    set_by=changed_by[:64], updated_at=now)
            session.add(standard)
            report.standards_set += 1
        else:
            if standard.amount_fen != fen:
                standard.amount_fen, standard.set_by, standard.updated_at = fen, changed_by[:64], now
                report.standards_changed += 1
            before = standard.since
            standard.since = _reach_back(standard.since, shows) if shows else min(standard.since, current)
        standard.since = max(standard.since, start_month or "")
        if before is not None and standard.since < before:
            report.moved_back.setdefault((standard.since, before), []).append(member.name)
        left_out = sorted(m for m in shown[member_id] if (start_month or "") <= m < standard.since
                          and (member_id, m) not in paid)
        if left_out:
            missing = months.span(months.shift(max(m for m in shown[member_id] if m < standard.since), 1),
                                  months.shift(standard.since, -1))
            report.not_owed.setdefault(months.written_runs(missing), []).append(
                f"{member.name} {months.written_runs(left_out)}")
    return amounts


def _reach_back(since: str, shown: set[str]) -> str:
    """``since`` (``YYYY-MM``) moved back through the months ``shown`` while they run on without
    a gap to the month before it (unchanged when that month is not shown)."""
    while months.shift(since, -1) in shown:
        since = months.shift(since, -1)
    return since


def _no_standard(row: SheetRow, member: Member, shown: set[str], ticked: set[str], start_month: str | None,
                 current: str) -> RowNote:
    """The note for a member with months ticked (✓, 已交: paid at the standard) or owed and no
    standard known: which months, what cannot be worked out, what to write."""
    owed = [m for m in shown - ticked if (start_month or "") <= m <= current]
    said = "、".join([*([f"{months.written_runs(ticked)}写了“已交”"] if ticked else []),
                     *([f"{months.written_runs(owed)}没有交"] if owed else [])])
    unknown = "、".join([*(["交了多少"] if ticked else []), *(["欠交多少"] if owed else [])]) or "每月该交多少"
    return RowNote(row.row, row.name, f"{said}{'，但' if said else ''}表里和系统里都没有{member.name}的月缴纳标准，"
                                      f"算不出{unknown}；请在“月缴纳标准”列写上每月金额后重新导入")


def _payments(session: Session, found: list[tuple[SheetRow, Member]], standards: dict[int, int],
              now: dt.datetime, changed_by: str, report: DuesImportReport) -> None:
    """Record every month paid (a tick at the row's 月缴纳标准, else at ``standards``, member id ->
    fen): new, updated, unchanged, or a member's report confirmed (the member told)."""
    ids = sorted({m.id for _, m in found})
    existing: dict[tuple[int, str], DuesPayment] = {}
    for start in range(0, len(ids), CHUNK):
        for p in session.scalars(select(DuesPayment).where(DuesPayment.member_id.in_(ids[start:start + CHUNK]))):
            existing[(p.member_id, p.period)] = p
    told: dict[int, list[DuesPayment]] = defaultdict(list)
    for row, member in found:
        # A blank or 未交 cell never undoes a payment on record; the secretary is asked to check.
        unpaid = set(row.months) - {p.period for p in row.payments}
        on_record = [month for month in unpaid if (member.id, month) in existing
                     and existing[(member.id, month)].status == "confirmed"]
        if on_record:
            report.kept_paid.append(f"{member.name} {months.written_runs(on_record)}")
        for paid in row.payments:
            # A tick (✓, 已交) is the standard: the row's own, else the member's (on file, or set above).
            fen = paid.fen if paid.fen is not None else \
                row.standard_fen if row.standard_fen is not None else standards[member.id]
            payment = existing.get((member.id, paid.period))
            if payment is None:
                session.add(DuesPayment(member_id=member.id, period=paid.period, amount_fen=fen, paid_on=paid.paid_on,
                                        channel=paid.channel, status="confirmed", source=SOURCE,
                                        recorded_by=changed_by[:64], source_row=row.row, recorded_at=now,
                                        confirmed_at=now, confirmed_by=changed_by[:64]))
                report.created += 1
                continue
            # A sheet that gives no date or channel (a wide sheet has neither) says nothing of them:
            # what is on record stays.
            values = (fen, paid.paid_on or payment.paid_on, paid.channel or payment.channel)
            if payment.status == "pending":
                payment.status, payment.confirmed_at, payment.confirmed_by = "confirmed", now, changed_by[:64]
                told[member.id].append(payment)
                report.confirmed.append(f"{member.name} {months.written(paid.period)}")
            elif values == (payment.amount_fen, payment.paid_on, payment.channel):
                report.unchanged += 1
                continue
            else:
                report.updated += 1
                payment.source, payment.recorded_by, payment.source_row = SOURCE, changed_by[:64], row.row
            payment.amount_fen, payment.paid_on, payment.channel = values
    session.flush()
    for member_id, payments in told.items():
        tell_confirmed(session, session.get(Member, member_id), [p.period for p in payments],
                       sum(p.amount_fen for p in payments), "支部（党费台账）", now)
