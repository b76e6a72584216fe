"""Homophone typos, generated instead of listed: 积份 → 积分, 联络圆 → 联络员, 思想汇抱 → 思想汇报.

Members type with pinyin input methods and speak to voice recognition, so most misspellings
sound like the word meant. For every keyword and slot word this builds its variants with one
character swapped for a common character of the same toneless pinyin — for words of three or
more characters also the sounds many regions merge (zh/z, ch/c, sh/s, n/l, an/ang, en/eng,
in/ing) — and the router replaces them before matching, so slots and patterns see the word too.

A variant is dropped when it is a word in jieba's dictionary (几分 is not a typo of 积分), when it
is a variant of two different words (nobody can tell which was meant), when the swapped-in
character is a function word (我吗 is not 我妈) or when nothing but function words is left of
the original (涨了 is not 占了). Two-character words sound alike too easily for the merged sounds.
"""
from __future__ import annotations

import os
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

# The main reading of every GB 2312 character, as pypinyin gives it (:func:`reading_table`):
# building the router reads it instead of importing pypinyin (≈ 12 MB a process).
READINGS_FILE = Path(__file__).with_name("readings.txt")

# Regional sound mergers (the confusions listed for 普通话水平测试 candidates from the south).
_FUZZY = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("ang", "an"), ("eng", "en"), ("ing", "in"))
# Characters too common on their own to be the trace of a typo.
FUNCTION_CHARS = frozenset("的了是我你他她它们在有和跟给被把让就也都还又不没这那个吗呢吧啊么要想会"
                           "能去来到说看上下里一")
MERGED_FROM = 3  # word length from which merged sounds count
# 的/地/得 are the most confused characters in written Chinese (心的体会 for 心得体会): in words
# of MERGED_FROM or more characters they stand for one another despite being function words.
PARTICLES = frozenset("的地得")


def _sound(syllable: str, merged: bool) -> str:
    if not merged:
        return syllable
    for before, after in _FUZZY:
        syllable = syllable.replace(before, after)
    return "l" + syllable[1:] if syllable.startswith("n") else syllable


def _reading(char: str) -> str:
    # the main reading only: a polyphone's rare readings (给 jǐ) would make typos of common words
    reading = _readings().get(char)
    return reading if reading is not None else _pypinyin_reading(char)


@lru_cache(maxsize=1)
def _readings() -> dict[str, str]:
    """character → reading, from :data:`READINGS_FILE`."""
    table: dict[str, str] = {}
    for line in READINGS_FILE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            reading, chars = line.split(" ")
            table.update(dict.fromkeys(chars, reading))
    return table


def _pypinyin_reading(char: str) -> str:
    """A character's main reading from pypinyin: for one outside GB 2312 (a rare character in a
    deployment's own keyword), and for :func:`reading_table`."""
    # Single characters only are read here, and they come out the same without pypinyin's
    # phrase dictionary (≈ 45 MB per process): never load it (read when pypinyin is imported).
    os.environ.setdefault("PYPINYIN_NO_PHRASES", "1")
    from pypinyin import Style, pinyin

    return pinyin(char, style=Style.NORMAL)[0][0]


def reading_table() -> str:
    """The content :data:`READINGS_FILE` holds: every GB 2312 character (levels 1 and 2) by its
    main reading as pypinyin gives it, one reading a line. ``python -m handlers.nlu.homophones``
    writes it (after a pypinyin upgrade)."""
    chars: dict[str, list[str]] = defaultdict(list)
    for high in range(0xB0, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                char = bytes([high, low]).decode("gb2312")
            except UnicodeDecodeError:  # the unassigned end of row 0xD7
                continue
            chars[_pypinyin_reading(char)].append(char)
    head = ["# The main reading (toneless pinyin) of every GB 2312 character, as pypinyin gives it: what",
            "# handlers/nlu/homophones.py reads, without loading pypinyin into every process.",
            "# One reading a line: the reading, a space, its characters. Written by",
            "# `python -m handlers.nlu.homophones` (tests/test_nlu_homophones.py checks it)."]
    return "\n".join(head + [f"{reading} {''.join(group)}" for reading, group in sorted(chars.items())]) + "\n"


@lru_cache(maxsize=2)
def _sound_table(merged: bool) -> dict[str, tuple[str, ...]]:
    """sound → the common characters with it: GB 2312 level 1 (3,755 characters, the ones input
    methods offer first)."""
    chars: dict[str, list[str]] = defaultdict(list)
    for high in range(0xB0, 0xD8):
        for low in range(0xA1, 0xFF if high < 0xD7 else 0xFA):
            char = bytes([high, low]).decode("gb2312")
            chars[_sound(_reading(char), merged)].append(char)
    return {sound: tuple(group) for sound, group in chars.items()}


def _alike(char: str, merged: bool) -> tuple[str, ...]:
    return _sound_table(merged).get(_sound(_reading(char), merged), ())


@lru_cache(maxsize=8)
def variants(words: frozenset[str], dictionary_words) -> dict[str, str]:
    """variant → word for every Chinese word of two or more characters in ``words``;
    ``dictionary_words(text) -> bool`` says whether a text is a real word (never a typo)."""
    found: dict[str, str] = {}
    ambiguous: set[str] = set()
    for word in sorted(words):
        if len(word) < 2 or not all("\u4e00" <= c <= "\u9fff" for c in word):
            continue
        for i, char in enumerate(word):
            rest = word[:i] + word[i + 1:]
            if all(c in FUNCTION_CHARS for c in rest):
                continue
            for other in _alike(char, len(word) >= MERGED_FROM):
                variant = word[:i] + other + word[i + 1:]
                particle = char in PARTICLES and other in PARTICLES and len(word) >= MERGED_FROM
                if (other == char or (other in FUNCTION_CHARS and not particle) or variant in words
                        or dictionary_words(variant)):
                    continue
                if found.setdefault(variant, word) != word:
                    ambiguous.add(variant)
    return {v: w for v, w in found.items() if v not in ambiguous}


if __name__ == "__main__":
    READINGS_FILE.write_text(reading_table(), encoding="utf-8")
