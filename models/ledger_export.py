"""The branch's ledger (台账) back as a file: one row per member of an organisation's subtree,
under the headers the import reads, so a file exported and imported again changes nothing.

Columns the import reads come first, written the way it reads them back to the same values
(所属党支部 as the import resolves it to that branch alone, the liaison as 姓名 + 手机号, dates
as dates, codes in the ledger's words); then columns for reading only (状态, 最近核实, 最近联系 —
the latest contact in the liaison's log, 积分 — the balance of the points ledger, 组织关系转接 —
the newest transfer request, 最近思想汇报 — the date of the latest thought report, 党费 —
``models.dues.ledger``, 组织生活 — this year's meetings attended, on leave and missed,
``models.meetings.record``), which the import passes over. Phones are written in full: the file
is the branch's own ledger (DESIGN.md §5 masks phones in lists, logs and replies, not here).
Rows stream from the database to the sheet, so 100,000 members take seconds and bounded memory.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, aliased

from models.clock import SHANGHAI
from models.dues.ledger import dues_cell, dues_summary
from models.dues.months import current_period
from models.ledger_files import SheetWriter
from models.liaison_contacts import last_contact_at
from models.meetings.record import year_cell, year_columns
from models.member import AWAY_REASON_NAMES, STATUS_NAMES, Liaison, Member
from models.org_tree import ledger_names
from models.points import PointsEntry
from models.thought_reports.filing import latest_report_at
from models.transfers.request import TransferRequest
from models.verification.freshness import verified_at

HEADER = ("序号", "姓名", "性别", "手机号", "所属党支部", "入党时间", "外出时间", "外出原因",
          "流动去向（省）", "流动去向（市）", "流动去向（区县）", "工作单位", "备注", "红色联络员",
          "状态", "最近核实", "最近联系", "积分", "组织关系转接",
          "最近思想汇报", "党费", "组织生活")
# TransferRequest.status -> the 组织关系转接 cell's word.
TRANSFER_WORDS = {"requested": "已申请", "done": "已办结"}
BATCH = 2000  # rows fetched at a time


def export_members(session: Session, path: str | Path, *, org_ids: set[int] | None, title: str,
                   now: dt.datetime) -> int:
    """Write the ledger of the members in branches ``org_ids`` (every member when ``None``) to
    the .xlsx ``path``, under a title row ``title（导出于 <Beijing time>）``. Returns the number of
    members written. Raises ``OSError`` when the file cannot be written."""
    writer = SheetWriter(path, "台账")
    writer.append([f"{title}（导出于 {now.astimezone(SHANGHAI):%Y-%m-%d %H:%M}）"])
    writer.append(HEADER)
    count = 0
    for count, row in enumerate(ledger_rows(session, org_ids, now), start=1):
        writer.append([count, *row])
    writer.save()
    return count


def ledger_rows(session: Session, org_ids: set[int] | None, now: dt.datetime) -> Iterator[list[object]]:
    """The cells after 序号 of each member's row, branch by branch in the order branches were
    made, members in the order they joined the roster; ``now`` is the export's time (党费 as of
    its Beijing month, 组织生活 its Beijing year)."""
    branch_names = ledger_names(session)
    current = current_period(now)
    for m in session.execute(_query(org_ids, now).execution_options(yield_per=BATCH)):
        yield [m.name, m.gender, m.phone, branch_names.get(m.branch_id), m.joined_party_on, m.away_since,
               AWAY_REASON_NAMES.get(m.away_reason), m.current_province, m.current_city, m.current_district,
               m.employer, m.note, _liaison_cell(m.liaison_name, m.liaison_phone),
               STATUS_NAMES.get(m.status, m.status), _local(_latest(m.bound_at, m.changed_by_member)),
               _local(m.last_contact), m.points or 0, _transfer_cell(m.transfer_status, m.transfer_destination,
                                                        m.transfer_requested_at, m.transfer_done_at),
               _day(m.last_report),
               dues_cell(m.dues_since, m.dues_paid, m.dues_pending, m.dues_last_paid, current),
               year_cell(m.meetings_attended, m.meetings_leave, m.meetings_recorded, m.meetings_held)]


def _query(org_ids: set[int] | None, now: dt.datetime) -> Select:
    liaison = aliased(Member)
    # 最近联系: the liaison's latest contact (定时联系: a call, a visit, an answer to their message).
    last_contact = last_contact_at()
    # 最近核实: binding, or the member's own latest change or answer to a verification ask.
    confirmed = verified_at()
    latest_transfer = (select(TransferRequest.member_id, func.max(TransferRequest.id).label("id"))
                       .group_by(TransferRequest.member_id).subquery())
    balance = (select(PointsEntry.member_id, func.sum(PointsEntry.delta).label("points"))
               .group_by(PointsEntry.member_id).subquery())
    transfer = TransferRequest
    last_report = latest_report_at()
    dues = dues_summary(current_period(now))
    meetings, held = year_columns(now)
    query = (select(Member.name, Member.gender, Member.phone, Member.branch_id, Member.joined_party_on,
                    Member.away_since, Member.away_reason, Member.current_province, Member.current_city,
                    Member.current_district, Member.employer, Member.note, Member.status, Member.bound_at,
                    liaison.name.label("liaison_name"), liaison.phone.label("liaison_phone"),
                    last_contact.c.at.label("last_contact"), confirmed.c.at.label("changed_by_member"),
                    transfer.status.label("transfer_status"), transfer.destination.label("transfer_destination"),
                    transfer.requested_at.label("transfer_requested_at"),
                    transfer.done_at.label("transfer_done_at"), balance.c.points,
                    last_report.c.at.label("last_report"),
                    dues.c.since.label("dues_since"), dues.c.paid.label("dues_paid"),
                    dues.c.pending.label("dues_pending"), dues.c.last_paid.label("dues_last_paid"),
                    meetings.c.attended.label("meetings_attended"), meetings.c.leave.label("meetings_leave"),
                    meetings.c.recorded.label("meetings_recorded"), held.c.held.label("meetings_held"))
             .outerjoin(Liaison, Liaison.id == Member.liaison_id)
             .outerjoin(liaison, liaison.id == Liaison.member_id)
             .outerjoin(last_contact, last_contact.c.member_id == Member.id)
             .outerjoin(confirmed, confirmed.c.member_id == Member.id)
             .outerjoin(latest_transfer, latest_transfer.c.member_id == Member.id)
             .outerjoin(transfer, transfer.id == latest_transfer.c.id)
             .outerjoin(balance, balance.c.member_id == Member.id)
             .outerjoin(last_report, last_report.c.member_id == Member.id)
             .outerjoin(dues, dues.c.member_id == Member.id)
             .outerjoin(meetings, meetings.c.member_id == Member.id)
             .outerjoin(held, held.c.org_id == Member.branch_id)
             .order_by(Member.branch_id, Member.id))
    return query if org_ids is None else query.where(Member.branch_id.in_(org_ids))


def _liaison_cell(name: str | None, phone: str | None) -> str | None:
    if name is None:
        return None
    return f"{name} {phone}" if phone else name


def _transfer_cell(status: str | None, destination: str | None, requested_at: dt.datetime | None,
                   done_at: dt.datetime | None) -> str | None:
    """``已申请：转到浙江宁波（2026-11-29）`` / ``已办结：…（办结日期）`` for the member's newest
    transfer request; empty when they never asked."""
    if status is None:
        return None
    when = done_at if status == "done" else requested_at
    return f"{TRANSFER_WORDS.get(status, status)}：转到{destination}（{when.astimezone(SHANGHAI):%Y-%m-%d}）"


def _day(moment: dt.datetime | None) -> dt.date | None:
    """The Beijing date of ``moment`` (a date cell), ``None`` for none."""
    return moment.astimezone(SHANGHAI).date() if moment is not None else None


def _latest(*times: dt.datetime | None) -> dt.datetime | None:
    known = [t for t in times if t is not None]
    return max(known) if known else None


def _local(moment: dt.datetime | None) -> dt.datetime | None:
    # Excel holds no time zone: Beijing time, as members and staff read the clock.
    return moment.astimezone(SHANGHAI).replace(tzinfo=None) if moment is not None else None
