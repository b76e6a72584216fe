"""What a member says about their work and their time away, read from their own words: the
employer (在顺丰物流上班了, 换到富士康了, 现在在工地干活), the reason for being away (出来打工的,
是来上学的, 随子女过来的 → GLOSSARY ``away_reason`` codes) and since when (去年3月出来的,
2023年3月出去的 → ``away_since``, the 1st of the month as the ledger stores it).

Plain functions on text, no database: chat, verification answers and the console read members'
words with them and store the result through ``models.member_updates.apply_changes``. A date
that cannot be right (in the future, before 1921) raises :class:`DetailError`, whose message is
the sentence the member is told.
"""
from __future__ import annotations

import datetime as dt
import re

from models.ledger import AWAY_REASON_WORDS
from models.member import AWAY_REASONS
from models.places import PROVINCES, clean, knows_city

EMPLOYER_MAX = 100  # Member.employer's length
# Work verbs ending the name of a workplace (在顺丰物流上班, 在美团当骑手, 在工地干活).
_WORK = r"(?:上班|工作|干活|打工|做事|做工|务工|上岗|实习|当|做|干|跑|送|开车|带班)"
# Words before the place of work: 在X上班, 进了X, 换到X (了).
_AT = r"(?:在|进了|进|去了|到了|换到|换去|跳槽到|跳到|调到)"
# A name: letters, digits and CJK, no punctuation (the clause ends at the first mark).
_NAME = r"[0-9A-Za-z\u4e00-\u9fff·&]{1,40}?"
EMPLOYER_SHAPES = (
    # 工作单位换成美团了, 单位改成XX物流, 现在的单位是富士康
    re.compile(rf"(?:工作单位|单位|工作)(?:也)?(?:换成了?|改成了?|改为|变成了?|换到了?|是)(?P<x>{_NAME})(?:了|啦|这边|那边)?(?:[,，。.!！;；]|$)"),
    # 在顺丰物流上班了, 在苏州一家电子厂上班, 在美团当骑手
    re.compile(rf"{_AT}(?P<x>{_NAME}){_WORK}"),
    # 换到富士康了, 跳槽到比亚迪, 进了一家物流公司
    re.compile(rf"(?:换到|换去|跳槽到|跳到|进了|去了)(?P<x>{_NAME})(?:了|啦|这边|那边)?(?:[,，。.!！;；]|$)"),
)
# What is no employer's name: where, not for whom (在外面打工, 在厂里上班, 在家带孩子).
VAGUE = frozenset({"这边", "那边", "外面", "外地", "外头", "家", "家里", "老家", "厂里", "厂子", "厂", "公司",
                   "单位", "这里", "那里", "这儿", "那儿", "城里", "市里", "县里", "县城", "镇上", "村里",
                   "里面", "一个地方", "别的地方", "新地方", "原来那个厂", "原来的厂", "原来那", "别处",
                   "那", "这", "一家", "一个", "南方", "北方", "国外", "外省"})
_LEADING = re.compile(r"^(?:现在|目前|如今|最近|又|也|还|就|已经|在)+")
# Answers that name nobody's workplace (不知道, 没有, 啥意思).
NOT_A_NAME = re.compile(r"^(?:不知道|不清楚|不晓得|不记得|没有|无|暂无|啥|什么|哪|咋|怎么|为什么|为啥|还是|跟以前|和以前|一样|同上)")
_QUANTITY = re.compile(r"^(?:的|这边的|那边的|这里的|那里的|一家|一个|一间|一座|个|家|间)+")
_TRAILING = re.compile(r"(?:里|里面|这边|那边|那里|这里)$")

