"""Dues months (``YYYY-MM``): the current one, spans of them, how replies write them, and the
months a member or a secretary names in chat (11月 12月, 3、4月, 9到11月, 2026年3月, 2026-03,
上个月, 十二月).

A month named without its year is the latest such month not after the current one: on 29
November 2026, 12月 is December 2025 and 11月 is November 2026 — nobody reports dues for a month
still to come.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Collection, Iterable

from models.clock import SHANGHAI

_NUMERALS = {c: n for n, c in enumerate("零一二三四五六七八九", start=0)} | {"两": 2}
_NUM = r"(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
_YEAR_WORD = r"(?P<rel{n}>今年|去年|前年)?"
MONTHS_IN_TEXT = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*(?:年|[.\-/])\s*(?P<ym>\d{1,2})(?!\d)(?:\s*月份?)?"
    r"|(?<!\d)(?P<cy>(?:19|20)\d{2})(?P<cm>\d{2})(?!\d)"
    rf"|{_YEAR_WORD.format(n=1)}(?<![\d.])(?P<a>{_NUM})\s*月?份?\s*(?:至|到|~|-|—)\s*(?P<b>{_NUM})\s*月"
    rf"|{_YEAR_WORD.format(n=2)}(?<![\d.])(?P<list>{_NUM}(?:\s*(?:、|,|和|及|与)\s*{_NUM})+)\s*月"
    rf"|{_YEAR_WORD.format(n=3)}(?<![\d.])(?P<m>\d{{1,2}}|十[一二]?|[一二三四五六七八九])\s*月(?!\s*[日号])"
    r"|(?P<last>上个?月)|(?P<this>这个?月|本月|当月)")
_YEARS_BACK = {"今年": 0, "去年": 1, "前年": 2}


def period(year: int, month: int) -> str:
    """``2026-03``."""
    return f"{year:04d}-{month:02d}"


def current_period(now: dt.datetime) -> str:
    """The Beijing month of the aware ``now``."""
    local = now.astimezone(SHANGHAI)
    return period(local.year, local.month)


def index(p: str) -> int:
    """A month as a count of months (for spans and differences)."""
    return int(p[:4]) * 12 + int(p[5:7]) - 1


def from_index(i: int) -> str:
    return period(i // 12, i % 12 + 1)


def span(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last``, both included (empty when ``first`` is later)."""
    return [from_index(i) for i in range(index(first), index(last) + 1)]


def shift(p: str, months: int) -> str:
    """``p`` moved by ``months`` (negative: back)."""
    return from_index(index(p) + months)


def written(p: str) -> str:
    """``2026年3月``, as replies write a month."""
    return f"{int(p[:4])}年{int(p[5:7])}月"


def written_runs(periods: Iterable[str]) -> str:
    """Months as a reply lists them, runs joined: ``2026年3月、2026年5月至2026年8月``."""
    ordered = sorted(set(periods))
    runs: list[list[str]] = []
    for p in ordered:
        if runs and index(p) == index(runs[-1][-1]) + 1:
            runs[-1].append(p)
        else:
            runs.append([p])
    return "、".join(written(r[0]) if len(r) == 1 else
                    f"{written(r[0])}至{written(r[-1]) if r[0][:4] != r[-1][:4] else str(int(r[-1][5:7])) + '月'}"
                    for r in runs)


def _number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if text.startswith("十"):
        return 10 + (_NUMERALS[text[1]] if len(text) > 1 else 0)
    return _NUMERALS[text]


def _latest(month: int, current: str, years_back: int | None) -> str:
    """The month ``month`` in the year ``years_back`` before the current one, or (``None``) the
    latest such month not after ``current``."""
    year = int(current[:4])
    if years_back is not None:
        return period(year - years_back, month)
    candidate = period(year, month)
    return candidate if candidate <= current else period(year - 1, month)


def _bare(month: int, current: str, years_back: int | None, meant: Collection[str]) -> str:
    """A month named by its number alone (see :func:`months_named`)."""
    latest = _latest(month, current, years_back)
    if years_back is not None or latest in meant:
        return latest
    return max((p for p in meant if int(p[5:7]) == month and p <= current), default=latest)


def months_named(text: str | None, current: str, meant: Collection[str] = ()) -> tuple[list[str], list[str]]:
    """The months ``text`` names, in order without repeats, and the month-like words it holds
    that are no month (``2024.13``, ``13月``), as written. Full-width digits are read too.

    A bare month (10月, no year, no 去年) is the latest such month not after ``current`` — unless
    that one is not among ``meant`` (the months owed, or waiting to be confirmed) and a month of
    ``meant`` has its number: then the latest of those. A member owing 2025年10月 who says
    党费交了 10月 in December 2026 means that one."""
    said = unicodedata.normalize("NFKC", text or "")
    found: list[str] = []
    bad: list[str] = []
    for match in MONTHS_IN_TEXT.finditer(said):
        groups = match.groupdict()
        rel = next((groups[k] for k in ("rel1", "rel2", "rel3") if groups.get(k)), None)
        back = _YEARS_BACK.get(rel) if rel else None
        if groups["y"] or groups["cy"]:
            year, month = int(groups["y"] or groups["cy"]), int(groups["ym"] or groups["cm"])
            if not 1 <= month <= 12:
                bad.append(match.group().strip())
                continue
            found.append(period(year, month))
        elif groups["a"]:
            last = _latest(_number(groups["b"]), current, back)
            first_month = _number(groups["a"])
            first = period(int(last[:4]) - (first_month > int(last[5:7])), first_month)
            found.extend(span(first, last))
        elif groups["list"]:
            numbers = re.split(r"\s*(?:、|,|和|及|与)\s*", groups["list"])
            found.extend(_bare(_number(n), current, back, meant) for n in numbers)
        elif groups["m"]:
            month = _number(groups["m"])
            if not 1 <= month <= 12:
                bad.append(match.group().strip())
                continue
            found.append(_bare(month, current, back, meant))
        elif groups["last"]:
            found.append(shift(current, -1))
        else:
            found.append(current)
    return list(dict.fromkeys(found)), bad


def short(p: str, current: str) -> str:
    """A month as a secretary types it back: ``11月`` within the last year (read back as that
    month, see :func:`months_named`), else ``2025年3月``."""
    return f"{int(p[5:7])}月" if 0 <= index(current) - index(p) < 12 else written(p)
