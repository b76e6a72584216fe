"""Slots from normalised text: phone, city/province, check-in code, and the word-list slots each
handler declares (``SLOT_WORDS``: study's ``category``, help_request's ``help_topic``).

Shapes follow ../shared/nlu/README.md: ``phone`` 11 ASCII digits, ``city``/``province`` short
names without 市/省, ``checkin_code`` 4–6 digits, word-list slots their English value.
"""
from __future__ import annotations

import re

from nlu.places import Place, find_places

# Mainland mobile numbers: 11 digits starting 13–19 (MIIT numbering plan); spaces allowed where
# members group the digits (139 0000 4567, 139-0000-4567 after normalisation).
_PHONE = re.compile(r"(?<!\d)1[3-9]\d(?: ?\d){8}(?!\d)")
_CODE = re.compile(r"(?<!\d)\d{4,6}(?!\d)")
# A place after these words is where the member was, not where they are.
_ORIGIN_CUES = ("不在", "离开", "从")


def phone(text: str) -> str | None:
    """The first mobile number in ``text``, as 11 digits."""
    match = _PHONE.search(text)
    return match.group(0).replace(" ", "") if match else None


def checkin_code(text: str) -> str | None:
    """The code in a 签到 message (``签到 4821``, ``4821 签到``), not part of a phone number."""
    if "签到" not in text:
        return None
    for match in _CODE.finditer(_PHONE.sub(" ", text)):
        return match.group(0)
    return None


def places(text: str, mentions: list[Place] | None = None) -> dict[str, str]:
    """``city`` (the last city mentioned, not after 不在/从) and ``province`` (only when written);
    ``mentions`` are ``find_places(text)`` when the caller has them already."""
    found: dict[str, str] = {}
    for place in find_places(text) if mentions is None else mentions:
        if text[max(0, place.start - 3):place.start].endswith(_ORIGIN_CUES):
            continue
        found[place.kind] = place.name
    return found


def from_words(text: str, values: dict[str, tuple[str, ...]], negated,
               patterns: dict[str, re.Pattern] | None = None) -> str | None:
    """The value named in ``text`` outside a negated span (``negated(position) -> bool``): first
    the values whose pattern in ``patterns`` matches, in the order ``patterns`` lists them — a
    shape (爹一个人在家…摔了, 被人打了) says more than a word — then the first value, in
    declaration order (the priority), one of whose words occurs."""
    for value, pattern in (patterns or {}).items():
        if any(not negated(m.start()) for m in pattern.finditer(text)):
            return value
    for value, words in values.items():
        for word in words:
            start = text.find(word)
            while start >= 0:
                if not negated(start):
                    return value
                start = text.find(word, start + 1)
    return None
