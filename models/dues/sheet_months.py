"""The months a dues sheet names (``models.dues.sheet``): a wide sheet's month columns (1月,
十二月, 2026年1月, 2026-01, an Excel date), a long sheet's 缴费月份 cells, a 年份 cell, and the
year a bare 1月 is in when the sheet gives none.

Pure, no database. Months are ``YYYY-MM``; a problem is a :class:`~models.ledger.CellError`
whose text the import shows the secretary.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Sequence

from models.dues import months
from models.ledger import CellError, parse_month, quoted
from models.places import clean

CN_MONTHS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二")
_MONTH_HEADER = re.compile(r"(?:(?P<y>(?:19|20)\d{2})\s*(?:年|[.\-/])\s*)?(?P<m>\d{1,2}|十[一二]?|[一二三四五六七八九])\s*月?份?")
_YEAR_IN_TITLE = re.compile(r"((?:19|20)\d{2})\s*年")


def month_columns(header: Sequence[object], columns: dict[int, str], year: int) -> dict[int, tuple[str, bool]]:
    """Column -> (its month ``YYYY-MM``, a bare one in ``year``; whether the header named the
    year) for a wide sheet's month headers, the columns already read (``columns``) left out."""
    found = {}
    for col, cell in enumerate(header):
        if col in columns:
            continue
        if isinstance(cell, (dt.date, dt.datetime)):
            found[col] = (months.period(cell.year, cell.month), True)
            continue
        text = re.sub(r"[()（）\s]|元", "", unicodedata.normalize("NFKC", str(cell or "")))
        match = _MONTH_HEADER.fullmatch(text)
        if match and (match["y"] or "月" in text):
            month = int(match["m"]) if match["m"].isdigit() else CN_MONTHS.index(match["m"]) + 1
            if 1 <= month <= 12:
                found[col] = (months.period(int(match["y"] or year), month), bool(match["y"]))
    return found


def sheet_year(title_rows: Sequence[Sequence[object]], bare: Iterable[int], paid: Iterable[int], current: str) -> int:
    """The year of a sheet's bare months (1月 … with no year in the header): a year in the title
    rows above the header (2026年党费收缴台账); else the year of ``current`` (``YYYY-MM``), unless
    that puts every bare month column (``bare``, month numbers) or a month paid in one (``paid``:
    an amount or ✓) still to come — then the year before (last year's 7月…12月 imported in
    January). A 年份 cell, when the sheet has one, overrides this row by row."""
    titled = next((int(m.group(1)) for row in title_rows for c in row for m in [_YEAR_IN_TITLE.search(clean(c))] if m),
                  None)
    if titled:
        return titled
    year, bare = int(current[:4]), set(bare)
    ahead = {m for m in range(1, 13) if months.period(year, m) > current}
    if (bare and bare <= ahead) or set(paid) & ahead:
        return year - 1
    return year


def parse_period(cell: object, header: str, year: int, current: str) -> str | None:
    """The month a cell names (``YYYY-MM``), a bare 3月 in ``year``; ``None`` when empty.
    Raises CellError for no month (2024.13, 十二元) or a month after ``current``."""
    if cell is None or clean(cell) == "":
        return None
    if isinstance(cell, bool):
        raise CellError(f"{header}“{cell}”不是月份")
    if isinstance(cell, int) and 190001 <= cell <= 210012:
        cell = str(cell)  # 202603 typed as a number, not an Excel serial
    text = unicodedata.normalize("NFKC", cell if isinstance(cell, str) else repr(cell)).strip()
    bad = CellError(f"{header}“{quoted(text)}”不是有效的月份（请写成 2026-03、2026.3 或 2026年3月）")
    bare = _MONTH_HEADER.fullmatch(text.replace(" ", ""))
    if isinstance(cell, str) and bare and not bare["y"] and "月" in text:
        month = int(bare["m"]) if bare["m"].isdigit() else CN_MONTHS.index(bare["m"]) + 1
        if not 1 <= month <= 12:
            raise bad
        found = months.period(year, month)
    else:
        compact = re.fullmatch(r"((?:19|20)\d{2})(\d{2})", text)
        try:
            day = parse_month(f"{compact[1]}.{compact[2]}" if compact else (cell if not isinstance(cell, str) else text))
        except CellError:
            raise bad from None
        found = months.period(day.year, day.month)
    if found > current:
        raise CellError(f"{header}“{quoted(text)}”是{months.written(found)}，还没到，不能登记为已交")
    return found


def read_year(cell: object, header: str | None) -> int | None:
    """A 年份 cell (2026, 2026年, 2026.0); ``None`` when empty. Raises CellError for no year."""
    text = clean(cell).removesuffix("年")
    if not text:
        return None
    if not re.fullmatch(r"(?:19|20)\d{2}", text.removesuffix(".0")):
        raise CellError(f"{header}“{quoted(text)}”不是年份")
    return int(text.removesuffix(".0"))
