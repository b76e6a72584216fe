"""Ledger files (台账) on disk: reading a sheet a row at a time, writing one for staff to open.

Branches send .xlsx (Excel, WPS) or .csv (UTF-8, UTF-8 with BOM, or the GB18030 Excel on Chinese
Windows writes). Reading streams (an .xlsx through ``models.ledger_sheet``): a 100,000-row sheet
never sits in memory whole. Writing uses
openpyxl's write-only mode for the same reason, and writes every text cell as text, so a note
that starts with ``=`` stays a note instead of becoming a formula.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import ParseError
from xml.parsers.expat import ExpatError

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from models.ledger_sheet import SheetReader

# What reading raises for a file that is not a real .xlsx (a renamed .xls or text file, a
# truncated download): not a zip, a zip without the workbook parts, or broken XML inside.
# (ValueError, IndexError: a cell that points at a shared string or style that is not there;
# EOFError, zlib.error: a part cut short.)
NOT_A_WORKBOOK = (zipfile.BadZipFile, KeyError, ParseError, ExpatError, ValueError, IndexError, EOFError,
                  zlib.error)
NOT_A_WORKBOOK_TEXT = ("这不是一个完好的 .xlsx 文件（可能已损坏，或是改了扩展名的其他文件）。"
                       "请用 Excel 或 WPS 打开台账，“另存为”Excel 工作簿（.xlsx）后再导入")
DATE_FORMAT = "yyyy-mm-dd"
TIME_FORMAT = "yyyy-mm-dd hh:mm"


class TableError(ValueError):
    """A file that cannot be read as a ledger; ``str(err)`` is the reason in Chinese."""


@dataclass
class Table:
    """The rows of a sheet, read as they are iterated; ``size`` is how many rows the sheet says
    it has (for a progress line), ``None`` when it does not say."""

    rows: Iterator[Sequence[object]]
    size: int | None


@contextmanager
def open_table(path: str | Path) -> Iterator[Table]:
    """The first sheet of an .xlsx file, or a CSV, as a :class:`Table` open until the block ends.

    Raises :class:`TableError` for another format, a file that only looks like an .xlsx
    (damaged, or renamed: possibly only once its rows are read), or a CSV in an unknown
    encoding; ``OSError`` when the file cannot be opened."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        try:
            sheet = SheetReader(path)
        except NOT_A_WORKBOOK:
            raise TableError(NOT_A_WORKBOOK_TEXT) from None
        try:
            yield Table(_checked(sheet.rows()), sheet.size)
        finally:
            sheet.close()
    elif suffix == ".csv":
        rows = _csv_rows(path.read_bytes())
        yield Table(iter(rows), len(rows))
    else:
        raise TableError("只支持 .xlsx 或 .csv 文件。老的 .xls 请用 Excel 或 WPS 打开后“另存为”.xlsx 再导入")


def read_table(path: str | Path) -> list[Sequence[object]]:
    """Every row of :func:`open_table`'s sheet, in a list (small files, tests)."""
    with open_table(path) as table:
        return list(table.rows)


def _checked(rows: Iterator[Sequence[object]]) -> Iterator[Sequence[object]]:
    # The sheet's XML is parsed as it is read, so a damaged part shows up mid-way, not at open.
    try:
        yield from rows
    except NOT_A_WORKBOOK:
        raise TableError(NOT_A_WORKBOOK_TEXT) from None


def _csv_rows(raw: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        # StringIO, not splitlines: a quoted header may hold a line break (流动去向\n（省）).
        return list(csv.reader(io.StringIO(text, newline="")))
    raise TableError("这个 .csv 文件的文字编码看不懂。请用 Excel 打开后“另存为”.xlsx 再导入")


class SheetWriter:
    """One sheet written row by row into a new .xlsx (openpyxl write-only: rows go to disk as
    they come). Text cells are text (never formulas), dates and times get a readable format,
    characters Excel cannot hold (control characters) are dropped. ``save()`` ends it."""

    def __init__(self, path: str | Path, title: str) -> None:
        self.path = Path(path)
        self.book = openpyxl.Workbook(write_only=True)
        self.sheet = self.book.create_sheet(title)

    def append(self, values: Iterable[object]) -> None:
        """Add one row."""
        self.sheet.append([self._cell(v) for v in values])

    def next_sheet(self, title: str) -> None:
        """Start another sheet, ``title``: rows appended from now on go there."""
        self.sheet = self.book.create_sheet(title)

    def save(self) -> None:
        """Write the file (replacing one of that name). Raises ``OSError`` when it cannot."""
        self.book.save(self.path)

    def _cell(self, value: object) -> object:
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
            if not value.startswith("="):
                return value  # openpyxl takes any other text as text
            cell = WriteOnlyCell(self.sheet, value)
            cell.data_type = "s"
            return cell
        if isinstance(value, dt.datetime):
            cell = WriteOnlyCell(self.sheet, value)
            cell.number_format = TIME_FORMAT
            return cell
        if isinstance(value, dt.date):
            cell = WriteOnlyCell(self.sheet, value)
            cell.number_format = DATE_FORMAT
            return cell
        return value


class RejectedRows:
    """The rows an import left out, as an .xlsx (``--errors FILE``): the ledger's header row and
    each rejected row as the ledger had it, plus a 问题 column with the reason. Staff correct the
    rows in Excel and import this file; the 问题 column is ignored then."""

    COLUMN = "问题"

    def __init__(self, path: str | Path) -> None:
        self.writer = SheetWriter(path, "未导入的行")
        self.column = 0
        self.count = 0
        self.had_column = False

    def header(self, cells: Sequence[object]) -> None:
        """The ledger's header row, written once before any row. A header that has a 问题 column
        already (an errors file imported again) keeps it, and it gets the new reasons."""
        cells = list(cells)
        names = [str(c).strip() if c is not None else "" for c in cells]
        self.had_column = self.COLUMN in names
        if self.had_column:
            self.column = names.index(self.COLUMN)
        else:
            self.column = len(cells)
            cells.append(self.COLUMN)
        self.writer.append(cells)

    def add(self, cells: Sequence[object], reason: str) -> None:
        """One rejected row, as the ledger had it, and why it was left out (under 问题; after the
        last cell when the row has cells past the header, so none is overwritten)."""
        cells = list(cells)
        while cells and cells[-1] is None and len(cells) > self.column:
            cells.pop()
        beyond = cells[self.column + (1 if self.had_column else 0):]
        if beyond:
            cells.append(reason)
        else:
            cells += [None] * (self.column + 1 - len(cells))
            cells[self.column] = reason
        self.writer.append(cells)
        self.count += 1

    def save(self) -> None:
        """Write the file. Raises ``OSError`` when it cannot."""
        self.writer.save()
