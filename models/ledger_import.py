"""Importing a member ledger (台账) into the roster: validate every row, take every good row in one
transaction, name every bad row with its reason, and never import anyone twice.

A re-import matches members by name + phone and updates what changed (``MemberChange`` with
source ``import``). A 联络员 column names each member's red liaison (``models.ledger_liaisons``);
a liaison that cannot be assigned, or a phone two members share (families do), is a row to
check, not a row left out. The caller commits, so a failure leaves nothing half-imported.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import ParseError

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.binding import new_bind_code
from models.ledger import (
    CellError,
    find_header,
    header_text,
    is_footer,
    parse_away_reason,
    parse_destination,
    parse_gender,
    parse_month,
    parse_name,
    parse_phone,
    parse_text,
    unused_headers,
)
from models.ledger_liaisons import LiaisonAssigner
from models.ledger_report import ImportReport, RowNote
from models.member import Member
from models.member_updates import apply_changes
from models.org_tree import BranchResolver
from models.places import clean

# What openpyxl raises for a file that is not a real .xlsx (a renamed .xls or text file, a
# truncated download): not a zip, a zip without the workbook parts, or broken XML inside.
NOT_A_WORKBOOK = (zipfile.BadZipFile, KeyError, InvalidFileException, ParseError)


def read_table(path: str | Path) -> list[list[object]]:
    """All rows of the first sheet of an .xlsx file, or of a CSV (UTF-8, UTF-8 with BOM, or the
    GB18030 that Excel on Chinese Windows writes).

    Raises ``ValueError`` with the reason in Chinese for another format, a file that only looks
    like an .xlsx (damaged, or renamed), or a CSV in an unknown encoding."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        try:
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
            try:
                return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
            finally:
                book.close()
        except NOT_A_WORKBOOK:
            raise ValueError("这不是一个完好的 .xlsx 文件（可能已损坏，或是改了扩展名的其他文件）。"
                             "请用 Excel 或 WPS 打开台账，“另存为”Excel 工作簿（.xlsx）后再导入") from None
    if suffix == ".csv":
        raw = path.read_bytes()
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                # StringIO, not splitlines: a quoted header may hold a line break (流动去向\n（省）).
                return [list(r) for r in csv.reader(io.StringIO(raw.decode(encoding), newline=""))]
            except UnicodeDecodeError:
                continue
        raise ValueError("这个 .csv 文件的文字编码看不懂。请用 Excel 打开后“另存为”.xlsx 再导入")
    raise ValueError("只支持 .xlsx 或 .csv 文件。老的 .xls 请用 Excel 或 WPS 打开后“另存为”.xlsx 再导入")


@dataclass
class _Imported:
    """A row taken into the roster, and how: ``created`` / ``updated`` / ``unchanged``."""

    row: int
    member: Member
    outcome: str
    fields: dict[str, object]


def import_members(session: Session, rows: list[list[object]], *, district: str, create_orgs: bool,
                   now: dt.datetime) -> ImportReport:
    """Import ledger ``rows`` (as :func:`read_table` returns them) under ``district``.

    ``create_orgs``: create a missing township/village/branch named in 所属党支部 under the
    district; without it an unknown branch is a row error. Returns the report; raises
    ``CellError`` when no header row can be found or it lacks 姓名, 手机号 or 所属党支部
    (nothing is imported then)."""
    header_index, columns = find_header(rows)
    report = ImportReport(unused_columns=unused_headers(rows[header_index], columns))
    headers = {key: header_text(rows[header_index][col]) for col, key in columns.items()}
    resolver = BranchResolver(session, district, create_orgs)
    imported: list[_Imported] = []
    seen: dict[tuple[str, str], int] = {}
    for index in range(header_index + 1, len(rows)):
        row_number, cells = index + 1, rows[index]
        fields = {key: cells[col] for col, key in columns.items() if col < len(cells)}
        if is_footer(cells):
            continue
        try:
            values, notes = _parse_row(fields, headers, resolver)
            key = (values["name"], values["phone"])
            if key in seen:
                raise CellError(f"与第{seen[key]}行重复")
        except CellError as exc:
            report.errors.append(RowNote(row_number, clean(fields.get("name")) or None, str(exc)))
            continue
        report.warnings += [RowNote(row_number, values["name"], f"{note}，已留空") for note in notes]
        values["branch_id"] = resolver.branch_id(fields.get("branch"))
        seen[key] = row_number
        imported.append(_Imported(row_number, *_store(session, values, now), fields))
    _assign_liaisons(session, imported, report, now)
    report.warnings += _shared_phones(session, imported)
    outcomes = Counter(row.outcome for row in imported)
    report.created, report.updated, report.unchanged = (outcomes[k] for k in ("created", "updated", "unchanged"))
    report.orgs_created = resolver.created
    session.flush()
    return report


