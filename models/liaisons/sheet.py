"""Reading a liaison list (红色联络员名单): for each branch, its red liaisons and, optionally, the
members each looks after — as a district or township keeps it in Excel or CSV.

Read as forgivingly as the org file (``models.org_file``): the header found wherever it is in
the first 20 rows, its usual words (支部 / 所属党组织, 联络员姓名 / 红色联络员, 联络员电话 or a
bare 联系电话 after it, 负责党员 / 联系对象, an optional 乡镇), full-width digits, phones as
numbers, a branch merged down over its liaisons' rows. One row names one liaison — or several
without members (``张某 13800001234、李某``); its 负责党员 cell names members by name, or name and
phone. Pure: nothing is stored here (``models.liaisons.sheet_import`` does that).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from models.ledger import (
    PHONE_WORDS,
    CellError,
    header_text,
    is_footer,
    parse_phone,
    quoted,
    unused_headers,
)
from models.ledger_report import RowNote
from models.liaisons.people import parse_people
from models.org_file import BRANCH_WORDS, TOWNSHIP_WORDS, header_row
from models.places import clean

HEADER_SCAN = 20
LIAISON_WORDS = ("红色联络员", "联络员", "联络人")
MEMBER_WORDS = ("负责联系的党员", "负责联系党员", "负责党员", "联系党员", "结对党员", "服务党员", "联系对象",
                "结对对象", "服务对象", "流动党员", "党员")
# Column -> header words naming it (the cleaned header, brackets dropped, starts with one); tried
# in this order, so 联络员电话 is the liaison's phone and 党员电话 a member's.
HEADER_WORDS: dict[str, tuple[str, ...]] = {
    "member_phone": tuple(m + p for m in MEMBER_WORDS for p in PHONE_WORDS),
    "members": MEMBER_WORDS,
    "phone": tuple(w + p for w in LIAISON_WORDS for p in PHONE_WORDS),
    "name": (*LIAISON_WORDS, "姓名"),
    "township": TOWNSHIP_WORDS,
    "branch": BRANCH_WORDS,
}
# A bare phone column (联系电话) is the phone of the column just left of it.
PHONE_OF = {"name": "phone", "members": "member_phone"}
REQUIRED = {"branch": "所属党支部", "name": "联络员姓名"}
COLUMN_NAMES = {"phone": "联络员电话", "members": "负责党员", "member_phone": "党员电话", "township": "乡镇"}


@dataclass
class ListedLiaison:
    """One row: the branch as written (乡镇 before it when the file has that column), the
    liaisons it names (``(name, phone or None)``), and the members of the one liaison."""

    row: int
    branch: str
    liaisons: list[tuple[str, str | None]]
    members: list[tuple[str, str | None]]


@dataclass
class LiaisonSheet:
    """What a liaison list says: its rows, the rows that stop the import (``errors``), and the
    headers not read."""

    rows: list[ListedLiaison] = field(default_factory=list)
    errors: list[RowNote] = field(default_factory=list)
    unused_columns: list[str] = field(default_factory=list)


def find_header(rows: Sequence[Sequence[object]]) -> tuple[int, dict[int, str]]:
    """The header among the first 20 rows: the first naming two of our columns. Returns
    (0-based index, {column: key}). Raises :class:`CellError` when there is none, or it lacks
    the branch or the liaison's name."""
    return header_row(rows, HEADER_WORDS, PHONE_WORDS, phone_of=PHONE_OF, required=REQUIRED)


def read_liaison_sheet(rows: Sequence[Sequence[object]]) -> LiaisonSheet:
    """Every row of a liaison list (as ``models.org_file.read_org_rows`` gives them) read and
    checked. Raises :class:`CellError` for an empty file, no usable header, or no row under it."""
    header_index, columns = find_header(rows)
    header = rows[header_index]
    sheet = LiaisonSheet(unused_columns=unused_headers(header, columns))
    headers = {**COLUMN_NAMES, **{key: header_text(header[col]) for col, key in columns.items()}}
    for number, cells in enumerate(rows[header_index + 1:], start=header_index + 2):
        if is_footer(cells):
            continue
        fields = {key: cells[col] for col, key in columns.items() if col < len(cells)}
        try:
            listed = _read_row(number, fields, headers)
        except CellError as exc:
            sheet.errors.append(RowNote(number, quoted(clean(fields.get("name"))) or None, str(exc)))
            continue
        if listed is not None:
            sheet.rows.append(listed)
    if not sheet.rows and not sheet.errors:
        raise CellError(f"第{header_index + 1}行是表头，但下面没有任何联络员")
    return sheet


def _read_row(number: int, fields: dict[str, object], headers: dict[str, str]) -> ListedLiaison | None:
    """One row read, or ``None`` for a row naming no liaison and nothing else (a blank or a
    branch merged down past the table). Raises one CellError naming every problem of the row."""
    problems: list[str] = []
    liaisons = _people(fields, "name", "phone", "联络员", headers, problems)
    members = _people(fields, "members", "member_phone", "负责党员", headers, problems)
    branch, township = clean(fields.get("branch")), clean(fields.get("township"))
    if not liaisons and not members and not problems:
        return None
    if not branch:
        problems.insert(0, f"没写{headers['branch']}")
    if not liaisons and members:
        problems.append(f"写了{headers['members']}，但没写{headers['name']}")
    if len(liaisons) > 1 and members:
        problems.append(f"一行写了{len(liaisons)}位联络员，看不出负责党员归谁；请一位联络员一行")
    if problems:
        raise CellError("；".join(problems))
    if township and not branch.startswith(township):
        branch = township + branch
    return ListedLiaison(number, branch, liaisons, members)


def _people(fields: dict[str, object], key: str, phone_key: str, what: str, headers: dict[str, str],
            problems: list[str]) -> list[tuple[str, str | None]]:
    """The people a name column names, the phone column's phone given to a lone one without."""
    phone_cell = fields.get(phone_key)
    try:
        people = parse_people(fields.get(key), what)
    except CellError as exc:
        problems.append(str(exc))
        return []
    if not clean(phone_cell):
        return people
    if len(people) != 1:
        problems.append(f"写了{headers[phone_key]}，但{headers[key]}" + ("是空的" if not people else "不止一人"))
        return people
    try:
        phone = parse_phone(phone_cell)
    except CellError as exc:
        problems.append(f"{headers[phone_key]}：{exc}")
        return people
    name, written = people[0]
    if written is not None and written != phone:
        problems.append(f"{what}{name}写了两个不同的手机号，请只留一个")
    return [(name, phone)]
