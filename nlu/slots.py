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
_CHECKIN = re.compile(r"签(?:个|一下|下)?到")
# A place after these words is where the member was, or is not: 不在杭州了, 从义乌过来,
# 在南昌 不是南宁 (but 是不是南宁 asks).
_ORIGIN_CUES = ("不在", "没在", "不去", "离开", "从", "不是",
                # what is on file, not where the member is: 资料上还写着上海
                "写着", "写的是", "登记的是", "登记着")
# Where a record is kept is not where the member is: 组织关系现在还在郑州的学校里.
_RECORD_KEPT = re.compile(r"(?:关系|档案|户口|户籍)[\u4e00-\u9fff]{0,4}在$")


def phone(text: str) -> str | None:
    """The first mobile number in ``text``, as 11 digits."""
    match = _PHONE.search(text)
    return match.group(0).replace(" ", "") if match else None


def checkin_code(text: str) -> str | None:
    """The code in a 签到 message (``签到 4821``, ``4821 签到``, ``签个到 4821``), not part of a
    phone number."""
    if _CHECKIN.search(text) is None:
        return None
    for match in _CODE.finditer(_PHONE.sub(" ", text)):
        return match.group(0)
    return None


def places(text: str, mentions: list[Place] | None = None) -> dict[str, str]:
    """``city`` (the last city mentioned, not after 不在/从) and ``province`` (only when written);
    ``mentions`` are ``find_places(text)`` when the caller has them already."""
    found: dict[str, str] = {}
    for place in find_places(text) if mentions is None else mentions:
        before = text[max(0, place.start - 4):place.start]
        if before.endswith(_ORIGIN_CUES) and not before.endswith("是不是"):
            continue
        if _RECORD_KEPT.search(text, max(0, place.start - 8), place.start):
            continue
        found[place.kind] = place.name
    return found


def shaped(text: str, patterns: dict[str, re.Pattern], negated) -> list[str]:
    """The values whose pattern in ``patterns`` matches ``text`` outside a negated span
    (``negated(position) -> bool``), in the order ``patterns`` lists them: a shape (爹一个人在家…
    摔了, 被人打了) may say more than a word."""
    return [value for value, pattern in patterns.items()
            if any(not negated(m.start()) for m in pattern.finditer(text))]


def named(text: str, values: dict[str, tuple[str, ...]], negated) -> list[str]:
    """Every value one of whose words occurs in ``text`` outside a negated span, in declaration
    order (the priority)."""
    found = []
    for value, words in values.items():
        if any(_affirmed(text, word, negated) for word in words):
            found.append(value)
    return found


def _affirmed(text: str, word: str, negated) -> bool:
    start = text.find(word)
    while start >= 0:
        if not negated(start):
            return True
        start = text.find(word, start + 1)
    return False
