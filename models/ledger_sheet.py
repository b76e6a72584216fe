"""The first worksheet of an .xlsx file, row by row, read straight from its XML.

openpyxl's read-only mode builds an object per cell (for an inline string, a whole rich-text
tree): about 60 µs a cell, 30 s of CPU for a 100,000-row ledger before any row is imported. This
reader walks the sheet part with the C XML parser and keeps only values, giving the same values
openpyxl's ``iter_rows(values_only=True)`` gives — shared and inline strings, numbers as ``int``
or ``float``, dates (numbers in a date format) as ``datetime``, booleans, error codes — with the
same gaps filled: a row missing from the XML is an empty row, so row numbers stay those staff see
in Excel. It is several times faster and holds one row at a time (plus the shared strings).
"""
from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from functools import lru_cache
from xml.etree.ElementTree import Element, fromstring
from xml.parsers import expat

from openpyxl.reader.strings import read_string_table
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import (
    CALENDAR_MAC_1904,
    CALENDAR_WINDOWS_1900,
    from_excel,
    from_ISO8601,
)

DOCUMENT_RELS = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships",
                 "http://purl.oclc.org/ooxml/officeDocument/relationships")
CHUNK = 1 << 16  # bytes of sheet XML parsed at a time


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


class SheetReader:
    """Opens ``path`` (raises ``zipfile.BadZipFile``, ``KeyError`` or ``ParseError`` when it is not
    a workbook); :meth:`rows` yields the first worksheet's rows as tuples (raising
    ``ExpatError`` for a sheet whose XML is broken), ``size`` is the row count its dimension
    states (``None`` when it states none)."""

    def __init__(self, path: str) -> None:
        self.archive = zipfile.ZipFile(path)
        workbook = fromstring(self.archive.read("xl/workbook.xml"))
        self.sheet_path = self._first_worksheet(workbook)
        self.epoch = CALENDAR_WINDOWS_1900
        for element in workbook.iter():
            if _local(element.tag) == "workbookPr" and element.get("date1904") in ("1", "true"):
                self.epoch = CALENDAR_MAC_1904
        self.strings = self._shared_strings()
        self.dates, self.durations = self._date_styles()
        self.size = self._dimension_rows()

    def close(self) -> None:
        """Close the file."""
        self.archive.close()

    def rows(self) -> Iterator[tuple[object, ...]]:
        """Every row from the first, as a tuple of cell values (``None`` for an empty cell)."""
        parser = _RowParser(self._value)
        expected = 1
        with self.archive.open(self.sheet_path) as source:
            while chunk := source.read(CHUNK):
                parser.feed(chunk)
                for number, row in parser.take():
                    number = number or expected
                    while expected < number:
                        yield ()
                        expected += 1
                    yield row
                    expected = number + 1
        parser.close()

    def _value(self, kind: str, style: int, raw: str | None) -> object:
        """A cell's value from its type (``t``), style index (``s``) and text."""
        if raw is None or (raw == "" and kind != "inlineStr"):
            return None
        if kind == "n":
            number = float(raw) if ("." in raw or "E" in raw or "e" in raw) else int(raw)
            if style in self.dates:
                try:
                    return from_excel(number, self.epoch, timedelta=style in self.durations)
                except (OverflowError, ValueError):
                    return "#VALUE!"  # what openpyxl gives for a date serial out of range
            return number
        if kind == "s":
            return self.strings[int(raw)]
        if kind == "b":
            return bool(int(raw))
        if kind == "d":
            return from_ISO8601(raw)
        return raw  # inlineStr, "str" (a formula's text), "e" (an error code such as #N/A)

    def _first_worksheet(self, workbook: Element) -> str:
        rels = fromstring(self.archive.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): (r.get("Target"), r.get("Type", "")) for r in rels}
        for sheet in workbook.iter():
            if _local(sheet.tag) != "sheet":
                continue
            rel_id = next((sheet.get(f"{{{ns}}}id") for ns in DOCUMENT_RELS if sheet.get(f"{{{ns}}}id")), None)
            target, kind = targets[rel_id]
            if kind.endswith("/worksheet"):
                return target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
        raise KeyError("no worksheet")

    def _shared_strings(self) -> list[str]:
        try:
            with self.archive.open("xl/sharedStrings.xml") as source:
                return read_string_table(source)
        except KeyError:
            return []

    def _date_styles(self) -> tuple[set[int], set[int]]:
        """Style indexes whose number format is a date (and of those, a duration)."""
        try:
            styles = fromstring(self.archive.read("xl/styles.xml"))
        except KeyError:
            return set(), set()
        custom = {int(f.get("numFmtId")): f.get("formatCode", "") for f in styles.iter()
                  if _local(f.tag) == "numFmt"}
        dates, durations = set(), set()
        cell_xfs = next((e for e in styles if _local(e.tag) == "cellXfs"), [])
        for index, xf in enumerate(cell_xfs):
            number_format = custom.get(int(xf.get("numFmtId", 0))) or BUILTIN_FORMATS.get(int(xf.get("numFmtId", 0)))
            if number_format and is_date_format(number_format):
                dates.add(index)
                if is_timedelta_format(number_format):
                    durations.add(index)
        return dates, durations

    def _dimension_rows(self) -> int | None:
        with self.archive.open(self.sheet_path) as source:
            head = source.read(4096).decode("utf-8", "replace")
        found = re.search(r'<(?:\w+:)?dimension ref="[A-Z]*\d*:?[A-Z]*(\d+)"', head)
        return int(found.group(1)) if found else None


