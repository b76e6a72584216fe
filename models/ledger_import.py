"""Importing a member ledger (台账) into the roster: validate every row, take every good row in one
transaction, name every bad row with its reason, and never import anyone twice.

Rows stream in (``models.ledger_files.open_table``) and go to the roster a batch at a time
(``models.ledger_roster``), so 100,000 rows take seconds and bounded memory. A re-import matches
members by name + phone and updates what changed (``MemberChange`` with source ``import``). A
联络员 column names each member's red liaison (``models.ledger_liaisons``); a liaison that cannot
be assigned, or a phone two members share (families do), is a row to check, not a row left out.
The caller commits (or, for a dry run, rolls back), so a failure leaves nothing half-imported.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from itertools import chain, islice

from sqlalchemy import select
from sqlalchemy.orm import Session

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
    quoted,
    unused_headers,
)
from models.ledger_files import RejectedRows
from models.ledger_liaisons import LiaisonAssigner
from models.ledger_report import ImportReport, RowNote
from models.ledger_roster import LedgerRow, RosterBatches
from models.org import Organization
from models.org_tree import BranchResolver
from models.places import clean

BATCH = 1000  # rows per roster round trip
HEADER_SCAN = 20  # rows searched for the header (find_header)


def import_members(session: Session, rows: Iterable[Sequence[object]], *, district: str, create_orgs: bool,
                   now: dt.datetime, changed_by: str, rejected: RejectedRows | None = None,
                   progress: Callable[[int], None] | None = None,
                   handover_template: str | None = None) -> ImportReport:
    """Import ledger ``rows`` (a sheet's rows, as ``models.ledger_files.open_table`` reads them)
    under ``district``. ``changed_by`` names the import in every member's history (the ledger
    file's name, as staff know it).

    ``create_orgs``: create a missing township/village/branch named in 所属党支部 under the
    district; without it an unknown branch is a row error. ``rejected``: receives the header row
    and every row left out, with its reason. ``progress(n)``: told the rows read so far, after
    every batch. ``handover_template``: the ``liaison_handover`` template (config
    ``wechat.templates``) for liaisons told that members were handed to or from them when the
    ledger changes a member's liaison (``None``: the notice waits for their next message).
    Returns the report; raises ``CellError`` when no header row can be found or it
    lacks 姓名, 手机号 or 所属党支部 (nothing is imported then)."""
    rows = iter(rows)
    head = list(islice(rows, HEADER_SCAN))
    header_index, columns = find_header(head, HEADER_SCAN)
    header = head[header_index]
    report = ImportReport(unused_columns=unused_headers(header, columns))
    headers = {key: header_text(header[col]) for col, key in columns.items()}
    if rejected is not None:
        rejected.header(header)
    resolver = BranchResolver(session, district, create_orgs)
    roster = RosterBatches(session, now, changed_by)
    seen: dict[tuple[str, str], int] = {}
    batch: list[LedgerRow] = []
    row_number = header_index + 1
    for cells in chain(head[header_index + 1:], rows):
        row_number += 1
        if is_footer(cells):
            continue
        fields = {key: cells[col] for col, key in columns.items() if col < len(cells)}
        try:
            values, notes = _parse_row(fields, headers, resolver)
            key = (values["name"], values["phone"])
            if key in seen:
                raise CellError(f"与第{seen[key]}行重复")
        except CellError as exc:
            report.errors.append(RowNote(row_number, clean(fields.get("name")) or None, str(exc)))
            if rejected is not None:
                rejected.add(cells, str(exc))
            continue
        report.warnings += [RowNote(row_number, values["name"], f"{note}，已留空") for note in notes]
        values["branch_id"] = resolver.branch_id(fields.get("branch"))
        seen[key] = row_number
        liaison = (fields.get("liaison"), fields.get("liaison_phone"))
        batch.append(LedgerRow(row_number, values, liaison if any(clean(c) for c in liaison) else None))
        if len(batch) == BATCH:
            roster.store(batch)
            batch.clear()
            if progress is not None:
                progress(row_number)
    if batch:
        roster.store(batch)
    if progress is not None:
        progress(row_number)
    _finish(session, report, roster, resolver, now, changed_by, handover_template)
    return report


def _finish(session: Session, report: ImportReport, roster: RosterBatches, resolver: BranchResolver,
            now: dt.datetime, changed_by: str, handover_template: str | None) -> None:
    """Second pass, once every row is on the roster (a liaison may be a later row), and the
    counts."""
    assigner = LiaisonAssigner(session, now, changed_by, on_added=roster.also_on_roster,
                               template_id=handover_template)
    assigner.assign(roster.placed)
    report.warnings += assigner.warnings
    branches = roster.sharer_branches()
    names = dict(session.execute(select(Organization.id, Organization.name)
                                 .where(Organization.id.in_(branches))).all()) if branches else {}
    report.warnings += roster.shared_phones(names)
    outcomes = roster.outcomes
    # A member otherwise unchanged whose liaison changed counts as updated.
    now_updated = sum(p.outcome == "unchanged" for p in assigner.changed)
    report.created = outcomes["created"]
    report.updated = outcomes["updated"] + now_updated
    report.unchanged = outcomes["unchanged"] - now_updated
    report.liaisons_named, report.liaisons_added = assigner.named, assigner.added
    report.handover = assigner.handover.lines()
    report.orgs_created = resolver.created
    session.flush()


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
            shown = f"{exc}" if key in TEXT_COLUMNS else f"“{quoted(str(fields[key]).strip())}”看不懂"
            notes.append(headers[key] + shown)
    if problems:
        raise CellError("；".join(problems + notes))
    values.update(parse_destination(fields))
    return values, notes
