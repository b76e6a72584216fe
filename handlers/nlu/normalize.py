"""Normalisation before routing: one canonical form for the many ways members write a thing.

``normalise(text, synonyms)`` returns lower-case Simplified Chinese with half-width letters and
digits, spoken digit runs (幺三八零零…) as digits, emoji / punctuation / control characters turned
into single spaces (a space is a clause boundary for negation), voice fillers (呃, 那个) removed and
regional words put in Mandarin (俺 → 我, 咋 → 怎么, 没得 → 没有) and known variants (typos,
homophones) replaced by their standard word. The stored message keeps the original text; this
form is only for routing and slots.
"""
from __future__ import annotations

import re
import unicodedata

from models.hanzi import to_simplified

# Members and speech recognition write digits in words; 幺 is how 1 is read in phone numbers.
_SPOKEN_DIGITS = str.maketrans("零〇一二三四五六七八九幺两", "0012345678912")
# A run of ≥3 spoken digits (optionally in space-separated groups, as voice splits a phone
# number) is a number; shorter runs are words (一个, 三会一课, 五个一).
_SPOKEN_RUN = re.compile(r"[零〇一二三四五六七八九幺两]{3,}(?:\s?[零〇一二三四五六七八九幺两]{3,})*")
# Everything that is not Chinese, a letter, a digit or % separates clauses.
_NOISE = re.compile(r"[^0-9a-z%\u3400-\u4dbf\u4e00-\u9fff]+")
# Voice fillers that carry no meaning and split words apart ("那个组织关系").
_FILLERS = re.compile(r"那个|呃+|嗯+|额+")
# Regional words (northern 俺/咋/搁/瞅, south-western 啥子/啷个/没得/屋头/娃儿, Cantonese 冇/嘅)
# → Mandarin, so every handler's words need only the Mandarin form. Longest first; 搁 only
# where it means 在 (not 耽搁 / 搁置).
DIALECT = {
    "咋个": "怎么", "啷个": "怎么", "肿么": "怎么", "咋": "怎么", "啥子": "什么", "么子": "什么",
    "啥": "什么", "没得": "没有", "莫得": "没有", "木有": "没有", "冇": "没有", "俺们": "我们",
    "俺": "我", "屋头": "家里", "屋里头": "家里", "娃儿": "孩子", "娃子": "孩子", "娃": "孩子",
    "瞅瞅": "看看", "瞧瞧": "看看", "瞅": "看", "晓得": "知道", "嘎达": "地方", "嘅": "的",
    "整不明白": "不会弄", "点算": "怎么办", "哪能办": "怎么办", "唔该": "谢谢", "多谢晒": "谢谢",
    "甭": "不用", "莫要": "不要", "咧": "了",
    # Cantonese as typed in Guangdong: 我而家喺中山做嘢, 佢哋唔俾钱
    "喺": "在", "而家": "现在", "做嘢": "干活", "乜嘢": "什么", "咩": "什么", "边度": "哪里",
    "点解": "为什么", "揾": "找", "睇": "看", "佢哋": "他们", "佢": "他", "我哋": "我们",
    "唔系": "不是", "唔使": "不用", "唔要": "不要", "唔知": "不知道", "唔识": "不会", "唔俾": "不给",
    "唔得": "不行", "冇变": "没变",
}
_DIALECT = re.compile("|".join(sorted(map(re.escape, DIALECT), key=len, reverse=True))
                      + r"|(?<!耽)搁(?!置)")


def _spoken_to_digits(match: re.Match) -> str:
    return match.group(0).replace(" ", "").translate(_SPOKEN_DIGITS)


class WordTable:
    """variant → standard word, replaced in one left-to-right scan (longest variant first at
    each position): fast enough for tens of thousands of generated variants.

    ``fits(text, start, end) -> bool``, when given, vetoes a variant that is only a variant by
    accident of where words meet (重庆了 holds 庆了, not a typo of 清了)."""

    def __init__(self, words: dict[str, str], fits=None) -> None:
        self.words = words
        self.fits = fits
        sizes: dict[str, set[int]] = {}
        for variant in words:
            sizes.setdefault(variant[:2], set()).add(len(variant))
        # keyed by the first two characters: most positions fail at one set look-up
        self.sizes = {start: tuple(sorted(s, reverse=True)) for start, s in sizes.items()}

    def replace(self, text: str) -> str:
        pieces, done, i, sizes, words = [], 0, 0, self.sizes, self.words
        while i < len(text) - 1:
            for size in sizes.get(text[i:i + 2], ()):
                standard = words.get(text[i:i + size])
                if standard is not None and (self.fits is None or self.fits(text, i, i + size)):
                    pieces += (text[done:i], standard)
                    i = done = i + size
                    break
            else:
                i += 1
        return "".join(pieces) + text[done:] if pieces else text


def _mandarin(match: re.Match) -> str:
    return DIALECT.get(match.group(0), "在")


def normalise(text: str, synonyms: dict[str, str] | None = None,
              variants: WordTable | None = None) -> str:
    """The routing form of ``text`` (see the module docstring); never raises, may be ``""``.

    ``synonyms`` maps a variant to its standard word (longest variants should come first);
    ``variants`` are the generated ones (``handlers.nlu.homophones``), replaced after them."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = to_simplified(text)
    text = _NOISE.sub(" ", text)
    text = _FILLERS.sub("", text)
    text = _SPOKEN_RUN.sub(_spoken_to_digits, text)
    text = _DIALECT.sub(_mandarin, text)
    for variant, standard in (synonyms or {}).items():
        if variant in text:
            text = text.replace(variant, standard)
    if variants is not None:
        text = variants.replace(text)
    return " ".join(text.split())