class _RowParser:
    """Expat over a worksheet's XML: collects each ``<row>`` as (row number or 0, values) without
    building an element per cell. ``value(kind, style, text)`` turns a cell into its value."""

    def __init__(self, value) -> None:
        self.value = value
        self.done: list[tuple[int, tuple[object, ...]]] = []
        self.names: dict[str, str] = {}
        self.cells: list[object] = []
        self.text: list[str] | None = None
        self.collecting = False
        self.phonetic = False
        self.kind, self.style, self.number = "n", 0, 0
        self.parser = expat.ParserCreate()
        self.parser.buffer_text = True
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.parser.CharacterDataHandler = self._data

    def feed(self, chunk: bytes) -> None:
        """Parse the next bytes of the sheet."""
        self.parser.Parse(chunk, False)

    def close(self) -> None:
        """The end of the sheet (raises ``expat.ExpatError`` when it was cut short)."""
        self.parser.Parse(b"", True)

    def take(self) -> list[tuple[int, tuple[object, ...]]]:
        """The rows completed since the last call."""
        done, self.done = self.done, []
        return done

    def _local(self, name: str) -> str:
        local = self.names.get(name)
        if local is None:
            local = self.names[name] = name.rpartition(":")[2]
        return local

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        local = self._local(name)
        if local == "c":
            ref = attrs.get("r")
            if ref:
                column = _column_index(ref.rstrip("0123456789"))
                if column > len(self.cells):
                    self.cells += [None] * (column - len(self.cells))
            self.kind, self.style, self.text = attrs.get("t", "n"), int(attrs.get("s", 0)), None
        elif local == "v" or (local == "t" and self.kind == "inlineStr" and not self.phonetic):
            self.collecting = True
            if self.text is None:
                self.text = []
        elif local == "row":
            self.cells = []
            self.number = int(attrs.get("r", 0))
        elif local == "rPh":
            self.phonetic = True  # furigana runs are not part of the value (openpyxl agrees)

    def _end(self, name: str) -> None:
        local = self._local(name)
        if local == "c":
            raw = None if self.text is None else "".join(self.text)
            self.cells.append(self.value(self.kind, self.style, raw))
        elif local in ("v", "t"):
            self.collecting = False
        elif local == "row":
            self.done.append((self.number, tuple(self.cells)))
        elif local == "rPh":
            self.phonetic = False

    def _data(self, data: str) -> None:
        if self.collecting:
            self.text.append(data)


@lru_cache(maxsize=None)
def _column_index(letters: str) -> int:
    """``A`` → 0, ``Z`` → 25, ``AA`` → 26."""
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1
