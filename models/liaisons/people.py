"""Reading a cell that names people — a branch's red liaisons in the org file, the members a
liaison looks after in a liaison list: ``张某 13800001234、李某``, ``张某(138-0000-1234)，李某``,
``张某/13800001234 李某 电话13900001111``. Pure: no database.
"""
from __future__ import annotations

import re
import unicodedata

from models.ledger import CellError, parse_name, parse_phone, quoted

# A phone (digits, maybe +86 and dashes) or a name (anything else up to a separator); 电话 /
# 手机 / 联系方式 and colons between a name and its phone are dropped first.
TOKEN = re.compile(r"\+?\d[\d\-—－]*\d|[^\s\d,、;/()\-—－:+]+")
PHONE_WORDS = re.compile(r"电话|手机号码|手机号|手机|联系方式")


def parse_people(cell: object, what: str) -> list[tuple[str, str | None]]:
    """The people ``cell`` names, in order, each ``(name, phone or None)``; empty for an empty
    cell. A phone belongs to the name before it. ``what`` names them in a reason (联络员,
    负责党员). Raises :class:`CellError` (in Chinese) for a name that is not one, a phone that
    is not a mobile, or a phone with no name before it."""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    text = PHONE_WORDS.sub(" ", unicodedata.normalize("NFKC", "" if cell is None else str(cell)))
    people: list[tuple[str, str | None]] = []
    for token in TOKEN.findall(text):
        if token[0].isdigit() or token[0] == "+":
            if not people or people[-1][1] is not None:
                raise CellError(f"{what}一栏的电话“{quoted(token)}”前面没写姓名，请写成“张某 13900001111”")
            try:
                people[-1] = (people[-1][0], parse_phone(token))
            except CellError as exc:
                raise CellError(f"{what}{people[-1][0]}的{exc}") from None
            continue
        try:
            people.append((parse_name(token), None))
        except CellError as exc:
            raise CellError(f"{what}一栏：{exc}") from None
    return people
