"""Importing a member ledger (台账) into the roster: validate every row, take every good row in one
transaction, name every bad row with its reason, and never import anyone twice.

A re-import matches members by name + phone and updates what changed (``MemberChange`` with
source ``import``). The caller commits, so a failure leaves nothing half-imported.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.binding import new_bind_code
from models.ledger import (
    REQUIRED, CellError, find_header, is_footer, parse_away_reason, parse_destination,
    parse_gender, parse_month, parse_name, parse_phone, parse_text,
)
from models.member import Member
from models.member_updates import apply_changes
from models.org_tree import BranchResolver


@dataclass
class ImportReport:
    """What an import did. ``errors`` holds (sheet row number, reason in Chinese)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    orgs_created: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """The report printed to the branch, in Chinese, one bad row a line."""
        lines = [f"导入完成：新增 {self.created} 人，更新 {self.updated} 人，"
                 f"无变化 {self.unchanged} 人；有问题的行 {len(self.errors)} 行（未导入）。"]
        if self.orgs_created:
            lines.append("新建党组织：" + "、".join(self.orgs_created))
        lines += [f"  第{row}行：{reason}" for row, reason in self.errors]
        if self.errors:
            lines.append("请改正这些行后重新导入同一个文件，已导入的人不会重复。")
        return "\n".join(lines)


def read_table(path: str | Path) -> list[list[object]]:
    """All rows of the first sheet of an .xlsx file, or of a CSV (UTF-8, UTF-8 with BOM, or the
    GB18030 that Excel on Chinese Windows writes). Raises ``ValueError`` for other formats."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
        finally:
            book.close()
    if suffix == ".csv":
        raw = path.read_bytes()
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                # StringIO, not splitlines: a quoted header may hold a line break (流动去向\n（省）).
                return [list(r) for r in csv.reader(io.StringIO(raw.decode(encoding), newline=""))]
            except UnicodeDecodeError:
                continue
    raise ValueError(f"{path.name}: 只支持 .xlsx 或 .csv 文件")


def import_members(session: Session, rows: list[list[object]], *, district: str, create_orgs: bool,
                   now: dt.datetime) -> ImportReport:
    """Import ledger ``rows`` (as :func:`read_table` returns them) under ``district``.

    ``create_orgs``: create a missing township/village/branch named in 所属党支部 under the
    district; without it an unknown branch is a row error. Returns the report; raises
    ``CellError`` when no header row can be found (nothing is imported then)."""
    header_index, columns = find_header(rows)
    report = ImportReport()
    resolver = BranchResolver(session, district, create_orgs)
    seen: dict[tuple[str, str], int] = {}
    for index in range(header_index + 1, len(rows)):
        row_number, cells = index + 1, rows[index]
        fields = {key: cells[col] for col, key in columns.items() if col < len(cells)}
        if is_footer(cells):
            continue
        try:
            values = _parse_row(fields, resolver)
            key = (values["name"], values["phone"])
            if key in seen:
                raise CellError(f"与第{seen[key]}行重复")
        except CellError as exc:
            report.errors.append((row_number, str(exc)))
            continue
        values["branch_id"] = resolver.branch_id(fields.get("branch"))
        seen[key] = row_number
        _store(session, values, report, now)
    report.orgs_created = resolver.created
    session.flush()
    return report


def _parse_row(fields: dict[str, object], resolver: BranchResolver) -> dict[str, object]:
    """Every cell of one row parsed (the branch only checked); all problems of the row in one
    CellError."""
    parsers = {
        "name": parse_name, "phone": parse_phone, "gender": parse_gender,
        "joined_party_on": parse_month, "away_since": parse_month, "away_reason": parse_away_reason,
        "employer": lambda c: parse_text(c, 100), "note": lambda c: parse_text(c, 500),
    }
    values: dict[str, object] = {}
    problems = []
    for key, parse in parsers.items():
        if key not in fields and key not in REQUIRED:
            continue
        try:
            values[key] = parse(fields.get(key))
        except CellError as exc:
            problems.append(str(exc))
    try:
        resolver.branch_id(fields.get("branch"), dry_run=True)
    except CellError as exc:
        problems.append(str(exc))
    if problems:
        raise CellError("；".join(problems))
    values.update(parse_destination(fields))
    return values


def _store(session: Session, values: dict[str, object], report: ImportReport, now: dt.datetime) -> None:
    existing = session.scalar(select(Member).where(Member.name == values["name"],
                                                   Member.phone == values["phone"]))
    if existing is None:
        session.add(Member(status="away", bind_code=new_bind_code(session), created_at=now, **values))
        session.flush()
        report.created += 1
        return
    known = {k: v for k, v in values.items() if v is not None}
    if apply_changes(session, existing, known, source="import", now=now):
        report.updated += 1
    else:
        report.unchanged += 1
