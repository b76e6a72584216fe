"""Reading the org file (组织架构表): townships/streets, their branches, each branch's secretary and
phone and red liaisons, each township's committee contact — as a district keeps it in Excel or CSV.

Pure functions, no database (``models.org_import`` stores what they read). Read as forgivingly as
the member ledger (``models.ledger``): the header row found wherever it is in the first 20 rows,
headers in their usual variants (乡镇 / 街道 / 乡镇(街道) / 所属乡镇, 党支部 / 党支部名称, 书记 /
书记姓名, 红色联络员 / 联络员 naming one or more people — ``张某 13800001234、李某`` —, a bare 联系电话
belonging to the column on its left), full-width digits, phones as
numbers, and a township cell merged down over its branches (Excel's merged cells, filled here). A
row whose township is empty and not merged has no parent: an error, never a guess.

Rules for one cell follow ``models.ledger``: :class:`~models.ledger.CellError` with the Chinese
reason, naming the column as the sheet writes it.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from models.ledger import CellError, parse_phone, quoted
from models.ledger_files import NOT_A_WORKBOOK, TableError, read_table
from models.ledger_report import RowNote
from models.member import mask_phone
from models.places import clean

HEADER_SCAN = 20
# How org files name the township (the 乡镇（街道） column), and the words that, after it, name the
# township's committee contact and their phone (乡镇联系人, 乡镇（街道）联系电话, 街道党工委联系人).
TOWNSHIP_WORDS = ("所属乡镇街道", "所属乡镇", "所属街道", "乡镇街道", "乡镇", "街道", "苏木镇", "苏木乡镇",
                  "苏木", "镇街", "镇", "乡")
COMMITTEE_WORDS = tuple(t + c for t in TOWNSHIP_WORDS for c in ("党委", "党工委", "")) + ("党委",)
CONTACT_WORDS = ("联系人", "联络人")
PHONE_WORDS = ("联系电话", "联系方式", "电话号码", "电话", "手机号码", "手机号", "手机")
SECRETARY_WORDS = ("党支部书记", "支部书记", "党组织书记", "书记姓名", "书记")
BRANCH_WORDS = ("所属党支部", "所属支部", "所属党组织", "基层党组织", "党支部", "支部", "党组织")
# A branch's red liaisons (one or more people in the cell: 张某 13800001234、李某).
LIAISON_WORDS = ("红色联络员", "结对联络员", "联络员")

# Column -> header words naming it (the cleaned header, brackets dropped, starts with one); keys
# are tried in this order, so 乡镇联系人电话 is the contact's phone and 支部书记 is not the branch.
HEADER_WORDS: dict[str, tuple[str, ...]] = {
    "contact_phone": tuple(w + c + p for w in COMMITTEE_WORDS for c in CONTACT_WORDS for p in PHONE_WORDS)
    + tuple(w + p for w in COMMITTEE_WORDS for p in ("联系电话", "联系方式")),
    "contact": tuple(w + c for w in COMMITTEE_WORDS for c in CONTACT_WORDS),
    "secretary_phone": tuple(s + p for s in SECRETARY_WORDS for p in PHONE_WORDS),
    "secretary": SECRETARY_WORDS,
    "branch_phone": tuple(b + p for b in BRANCH_WORDS for p in ("办公电话", "固定电话", "座机", *PHONE_WORDS)),
    "liaison_phone": tuple(w + p for w in LIAISON_WORDS for p in PHONE_WORDS),
    "liaison": LIAISON_WORDS,
    "township": TOWNSHIP_WORDS,
    "branch": BRANCH_WORDS,
}
# A bare phone column (联系电话, 手机) is the phone of the column just left of it; while the header
# is read it is marked so, a key no list uses for a column of its own.
BARE_PHONE = "phone?"
PHONE_OF = {"secretary": "secretary_phone", "contact": "contact_phone", "branch": "branch_phone",
            "liaison": "liaison_phone"}
REQUIRED = {"township": "乡镇（街道）", "branch": "党支部"}
# A township as its committee is sometimes written: 红柳镇党委, 青石街道党工委.
COMMITTEE_SUFFIX = re.compile(r"^(.+(?:镇|乡|街道|苏木))(?:党委|党工委)$")
# A branch's or township's office phone: area code (010 and 02x: 3 digits, the rest 4) and a
# 7-8 digit number, with an extension (转801) or not; or a mobile.
LANDLINE = re.compile(r"^(0(?:10|2\d|[3-9]\d{2}))[-－—]?(\d{7,8})(?:(?:转|-|ext)(\d{1,5}))?$")


@dataclass(frozen=True)
class Person:
    """A secretary or committee contact as the file names them; ``phone`` an 11-digit mobile or
    ``None`` when the file gives none."""

    name: str
    phone: str | None

    def __str__(self) -> str:
        return f"{self.name}（{mask_phone(self.phone)}）" if self.phone else self.name


@dataclass
class TownshipEntry:
    """One township of the file: its name, the first row naming it, its committee contact."""

    name: str
    row: int
    contact: Person | None = None
    contact_row: int = 0


@dataclass
class BranchEntry:
    """One branch of the file: township, name (without the township before it), its row, its
    secretary and office phone (``None`` when the file leaves them empty), and its red liaisons
    (every person its rows name, in order)."""

    township: str
    name: str
    row: int
    secretary: Person | None
    phone: str | None
    liaisons: tuple[Person, ...] = ()


@dataclass
class OrgFile:
    """What a file says: townships by name, branches by (township, name), in file order;
    ``errors``: rows that stop the import (nothing is stored while there is one); ``notes``: rows
    read with a remark (a repeated row merged); ``unused_columns``: headers not read."""

    townships: dict[str, TownshipEntry] = field(default_factory=dict)
    branches: dict[tuple[str, str], BranchEntry] = field(default_factory=dict)
    errors: list[RowNote] = field(default_factory=list)
    notes: list[RowNote] = field(default_factory=list)
    unused_columns: list[str] = field(default_factory=list)


def read_org_rows(path: str | Path) -> list[Sequence[object]]:
    """The first sheet of an .xlsx (every merged range filled with its top-left value, as staff
    see it) or a .csv, as rows. Org files are small (a district's branches): the sheet is read
    whole. Raises :class:`TableError` for another format or a damaged workbook, ``OSError`` when
    the file cannot be opened."""
    path = Path(path)
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return read_table(path)
    try:
        sheet = openpyxl.load_workbook(path, data_only=True).worksheets[0]
    except (*NOT_A_WORKBOOK, InvalidFileException, IndexError):
        raise TableError("这不是一个完好的 .xlsx 文件（可能已损坏，或是改了扩展名的其他文件）。"
                         "请用 Excel 或 WPS 打开，“另存为”Excel 工作簿（.xlsx）后再导入") from None
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    for merged in sheet.merged_cells.ranges:
        top_left = rows[merged.min_row - 1][merged.min_col - 1]
        for r in range(merged.min_row - 1, merged.max_row):
            for c in range(merged.min_col - 1, merged.max_col):
                rows[r][c] = top_left
    return rows


def find_header(rows: Sequence[Sequence[object]]) -> tuple[int, dict[int, str]]:
    """The header row among the first 20: the first naming two of our columns. Returns (0-based
    index, {column: key}); of two columns naming one key the first counts. Raises
    :class:`CellError` when there is none, or it lacks 乡镇（街道） or 党支部."""
    return header_row(rows, HEADER_WORDS, PHONE_WORDS, phone_of=PHONE_OF, required=REQUIRED)


def header_key(cell: object, header_words: dict[str, tuple[str, ...]] = HEADER_WORDS,
               phone_words: tuple[str, ...] = PHONE_WORDS, bare_phone: str = "phone") -> str | None:
    """The column a header cell names: the first key of ``header_words`` (default: the org
    file's) whose words the cell, brackets and colons dropped, starts with (``"乡镇（街道）"`` →
    ``"township"``); ``bare_phone`` for a bare phone column (starting with one of
    ``phone_words``); else ``None``."""
    text = re.sub(r"[()（）【】\[\]:：*]", "", clean(cell))
    if not text:
        return None
    for key, words in header_words.items():
        if text.startswith(words):
            return key
    return bare_phone if text.startswith(phone_words) else None


def header_row(rows: Sequence[Sequence[object]], header_words: dict[str, tuple[str, ...]],
               phone_words: tuple[str, ...], *, phone_of: dict[str, str],
               required: dict[str, str]) -> tuple[int, dict[int, str]]:
    """The header among the first 20 ``rows`` of a list a branch keeps (the org file, the
    liaison list): the first row where :func:`header_key` names two columns. A bare phone column
    is the phone of the column just left of it, as ``phone_of`` maps it. Returns (0-based index, {column: key}); of two columns naming one key
    the first counts. Raises :class:`CellError` for an empty file, no header, or a header
    lacking a column of ``required`` (key -> the header word to write)."""
    for index, row in enumerate(rows[:HEADER_SCAN]):
        columns: dict[int, str] = {}
        for col, cell in enumerate(row):
            key = header_key(cell, header_words, phone_words, BARE_PHONE)
            if key == BARE_PHONE:
                key = phone_of.get(columns.get(col - 1, ""))
            if key and key not in columns.values():
                columns[col] = key
        if len(columns) < 2:
            continue
        missing = [name for key, name in required.items() if key not in columns.values()]
        if missing:
            named = "、".join(f"“{m}”" for m in missing)
            raise CellError(f"第{index + 1}行是表头，但缺少{named}列（请加上这一列、填好后重新导入）")
        return index, columns
    if not any(clean(c) for row in rows for c in row):
        raise CellError("文件是空的")
    named = "".join(f"“{name}”" for name in required.values())
    raise CellError(f"找不到表头：前{HEADER_SCAN}行里没有写着{named}的一行")


def township_name(cell: object, district: str) -> str:
    """A township as stored: cleaned, the district it may start with and a committee suffix
    dropped (示例区红柳镇党委 → 红柳镇)."""
    name = clean(cell)
    if district and name.startswith(district) and len(name) > len(district):
        name = name[len(district):]
    match = COMMITTEE_SUFFIX.match(name)
    return match.group(1) if match else name


def branch_name(cell: object, township: str, district: str) -> str:
    """A branch as stored under ``township``: cleaned, the district and township the cell may
    start with dropped (示例区红柳镇白杨村党支部 → 白杨村党支部)."""
    name = clean(cell)
    for prefix in (district, township):
        if prefix and name.startswith(prefix) and len(name) > len(prefix):
            name = name[len(prefix):]
    return name


def parse_office_phone(cell: object, header: str) -> str | None:
    """A branch's phone: a mobile (11 digits) or a landline with its area code, stored as
    ``0471-5550001`` (``转801`` kept); ``None`` when empty. Raises CellError otherwise."""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    text = clean(cell)
    if not text:
        return None
    compact = re.sub(r"[\s()（）]", "", text)
    landline = LANDLINE.match(compact)
    if landline:
        area, number, extension = landline.groups()
        return f"{area}-{number}" + (f"转{extension}" if extension else "")
    try:
        return parse_phone(cell)
    except CellError:
        raise CellError(f"{header}“{quoted(text)}”不是电话号码（手机号11位，座机请带区号，如 0471-5550001）") from None
