"""Slots from normalised text: phone, city/province, check-in code, and the word-list slots each
intent's vocabulary declares (``Vocabulary.slot_words``: a lesson's ``category``, a help topic).

Shapes follow ../shared/nlu/README.md: ``phone`` 11 ASCII digits, ``city``/``province`` short
names without 市/省, ``checkin_code`` 4–6 digits, word-list slots their English value.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from handlers.nlu.places import Place, find_places

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


# Whose a number is: the person named last before it — the member (我, 本人, 我是柳林村的书记) or
# someone else (包工头, 我老婆, 他, 联系人). (其他 is no 他; 我是…/我叫… names the member, whatever
# follows; a kinship character alone may be part of a name — 王小妹 — or a typo — 电话号妈改成 —
# so it counts only as 我妈, 妈妈 or 妈的; a workplace owns only the number it is written
# against — 厂里的电话…, not 我在厂里上班 电话….)
_SELF = r"(?:我|本人)(?:是|叫|就是)[^ \d]*|我|本人|自己|咱"
_KIN = "爸|妈|爹|娘|哥|姐|弟|妹"
_SOMEONE = (f"(?:我|他|她)(?:{_KIN})|爸爸|妈妈|哥哥|姐姐|弟弟|妹妹|(?:{_KIN})的|(?<!其)(?:他|她)|人家|对方|"
            "别人|老板|包工头|工头|班长|领班|组长|主管|经理|厂长|队长|老总|中介|房东|老婆|媳妇|爱人|老公|"
            "丈夫|妻子|对象|孩子|儿子|女儿|闺女|父亲|母亲|亲戚|老乡|朋友|同事|工友|室友|舍友|家里人|家人|"
            "紧急联系人?|联系人|联络员|书记|律师|医生|老师|客服|司机|师傅|负责人|领导|老大|管事的|业主|甲方|雇主|东家|货主"
            "|(?:公司|厂里|厂子|厂|工地|单位|店里|人事|hr|学校|医院|派出所|物业)的?"
            "(?=电话|手机|号码|座机|联系方式|$)")
# A number said to be new (换成, 新号, 也换了) is the member's, unless someone else is named in its
# own clause (我老婆的号换成…: hers).
_CHANGE = r"换成|改成|改为|换了|换号|改号|新号|新的|以后打|打这个|现在用|变成|更新为|变更为"
_MARK = re.compile(f"(?P<someone>{_SOMEONE})|(?P<self>{_SELF})|(?P<change>{_CHANGE})")
# ... and so is someone else's number the member now uses (现在用的是我媳妇的号…, …以后联系打这个).
_ADOPT_BEFORE = re.compile(r"现在用|以后用|改用|用的是")
_ADOPT_AFTER = re.compile(r" ?(?:(?:以后|今后|有事)?就?(?:联系|找)?我?就?打这个|联系我|找我)")
# ... or said after it: 13712345678是包工头的, 13712345678 这个是我老婆的.
_OWNER_AFTER = re.compile(rf" ?(?:这个|这|那个|那)?(?:号码?|电话|手机号?)?(?:是|为)(?:我们?)?(?:{_SOMEONE})")
# A message written for the member by someone else (替我父亲发的, 替党员李某报一下, 帮他登记): 他
# is the member there, and every number counts as theirs (read back before it is stored).
_PROXY = re.compile(r"替[^ \d]{0,10}?(?:发|报|问|说|登记|反映|办|申请)|代(?:他|她)|帮(?:他|她)(?:发|报|问|登记|办|申请|说|改)")
# How far back a number with nobody named in its own clause looks for its owner (工头姓李 电话…,
# 包工头 李某 13712345678): the clause or two before it.
OWNER_REACH = 12


def phone(text: str) -> str | None:
    """The first mobile number in ``text`` the member gives as their own, as 11 digits (a number
    introduced as someone else's is no phone of theirs: see :func:`someone_elses`)."""
    for match in _PHONE.finditer(text):
        if someone_elses(text, match) is None:
            return match.group(0).replace(" ", "")
    return None


@dataclass(frozen=True)
class OthersNumber:
    """A mobile number introduced as someone else's: ``number`` (11 digits) and the span from the
    words naming its owner to its end (包工头的电话是13712345678: all of it)."""

    number: str
    start: int
    end: int


def others_numbers(text: str) -> list[OthersNumber]:
    """Every mobile number in ``text`` introduced as someone else's (see :func:`someone_elses`)."""
    found = []
    for match in _PHONE.finditer(text):
        start = someone_elses(text, match)
        if start is not None:
            found.append(OthersNumber(match.group(0).replace(" ", ""), min(start, match.start()),
                                      max(match.end(), _after_end(text, match))))
    return found


def someone_elses(text: str, number: re.Match) -> int | None:
    """Where the words introducing ``number`` (a mobile number found in normalised ``text``) as
    someone else's begin, or ``None`` when it is the member's own.

    The owner is the person named last before the number in its clause (我的手机号换成…: the
    member; 包工头的电话是…, 我老婆的号…, 他的电话…: someone else) or right after it
    (13712345678是包工头的) — unless the member says they now use it (现在用的是我媳妇的号…,
    …以后联系打这个). A clause naming nobody is the member's when it says the number is new
    (电话改成…, 新号…) and otherwise belongs to whoever, or whatever change, the clause or two
    before it named last (工头姓李 电话13712345678: the foreman's; 电话也换了 13900006082: the
    member's); naming nobody at all, it is the member's (a number alone). In a message written
    for the member by someone else (替我父亲发的…) every number is the member's."""
    if _PROXY.search(text) or _ADOPT_AFTER.match(text, number.end()):
        return None
    if _OWNER_AFTER.match(text, number.end()):
        return number.start()
    clause_start = text.rfind(" ", 0, number.start()) + 1
    marks = list(_MARK.finditer(text, clause_start, number.start()))
    people = [m for m in marks if m.lastgroup != "change"]
    if people:
        owner = people[-1]
        adopted = _ADOPT_BEFORE.search(text, clause_start, owner.start())
        return owner.start() if owner.lastgroup == "someone" and not adopted else None
    if marks:
        # said to be new: the member's, unless the clause before says someone else's changed
        # (我爸手机号换了 新号…: his)
        return _changed_before(text, clause_start)
    marks = list(_MARK.finditer(text, max(0, clause_start - OWNER_REACH), clause_start))
    return marks[-1].start() if marks and marks[-1].lastgroup == "someone" else None


def _changed_before(text: str, clause_start: int) -> int | None:
    """Where someone else is named in the clause before ``clause_start`` when that clause says
    their number changed (我爸手机号换了), else ``None``."""
    before_start = text.rfind(" ", 0, max(0, clause_start - 1)) + 1
    marks = list(_MARK.finditer(text, before_start, max(before_start, clause_start - 1)))
    people = [m for m in marks if m.lastgroup != "change"]
    if people and people[-1].lastgroup == "someone" and marks[-1].lastgroup == "change":
        return people[-1].start()
    return None


def _after_end(text: str, number: re.Match) -> int:
    after = _OWNER_AFTER.match(text, number.end())
    return after.end() if after else number.end()


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
