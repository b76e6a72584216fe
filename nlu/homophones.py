"""Homophone typos, generated instead of listed: 积份 → 积分, 联络圆 → 联络员, 思想汇抱 → 思想汇报.

Members type with pinyin input methods and speak to voice recognition, so most misspellings
sound like the word meant. For every keyword (two or more characters) this builds its variants
with one character swapped for a common character of the same sound — toneless pinyin, with
the sound pairs many regions merge (zh/z, ch/c, sh/s, n/l, an/ang, en/eng, in/ing) — and
replaces them before matching, so slots and patterns see the standard word too.

A variant is dropped when it is a word in jieba's dictionary (几分 is not a typo of 积分) or
when it is a variant of two different words (nobody can tell which was meant).
"""
from __future__ import annotations

from collections import defaultdict
from functools import lru_cache

from pypinyin import Style, pinyin

# Regional sound mergers (南方口音 / 普通话水平测试 lists of commonly confused initials/finals).
_FUZZY = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("ang", "an"), ("eng", "en"), ("ing", "in"))


def _sound(syllable: str) -> str:
    for merged, kept in _FUZZY:
        if merged in syllable:
            syllable = syllable.replace(merged, kept)
    return "l" + syllable[1:] if syllable.startswith("n") else syllable


@lru_cache(maxsize=1)
def _sound_table() -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """character → its sound, and sound → the common characters with it.

    "Common" is GB 2312 level 1 (3,755 characters, the ones input methods offer first)."""
    common = [bytes([high, low]).decode("gb2312")
              for high in range(0xB0, 0xD8) for low in range(0xA1, 0xFF)
              if not (high == 0xD7 and low > 0xF9)]
    sounds: dict[str, frozenset[str]] = {}
    chars: dict[str, list[str]] = defaultdict(list)
    for char in common:
        sounds[char] = _reading(char)
        chars[sounds[char]].append(char)
    return sounds, {sound: tuple(group) for sound, group in chars.items()}


def _reading(char: str) -> str:
    # the main reading only: a polyphone's rare readings (给 jǐ) would make typos of common words
    return _sound(pinyin(char, style=Style.NORMAL)[0][0])


def _alike(char: str) -> tuple[str, ...]:
    sounds, chars = _sound_table()
    return chars.get(sounds.get(char) or _reading(char), ())


@lru_cache(maxsize=8)
def variants(words: frozenset[str], dictionary_words) -> dict[str, str]:
    """variant → word for every word in ``words`` (one character swapped for a same-sounding
    one); ``dictionary_words(text) -> bool`` says whether a text is a real word to keep."""
    found: dict[str, str] = {}
    ambiguous: set[str] = set()
    for word in sorted(words):
        if len(word) < 2 or not all("\u4e00" <= c <= "\u9fff" for c in word):
            continue
        for i, char in enumerate(word):
            for other in _alike(char):
                if other == char:
                    continue
                variant = word[:i] + other + word[i + 1:]
                if variant in words or dictionary_words(variant):
                    continue
                if found.setdefault(variant, word) != word:
                    ambiguous.add(variant)
    return {v: w for v, w in found.items() if v not in ambiguous}