# Reason words as members say them, beyond the ledger's (models.ledger.AWAY_REASON_WORDS).
CHAT_REASON_WORDS: dict[str, tuple[str, ...]] = {
    "work": ("打工", "务工", "上班", "挣钱", "干活", "找活", "找工作", "工作", "就业"),
    "business": ("做生意", "经商", "创业", "做买卖", "开店", "做个体"),
    "study": ("上学", "读书", "念书", "求学", "上大学", "读研", "考研", "进修", "培训", "学习"),
    "family": ("带孙子", "带孙女", "带孩子", "看孩子", "看孙子", "照顾", "陪读", "投亲", "随迁", "随子女",
               "随配偶", "跟儿子", "跟女儿", "跟孩子", "跟子女", "跟老伴", "跟老公", "跟爱人", "投靠"),
}
_ALL_REASON_WORDS = "|".join(sorted({w for words in CHAT_REASON_WORDS.values() for w in words}, key=len, reverse=True))
REASON_SHAPES = (
    # 外出原因是经商, 外出原因改成务工
    re.compile(r"(?:外出|流动|出来的?|出去的?)原因(?:是|改成|改为|为|应该是)?(?P<w>.{1,8})"),
    # 出来打工的, 是来上学的, 出来到苏州做生意, 到外面打工
    re.compile(rf"(?:出来|出去|外出|在外|到外面|去外面|到外地|去外地|过来|来)(?:是|就是|主要是|为了|为|是为了)?"
               rf"[^,，。.!！?？;；]{{0,6}}?(?P<w>{_ALL_REASON_WORDS})"),
    # 随子女过来的, 跟着儿子来的, 投靠女儿
    re.compile(r"(?P<w>(?:随|跟着?|投靠)(?:子女|儿子|女儿|孩子|儿女|闺女|老伴|爱人|丈夫|老公|媳妇|妻子|家人|配偶))"
               r"(?:一起)?(?:过来|出来|来|去|过去)"),
)
_FAMILY_WITH = re.compile(r"(?:随|跟着?|投靠)(?:子女|儿子|女儿|孩子|儿女|闺女|老伴|爱人|丈夫|老公|媳妇|妻子|家人|配偶)")
# A numbered answer to "外出是为了什么？" (1 务工 … 5 其他).
REASON_CHOICES = ("work", "business", "study", "family", "other")

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_MONTHS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
              "十一": 11, "十二": 12, "正": 1, "冬": 11, "腊": 12}
_RELATIVE_YEARS = {"今年": 0, "去年": 1, "前年": 2, "大前年": 3}
# A year with its separator (2023年, 23年, 2023., 二零二三年) or a year word (去年).
_YEAR = (r"(?:(?P<y>\d{4}|\d{2}|[零〇一二三四五六七八九]{4}|[零〇一二三四五六七八九]{2})(?:年|\.|-|/)"
         r"|(?P<r>大前年|前年|去年|今年))")
_MONTH = r"(?P<m>1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九正冬腊])"
_LEFT = r"(?:的时候|那会儿?|左右|底|初|中旬|份)?(?:就|才)?(?:出来|出去|外出|离开家?|离家|出的门|出门|过来|来的|走的)"
AWAY_SINCE_SHAPES = (
    # 2023年3月出去的, 去年3月份出来的, 23年三月出来, 2023.3出来的
    re.compile(rf"{_YEAR}{_MONTH}(?:月份?)?(?:(?P<d>[12]?\d|3[01])(?:日|号))?{_LEFT}"),
    # 外出时间是2023年3月, 外出时间改成2023.3
    re.compile(rf"(?:外出|出来|出去|离开|流出)(?:的)?时间(?:是|改成|改为|为|应该是)?{_YEAR}{_MONTH}月?"),
    # 3月份出来的: the latest such month not to come
    re.compile(rf"(?<![\d年.\-/]){_MONTH}月份?{_LEFT}"),
)
# A year said without a month (去年出来的): the ledger keeps months, so the member is asked for it.
_YEAR_ONLY = re.compile(rf"{_YEAR}(?:的时候|那会儿?|底|初)?(?:就|才)?(?:出来|出去|外出|离开家?|离家|出的门)")


# An answer to "which city?" that may be a place the list does not know: CJK only, short, after
# the words around it are dropped; not a question.
WHERE_WORDS = re.compile(r"^(?:我|俺|人)?(?:现在|目前)?(?:在|到了|去了|搬到|来了)?|(?:这边|那边|这里|那里|了|啦|呢|吧)+$")
WRITTEN_PLACE = re.compile(r"[\u4e00-\u9fff]{2,12}")
QUESTION_WORDS = re.compile(r"吗|什么|怎么|哪|咋|啥|谁|为何|为啥|多少")


