"""Reading a branch's dues sheet (党费收缴台账) as branches keep it, in Excel or CSV: pure, no
database (``models.dues.sheet_import`` stores what it reads).

Two shapes. A long sheet: one row per member and month (姓名, 手机号, 所属党组织, 缴费月份, 缴纳金额
(元), 缴费日期, 缴费方式, 月缴纳标准). A wide sheet (宽表): one row per member, one column per month
(1月 2月 … or 2026年1月 …) holding the amount — ✓/已交 for the standard (``fen`` ``None``: the
row's 月缴纳标准, else the one on file, ``models.dues.sheet_import``), blank/0/-/未交 for not
paid (each month column is a month the member owes, paid or not: ``SheetRow.months``); a bare
1月 takes its year from a 年份 column, else from a year in the title rows above the header
(2026年党费收缴台账), else the current year — the year before when that puts every month column,
or a month paid, still to come (``models.dues.sheet_months``). A sheet with only 月缴纳标准 sets
standards.

Read as forgivingly as the member ledger: the header anywhere in the first 20 rows
(``models.org_file.header_row``), full-width digits, months as 2026-03, 2026.3, 2026年3月, 202603,
Excel dates or serials (``models.ledger.parse_month``), amounts in yuan (``models.dues.amounts``).
Every row is checked; a bad row is a :class:`~models.ledger_report.RowNote` naming why.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from models.dues import months
from models.dues.amounts import parse_yuan
from models.dues.sheet_months import (
    CN_MONTHS,
    month_columns,
    parse_period,
    read_year,
    sheet_year,
)
from models.ledger import (
    PHONE_WORDS,
    CellError,
    header_text,
    is_footer,
    parse_month,
    parse_name,
    parse_phone,
    parse_text,
    quoted,
    unused_headers,
)
from models.ledger_report import RowNote
from models.org_file import BRANCH_WORDS, header_row
from models.places import clean

_PAY = ("缴费", "缴纳", "交纳", "交费", "缴交", "党费", "实缴", "实交", "")
# Column -> header words (the cleaned header, brackets dropped, starts with one); tried in this
# order, so 党费标准 is the standard and 缴费月份 the month, not the amount.
HEADER_WORDS: dict[str, tuple[str, ...]] = {
    "standard": ("月缴纳标准", "月交纳标准", "每月缴纳标准", "每月交纳标准", "缴纳标准", "交纳标准", "缴费标准",
                 "党费标准", "月缴纳额", "月应缴", "每月应缴", "应缴金额", "应交金额", "应缴党费", "月标准"),
    "period": (*(p + w for p in _PAY if p for w in ("月份", "期间", "年月")), "所属月份", "月份", "所属期"),
    "paid_on": (*(p + w for p in _PAY if p for w in ("日期", "时间")), "付款日期", "到账日期", "日期"),
    "channel": (*(p + w for p in _PAY if p for w in ("方式", "渠道")), "支付方式", "付款方式", "方式", "渠道"),
    "amount": (*(p + "金额" for p in _PAY), "实缴党费", "已缴金额", "党费"),
    "phone": PHONE_WORDS,
    "branch": BRANCH_WORDS,
    "name": ("姓名", "党员姓名", "名字"),
    "year": ("年份", "年度"),
    # Only to find a wide sheet's header row (one is enough); every month column is read later.
    "month_column": (*(f"{m}月" for m in range(1, 13)), *(f"{m}月" for m in CN_MONTHS),
                     *(f"{y}{sep}" for y in range(2000, 2051) for sep in ("年", "-", "."))),
}
REQUIRED = {"name": "姓名"}
# What a wide sheet writes in a month it was not paid, and for paid at the standard.
UNPAID = ("", "-", "—", "－", "/", "未交", "未缴", "欠", "欠缴", "×", "x", "X")
TICKS = ("√", "✓", "✔", "已交", "已缴", "交", "是")


@dataclass
class SheetPayment:
    """One month paid, as the sheet says: ``period``, ``fen`` (``None``: a tick, the standard),
    ``paid_on``, ``channel``."""

    period: str
    fen: int | None
    paid_on: dt.date | None = None
    channel: str | None = None


@dataclass
class SheetRow:
    """One row: who (name, phone or ``None``, the branch cell as written or ``""``), the
    standard it gives (fen or ``None``), the months it says were paid, and ``months``: every
    month (``YYYY-MM``) the row covers, paid or not (a wide sheet's month columns, a long
    sheet's 缴费月份; none in a sheet of standards only)."""

    row: int
    name: str
    phone: str | None
    branch: str
    standard_fen: int | None
    payments: list[SheetPayment] = field(default_factory=list)
    months: list[str] = field(default_factory=list)


@dataclass
class DuesSheet:
    """What a dues sheet says: its rows, the bad rows, the headers not read, its shape."""

    rows: list[SheetRow] = field(default_factory=list)
    errors: list[RowNote] = field(default_factory=list)
    unused_columns: list[str] = field(default_factory=list)
    wide: bool = False


def read_dues_sheet(rows: Sequence[Sequence[object]], now: dt.datetime) -> DuesSheet:
    """Every row of a dues sheet (as ``models.org_file.read_org_rows`` gives them) read and
    checked at ``now`` (a month after the current Beijing month is refused). Raises
    :class:`CellError` for an empty file, no header, or a header with neither 缴费月份 and 金额
    nor month columns nor 月缴纳标准."""
    index, columns = header_row(rows, HEADER_WORDS, PHONE_WORDS, phone_of={}, required=REQUIRED)
    header = rows[index]
    columns = {col: key for col, key in columns.items() if key != "month_column"}
    current = months.current_period(now)
    keys = set(columns.values())
    by_month = {} if "period" in keys else month_columns(header, columns, int(current[:4]))
    default_year = _default_year(rows, index, by_month, "year" in keys, current)
    if "period" in keys and "amount" not in keys and "standard" not in keys:
        raise CellError(f"第{index + 1}行是表头，有“{header_text(header[_col(columns, 'period')])}”列，"
                        "但没有“缴纳金额”列（或“月缴纳标准”列）")
    if "period" not in keys and not by_month and "standard" not in keys:
        raise CellError(f"第{index + 1}行是表头，但既没有“缴费月份”和“缴纳金额”列，也没有“1月”“2月”这样的月份列，"
                        "也没有“月缴纳标准”列")
    sheet = DuesSheet(unused_columns=unused_headers(header, {**columns, **{c: "month" for c in by_month}}),
                      wide=bool(by_month))
    headers = {key: header_text(header[col]) for col, key in columns.items()}
    for number, cells in enumerate(rows[index + 1:], start=index + 2):
        if is_footer(cells):
            continue
        fields = {key: cells[col] for col, key in columns.items() if col < len(cells)}
        try:
            read = _row(number, fields, headers, cells, by_month, current, default_year)
        except CellError as exc:
            sheet.errors.append(RowNote(number, quoted(clean(fields.get("name"))) or None, str(exc)))
            continue
        if read is not None:
            sheet.rows.append(read)
    if not sheet.rows and not sheet.errors:
        raise CellError(f"第{index + 1}行是表头，但下面没有任何党员")
    return sheet


def _default_year(rows: Sequence[Sequence[object]], index: int, by_month: dict[int, tuple[str, bool]],
                  year_column: bool, current: str) -> int:
    """The year of the sheet's bare month columns (``sheet_months.sheet_year``; with a 年份
    column, the title's year or the current one): the month numbers shown and those paid in."""
    bare = {col: int(named[5:7]) for col, (named, year_given) in by_month.items() if not year_given}
    paid = set() if year_column else {
        month for cells in rows[index + 1:] if not is_footer(cells)
        for col, month in bare.items() if col < len(cells) and _paid(cells[col])}
    return sheet_year(rows[:index], set() if year_column else bare.values(), paid, current)


def _paid(cell: object) -> bool:
    """Whether a month cell says paid (an amount, ✓); a cell not understood is not (its row is
    named later)."""
    try:
        return _month_cell(cell, "", "0000-00", "9999-12") is not False
    except CellError:
        return False


def _col(columns: dict[int, str], key: str) -> int:
    return next(col for col, k in columns.items() if k == key)


def _row(number: int, fields: dict[str, object], headers: dict[str, str], cells: Sequence[object],
         by_month: dict[int, tuple[str, bool]], current: str, default_year: int) -> SheetRow | None:
    """One row read, or ``None`` for a row with no name and nothing else. Raises one CellError
    naming every problem of the row."""
    problems: list[str] = []
    name_cell = fields.get("name")
    has_month_cells = any(clean(cells[c]) not in UNPAID for c in by_month if c < len(cells))
    if not clean(name_cell) and not clean(fields.get("period")) and not clean(fields.get("amount")) \
            and not has_month_cells:
        return None
    name = _try(problems, parse_name, name_cell)
    phone = _try(problems, parse_phone, fields["phone"]) if clean(fields.get("phone")) else None
    standard = _try(problems, parse_yuan, fields.get("standard"), headers.get("standard", "月缴纳标准"))
    paid_on = _try(problems, _paid_on, fields.get("paid_on"), headers.get("paid_on"), current)
    channel = _try(problems, parse_text, fields.get("channel"), 20)
    year = _try(problems, read_year, fields.get("year"), headers.get("year")) or default_year
    payments = []
    # The months the row covers, paid or not: a blank month column is a month owed, so the
    # first month owed comes from these, not from the paid cells alone.
    shown: list[str] = []
    if "period" in fields or "period" in headers:
        period = _try(problems, parse_period, fields.get("period"), headers["period"], year, current)
        fen = _try(problems, parse_yuan, fields.get("amount"), headers.get("amount", "金额"))
        if period is None and not problems:
            problems.append(f"没写{headers['period']}")
        elif fen == 0:
            problems.append(f"{headers.get('amount', '金额')}是0；没交的月份不用写在表里")
        elif period is not None and not clean(fields.get("amount")) and standard is None:
            problems.append(f"没写{headers.get('amount', '缴纳金额')}")
        if period is not None:
            shown.append(period)
            payments.append(SheetPayment(period, fen, paid_on, channel))
    for col, (named, year_given) in by_month.items():
        period = named if year_given else months.period(year, int(named[5:7]))
        shown.append(period)
        cell = cells[col] if col < len(cells) else None
        paid = _try(problems, _month_cell, cell, months.written(period), period, current)
        if paid is not False:
            payments.append(SheetPayment(period, paid, paid_on, channel))
    # A wide row with every month blank is kept: it says the months are owed, and the standard
    # may be on file (``sheet_import`` names the row when it is not).
    # A tick (✓, 已交) is the standard: the row's, else the one on file (``sheet_import`` names
    # the row when there is none anywhere).
    if not problems and not shown and standard is None:
        problems.append("这一行没有交纳的月份和金额，也没有月缴纳标准")
    if problems:
        raise CellError("；".join(problems))
    return SheetRow(number, name, phone, clean(fields.get("branch")), standard, payments, shown)


def _try(problems: list[str], parse, *args):
    try:
        return parse(*args)
    except CellError as exc:
        problems.append(str(exc))
        return None


def _paid_on(cell: object, header: str | None, current: str) -> dt.date | None:
    try:
        day = parse_month(cell)
    except CellError:
        raise CellError(f"{header}“{quoted(clean(cell))}”看不懂，请写成 2026-03-15") from None
    if day is not None and months.period(day.year, day.month) > current:
        raise CellError(f"{header}“{quoted(clean(cell))}”还没到")
    return day


def _month_cell(cell: object, month: str, period: str, current: str) -> int | None | bool:
    """A wide sheet's month cell: fen paid, ``None`` for a tick (the standard), ``False`` for
    not paid. Raises CellError for anything else, or a payment in a month still to come."""
    text = clean(cell)
    if text in UNPAID or (isinstance(cell, (int, float)) and not isinstance(cell, bool) and cell == 0):
        return False
    fen = None if text in TICKS else parse_yuan(cell, month)
    if fen == 0:
        return False
    if period > current:
        raise CellError(f"{month}还没到，不能登记为已交")
    return fen
