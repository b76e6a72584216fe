"""How a member says a satisfaction rating (满意度): a number (5, ５, 5分, 打5分, 五分, 五星) or a
word (满意, 很不满意, 一般, 还行 …), then, if they like, why ("4 还行吧 就是慢了点").

Only a message that *begins* with a rating is read as one, and a number only when what follows
it cannot make it something else: "5号楼漏水了", "3个月没发工资", "8点以后打电话" are no ratings.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Words → the score they say, on the scale the question gives (5 很满意, 4 满意, 3 一般,
# 2 不满意, 1 很不满意). Matched longest first, so 很不满意 is not read as 很 + 不满意.
WORD_SCORES: dict[str, int] = {
    **dict.fromkeys(("很满意", "非常满意", "特别满意", "十分满意", "超级满意", "太满意", "相当满意", "好评",
                     "满分"), 5),
    **dict.fromkeys(("满意", "挺满意", "比较满意", "还算满意", "蛮满意", "不错", "还不错", "挺不错"), 4),
    **dict.fromkeys(("一般", "一般般", "还行", "还可以", "凑合", "马马虎虎", "过得去", "基本满意", "中评"), 3),
    **dict.fromkeys(("不满意", "不太满意", "不大满意", "不怎么满意", "不是很满意", "不够满意"), 2),
    **dict.fromkeys(("很不满意", "非常不满意", "特别不满意", "极不满意", "太不满意", "很差", "太差", "非常差",
                     "差评", "差劲"), 1),
}
CHINESE_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_WORDS = "|".join(sorted(WORD_SCORES, key=len, reverse=True))
# Where the member's reason may begin right after a rating with no space between.
_REASON = rf"(?:{_WORDS}|就是|但是|不过|可是|只是|谢谢|感谢|辛苦)"
_PARTICLES = r"(?:的|了|吧|啊|呀|哈|啦|哦|呢|噢)*"
_LEAD = r"(?:我|俺)?(?:觉得|感觉|认为)?(?:还是|就)?"
_SEP = r"[\s，,。.！!？?~～、：:；;]"
# 打5分, 给个4分, 5, 5分, 五分, 五颗星, 10分 (out of range, still a rating), 4.5分.
_UNIT = r"(?:分(?!钟)|颗?星)"
NUMBER = re.compile(
    rf"{_LEAD}(?:打|给|评|评分|评价|打分)?(?:个|了)?\s*"
    rf"(?:(?P<digits>\d{{1,3}}(?:\.\d)?)\s*(?P<unit>{_UNIT})?|(?P<chinese>[{''.join(CHINESE_DIGITS)}])\s*{_UNIT})"
    rf"{_PARTICLES}(?P<rest>(?={_REASON})|{_SEP}.*|$)", re.DOTALL)
WORD = re.compile(rf"{_LEAD}(?P<word>{_WORDS}){_PARTICLES}(?P<rest>(?={_REASON})|{_SEP}.*|$)", re.DOTALL)
# Words that say a rating whatever follows them ("不满意到现在钱还没给"); 一般, 还行 … do not
# ("一般都几点上班").
_PLAIN_WORDS = "|".join(w for w in sorted(WORD_SCORES, key=len, reverse=True) if "满意" in w or "评" in w)
PLAIN = re.compile(rf"{_LEAD}(?P<word>{_PLAIN_WORDS})(?!度){_PARTICLES}(?P<rest>.*)", re.DOTALL)


@dataclass(frozen=True)
class Reading:
    """A rating as said: ``score`` (as said: may be outside 1–5, or not whole, like 4.5) and
    the member's words after it (``note``; ``None`` when they said only the rating)."""

    score: float
    note: str | None


def read_rating(text: str | None) -> Reading | None:
    """The rating ``text`` begins with (full-width digits and spaces folded), or ``None`` when it
    begins with none (see the module docstring)."""
    folded = unicodedata.normalize("NFKC", text or "").strip()
    number = NUMBER.match(folded)
    if number is not None:
        digits = number["digits"]
        # A bare number of three digits is no rating (a room, an amount); with 分 it is one, out of range.
        if digits is not None and len(digits) == 3 and not number["unit"]:
            return None
        score = float(digits) if digits is not None else CHINESE_DIGITS[number["chinese"]]
        note = _note(folded[number.start("rest"):])
        said = WORD.fullmatch(note or "")  # "5 很满意": the word only says the number again
        return Reading(score, None if said and not _note(said["rest"]) else note)
    word = WORD.match(folded) or PLAIN.match(folded)
    if word is not None:
        return Reading(WORD_SCORES[word["word"]], _note(folded[word.start("rest"):]))
    return None


def _note(rest: str) -> str | None:
    return rest.strip(" \t\n，,。.！!？?~～、：:；;").strip() or None