class DetailError(ValueError):
    """Something the member said that cannot be stored; ``str(err)`` is the sentence they are
    told (in Chinese), naming what was wrong and how to say it."""


def employer_in(text: str | None) -> str | None:
    """The employer or workplace a member names as theirs now (``在顺丰物流上班了`` → ``顺丰物流``,
    ``换到富士康了`` → ``富士康``, ``现在在工地干活`` → ``工地``, ``在苏州一家电子厂上班`` →
    ``电子厂``), or ``None`` when the text names only a place (在苏州打工) or nothing."""
    said = _clauses(text)
    for shape in EMPLOYER_SHAPES:
        for match in shape.finditer(said):
            name = _workplace(match.group("x"))
            if name:
                return name[:EMPLOYER_MAX]
    return None


def employer_answer(text: str | None) -> str | None:
    """The answer to "现在在哪里工作？": an employer named in a sentence (:func:`employer_in`) or
    a name said alone (富士康, 顺丰速运), as written; ``None`` when it is neither (a question, a
    number, a place only)."""
    found = employer_in(text)
    if found:
        return found
    said = re.sub(r"[。.!！~～]+$", "", clean(text))
    said = re.sub(r"^(?:在|是|就是|去了|进了)", "", said)
    said = re.sub(r"(?:了|啦|吧)$", "", said)
    name = None if NOT_A_NAME.match(said) else _workplace(said)
    if name and re.fullmatch(r"[0-9A-Za-z\u4e00-\u9fff·&()（）]{2,40}", name) and not re.fullmatch(r"\d+", name):
        return name[:EMPLOYER_MAX]
    return None


def _workplace(raw: str) -> str | None:
    """``raw`` with leading time words, places and quantities taken off; ``None`` when what is
    left names no workplace."""
    name = raw
    while True:
        rest = _QUANTITY.sub("", _strip_place(_LEADING.sub("", name)))
        if rest == name:
            break
        name = rest
    name = _TRAILING.sub("", name)
    if len(name) < 2 or name in VAGUE or _is_place(name):
        return None
    return name


def _clauses(text: str | None) -> str:
    """``text`` as :func:`models.places.clean` makes it, a space between words kept as a comma:
    "我在苏州 在富士康上班" is two clauses, not one name."""
    return clean(re.sub(r"\s+", "，", (text or "").strip()))


def _strip_place(text: str) -> str:
    """``text`` without a province or city at its start (苏州昆山的电子厂 → 昆山的电子厂 → 的电子厂)."""
    for size in range(min(6, len(text)), 1, -1):
        head = text[:size]
        short = re.sub(r"(?:省|市|自治区|地区|区|县)$", "", head)
        if len(short) >= 2 and (knows_city(short) or short in PROVINCES) and size < len(text):
            return text[size:]
    return text


def _is_place(text: str) -> bool:
    short = re.sub(r"(?:省|市|自治区|地区)$", "", text)
    return knows_city(short) or short in PROVINCES


def place_as_written(answer: str | None) -> str | None:
    """The answer to "which city?" as a place name to keep as written (白杨镇, 霍林河矿区 — for
    ``models.whereabouts.move_to_unlisted``), the words around it dropped (我在…, …这边); ``None``
    when it is no place name: a question, a number, 不知道, a sentence."""
    name = WHERE_WORDS.sub("", clean(answer))
    if not WRITTEN_PLACE.fullmatch(name) or QUESTION_WORDS.search(name) or NOT_A_NAME.match(name):
        return None
    return name