def _assign_liaisons(session: Session, imported: list[_Imported], report: ImportReport,
                     now: dt.datetime) -> None:
    """Second pass, once every row is on the roster (a liaison may be a later row)."""
    assigner = LiaisonAssigner(session, now)
    for row in imported:
        try:
            liaison = assigner.liaison(row.member, row.fields.get("liaison"), row.fields.get("liaison_phone"))
        except CellError as exc:
            report.warnings.append(RowNote(row.row, row.member.name, str(exc)))
            continue
        if liaison is None or liaison.id == row.member.liaison_id:
            continue
        if row.outcome == "created":
            row.member.liaison_id = liaison.id  # a new member's creation is its record
        else:
            apply_changes(session, row.member, {"liaison_id": liaison.id}, source="import", now=now)
            row.outcome = "updated"
    report.liaisons_named, report.liaisons_added = assigner.named, assigner.added


def _shared_phones(session: Session, imported: list[_Imported]) -> list[RowNote]:
    """Rows whose phone another member also has, in the file or on the roster: imported (families
    share a phone) but named, so staff can check for a typing mistake."""
    ours = {row.member.id for row in imported}
    phones = {row.member.phone for row in imported}
    others: dict[str, list[Member]] = {}
    for member in session.scalars(select(Member).where(Member.phone.in_(phones)).order_by(Member.id)):
        if member.id not in ours:
            others.setdefault(member.phone, []).append(member)
    notes, first = [], {}
    for row in imported:
        phone = row.member.phone
        if phone in first:
            earlier = first[phone]
            notes.append(RowNote(row.row, row.member.name, f"手机号与第{earlier.row}行（{earlier.member.name}）"
                                 "相同，已照常导入；如果是家人共用可不处理，否则请改正"))
        first.setdefault(phone, row)
        if phone in others and first[phone] is row:
            names = "、".join(f"{m.name}（{m.branch.name}）" for m in others[phone])
            notes.append(RowNote(row.row, row.member.name, f"手机号与名册中的{names}相同，已照常导入；"
                                 "如果是家人共用可不处理，否则请改正"))
    return notes


# Columns a member cannot be imported without, and columns left empty (and named under 请核对)
# when a cell cannot be read: a bad 入党时间 must not keep the member off the roster.
REQUIRED_PARSERS = {"name": parse_name, "phone": parse_phone}
OPTIONAL_PARSERS = {
    "gender": parse_gender, "joined_party_on": parse_month, "away_since": parse_month,
    "away_reason": parse_away_reason, "employer": lambda c: parse_text(c, 100),
    "note": lambda c: parse_text(c, 500),
}
# Free-text columns whose only fault is length: their reason (太长…) is shown as it is.
TEXT_COLUMNS = ("employer", "note")


def _parse_row(fields: dict[str, object], headers: dict[str, str],
               resolver: BranchResolver) -> tuple[dict[str, object], list[str]]:
    """Every cell of one row parsed (the branch only checked): ``(values, notes)``, where
    ``notes`` name optional cells left empty (``入党时间“2019年13月”看不懂``). Raises one
    CellError naming every problem of the row when a required cell is bad."""
    values: dict[str, object] = {}
    problems, notes = [], []
    for key, parse in REQUIRED_PARSERS.items():
        try:
            values[key] = parse(fields.get(key))
        except CellError as exc:
            problems.append(str(exc))
    try:
        resolver.branch_id(fields.get("branch"), dry_run=True)
    except CellError as exc:
        problems.append(str(exc))
    for key, parse in OPTIONAL_PARSERS.items():
        if key not in fields:
            continue
        try:
            values[key] = parse(fields[key])
        except CellError as exc:
            values[key] = None
            shown = f"{exc}" if key in TEXT_COLUMNS else f"“{str(fields[key]).strip()}”看不懂"
            notes.append(headers[key] + shown)
    if problems:
        raise CellError("；".join(problems + notes))
    values.update(parse_destination(fields))
    return values, notes


def _store(session: Session, values: dict[str, object], now: dt.datetime) -> tuple[Member, str]:
    """The row's member, found by name + phone or created, and what happened to them."""
    existing = session.scalar(select(Member).where(Member.name == values["name"],
                                                   Member.phone == values["phone"]))
    if existing is None:
        member = Member(status="away", bind_code=new_bind_code(session), created_at=now, **values)
        session.add(member)
        session.flush()
        return member, "created"
    known = {k: v for k, v in values.items() if v is not None}
    changed = apply_changes(session, existing, known, source="import", now=now)
    return existing, "updated" if changed else "unchanged"
