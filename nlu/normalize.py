"""Normalisation before routing: one canonical form for the many ways members write a thing.

``normalise(text, synonyms)`` returns lower-case Simplified Chinese with half-width letters and
digits, spoken digit runs (幺三八零零…) as digits, emoji / punctuation / control characters turned
into single spaces (a space is a clause boundary for negation), voice fillers (呃, 那个) removed and
known variants (typos, homophones) replaced by their standard word. The stored message keeps the
original text; this form is only for routing and slots.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import opencc

# Members and speech recognition write digits in words; 幺 is how 1 is read in phone numbers.
_SPOKEN_DIGITS = str.maketrans("零〇一二三四五六七八九幺两", "0012345678912")
# A run of ≥3 spoken digits (optionally in space-separated groups, as voice splits a phone
# number) is a number; shorter runs are words (一个, 三会一课, 五个一).
_SPOKEN_RUN = re.compile(r"[零〇一二三四五六七八九幺两]{3,}(?:\s?[零〇一二三四五六七八九幺两]{3,})*")
# Everything that is not Chinese, a letter, a digit or % separates clauses.
_NOISE = re.compile(r"[^0-9a-z%\u3400-\u4dbf\u4e00-\u9fff]+")
# Voice fillers that carry no meaning and split words apart ("那个组织关系").
_FILLERS = re.compile(r"那个|呃+|嗯+|额+")


@lru_cache(maxsize=1)
def _converter() -> tuple[opencc.OpenCC, frozenset[str]]:
    """opencc's t2s converter and the set of characters it would change.

    Converting is the slowest step (~0.1 ms); most messages are already simplified, so the
    converter only runs when a traditional character is present."""
    converter = opencc.OpenCC("t2s")
    table = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    chars = set()
    for line in table.read_text(encoding="utf-8").splitlines():
        trad, _, simp = line.partition("\t")
        if trad and trad not in simp.split(" "):
            chars.add(trad)
    return converter, frozenset(chars)


def to_simplified(text: str) -> str:
    """Traditional → Simplified Chinese with opencc (``t2s``); other text unchanged."""
    converter, traditional = _converter()
    if traditional.isdisjoint(text):
        return text
    return converter.convert(text)


def _spoken_to_digits(match: re.Match) -> str:
    return match.group(0).replace(" ", "").translate(_SPOKEN_DIGITS)


def normalise(text: str, synonyms: dict[str, str] | None = None) -> str:
    """The routing form of ``text`` (see the module docstring); never raises, may be ``""``.

    ``synonyms`` maps a variant to its standard word (longest variants should come first)."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = to_simplified(text)
    text = _NOISE.sub(" ", text)
    text = _FILLERS.sub("", text)
    text = _SPOKEN_RUN.sub(_spoken_to_digits, text)
    for variant, standard in (synonyms or {}).items():
        if variant in text:
            text = text.replace(variant, standard)
    return " ".join(text.split())