def away_reason_in(text: str | None) -> str | None:
    """The reason for being away a member gives (``出来打工的`` → ``work``, ``是来上学的`` →
    ``study``, ``出来做生意`` → ``business``, ``随子女过来的`` → ``family``, ``外出原因改成其他``
    → ``other``), or ``None`` when the text gives none. Words are the ledger's
    (``models.ledger.AWAY_REASON_WORDS``) and members' own (:data:`CHAT_REASON_WORDS`)."""
    said = _clauses(text)
    for shape in REASON_SHAPES:
        match = shape.search(said)
        if match:
            code = reason_of(match.group("w"))
            if code:
                return code
    return None


def away_reason_answer(text: str | None) -> str | None:
    """The answer to "外出是为了什么？": a number of :data:`REASON_CHOICES` (1–5, 一–五), a reason
    word said alone (打工, 上学, 其他) or in a sentence; ``None`` when it is none of these."""
    said = re.sub(r"[。.!！]+$", "", clean(text))
    number = re.fullmatch(r"(?:选|第)?([1-5一二三四五])(?:个|项|号)?", said)
    if number:
        index = "12345".find(number.group(1)) if number.group(1).isdigit() else "一二三四五".find(number.group(1))
        return REASON_CHOICES[index]
    return away_reason_in(said) or (reason_of(said) if len(said) <= 8 else None)


def reason_of(words: str) -> str | None:
    """The ``away_reason`` code of a reason as said (打工 → work, 随子女 → family, 其他 → other),
    or ``None`` for words that name none."""
    if _FAMILY_WITH.match(words):
        return "family"
    for code in AWAY_REASONS:
        if any(w in words for w in CHAT_REASON_WORDS.get(code, ()) + AWAY_REASON_WORDS.get(code, ())):
            return code
    return "other" if re.match(r"(?:其他|其它|别的|另外的)", words) else None


def away_since_in(text: str | None, today: dt.date) -> dt.date | None:
    """When the member says they left (``2023年3月出去的`` → 2023-03-01, ``去年3月出来的`` → March
    of last year, ``3月份出来的`` → the latest March not after ``today``), as the 1st of the
    month (or the day, when said). ``None`` when the text says no such thing.

    Raises :class:`DetailError` for a date after ``today`` (Beijing date), a year before 1921, a
    month that does not exist, or a year said without its month."""
    said = _clauses(text)
    for shape in AWAY_SINCE_SHAPES:
        match = shape.search(said)
        if match:
            return _date(match, today)
    year_only = _YEAR_ONLY.search(said)
    if year_only:
        year = _year(year_only, today)
        raise DetailError(f"外出时间请说到月份，例如“{year}年3月出来的”，外出时间没有改。")
    return None


def _date(match: re.Match, today: dt.date) -> dt.date:
    month = _month(match.group("m"))
    day = int(match.group("d")) if "d" in match.re.groupindex and match.group("d") else 1
    if "y" in match.re.groupindex:
        year = _year(match, today)
    else:
        year = today.year if (month, day) <= (today.month, today.day) else today.year - 1
    try:
        when = dt.date(year, month, day)
    except ValueError:
        raise DetailError(f"{year}年{month}月没有{day}号，外出时间没有改。请再说一次，例如“2023年3月出来的”。") from None
    if when > today:
        raise DetailError(f"{_shown(when, bool(match.groupdict().get('d')))}还没到，外出时间没有改。"
                          "请说已经过去的年月，例如“2023年3月出来的”。")
    if year < 1921:
        raise DetailError(f"{year}年不像是外出的年份，外出时间没有改。请再说一次，例如“2023年3月出来的”。")
    return when


def _shown(when: dt.date, with_day: bool) -> str:
    return f"{when.year}年{when.month}月{when.day}日" if with_day else f"{when.year}年{when.month}月"


def _year(match: re.Match, today: dt.date) -> int:
    if match.group("r"):
        return today.year - _RELATIVE_YEARS[match.group("r")]
    said = match.group("y")
    digits = "".join(str(_CN_DIGITS[c]) for c in said) if said[0] in _CN_DIGITS else said
    year = int(digits)
    if len(digits) == 2:  # 23年 is 2023; 98年 is 1998
        year += 2000 if year <= today.year % 100 else 1900
    return year


def _month(said: str) -> int:
    return int(said) if said.isdigit() else _CN_MONTHS[said]
