"""Where in a normalised message words do not count fully: negated spans and the second request.

* "不用/不要/不是/不问/不找… X" — X is what the member does *not* want (until the clause ends).
* "X 没变 / 还是原来的" — X did not change: it counts against the intents negated by
  ``Cue.UNCHANGED`` (a change of details; "积分怎么没变" still asks about points).
* "X 先不说了 / 晚点再看 / 回头再说" — X is set aside for now: it counts for no intent.
* "X 已经给了 / 解决了 / 没事了" — the difficulty X is over: it counts against the intents
  negated by ``Cue.RESOLVED`` (a difficulty; "欠薪的事解决了 谢谢你们" may still thank).
* "…另外/顺便/还有 Y" — Y is a second request: it counts half, and the router may offer it —
  unless Y is what the member most needs answered (``Routing.answered_first``). With
  nothing before it ("还有学习资料吗", "对了 驿站在哪") Y is the only request.
* "讲 X 的课 / 关于 X 的视频" — X is what a lesson is about: it counts only for the intents that
  own it (``Routing.owns_about``).
* "包工头的电话是 13712345678" — someone else's number (``handlers.nlu.slots.someone_elses``): it
  counts against the intents negated by ``Cue.THEIRS`` (a change of details, a binding).

Which intent each cue speaks against is the intents' routing policy (``handlers.nlu.policy``).
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from handlers.nlu.policy import Cue, Policies
from handlers.nlu.slots import others_numbers

# Negation before the thing negated. 别 only in its imperative uses (别人, 特别 are not negation).
# (不用表扬 is modesty about a deed, not a refusal of it)
_NEGATION_BEFORE = re.compile(r"不用(?!表扬)|不要(?!表扬)|不需要|不想|不是|不问|不找|不图|不必|没问|别再|别给|别推|别发|别打"
                              r"|不学|不交(?!社保|医保|保险|钱|学费|房租)|不查|不为|不求(?!表扬)|不开会|不签到|不是来"
                              r"|(?:没|没有|无)人?(?=受伤|伤亡|受了伤)")
# Negation after the thing negated ("电话还是原来那个", "住的地方没变").
_NEGATION_AFTER = re.compile(r"没变|没换|没改|不变|还是原来|一样")
# A negated span ends at a clause boundary or a turn ("不是签到 我是问积分", "不想学习了想问下党费").
_SPAN_END = frozenset(" 了是就而但只也")
_SPAN_MAX = 8
_AFTER_REACH = 6
# Setting a request aside after naming it ("积分的事先不说了", "课我晚点再看"): negated for all.
_ASIDE_AFTER = re.compile(r"(?:的事)?(?:先不说|先不问|先不管|先不看|先放一放|先放放|以后再说|回头再说|"
                          r"晚点再?(?:看|说|问|学|交|发)|过后再(?:看|说|问))")
# What starts a second request in the same message.
# "进完会我再交思想汇报": what comes after 完…再 is for later ("干完再结账" stays one complaint).
# (另外两个党员, 另外的人: "other", no second request)
_SECOND_REQUEST = re.compile(r"另外(?![一两二三四五六七八九十几\d]+(?:个|名|位)|的)|顺便|顺带|捎带|还有|还想|再问|然后再|对了|登完"
                             r"|完(?:会|课|了)?(?:我|俺|咱)?再(?!结|给|发)")
# What a lesson asked for is about ("有讲别人欠钱不还该咋办的法律课吗"): not the member's own case.
_ABOUT = re.compile(r"(?:讲|教|关于)([\u4e00-\u9fff]{1,14}?)的(?:法律)?(?:课|视频|课程|讲座|资料|文章|节目|片子)")
# A difficulty reported over ("上次说的欠薪 老板已经给了"): everything before it, up to here, is
# no help request. Asked, not reported ("我反映的事解决了没", "钱给了吗"), it is over for no one.
_RESOLVED = re.compile(r"(?:(?:已经|都|总算|终于)(?:给|发|结|还|补|到账|解决|处理|办好|办妥|退)(?:了|啦)"
                       r"|(?:解决|搞定|处理好|办好)(?:了|啦)|没事了)(?!没|吗|么|嘛|不)")


@dataclass(frozen=True)
class Clauses:
    """``negated``: (start, end) character spans; ``unchanged``: spans said not to have changed;
    ``resolved``: spans reported over; ``theirs``: someone else's numbers with the words naming
    them (these three count only against the intents their :class:`Cue` negates, by
    ``policies``); ``about``: what a lesson asked for is about (it counts only for the intents
    owning it); ``second_from``: offset where the second request begins (``len(text)`` when there
    is none); ``breaks``: offsets of the spaces that separate the text's clauses (punctuation and
    pauses became spaces in normalisation)."""

    negated: tuple[tuple[int, int], ...]
    unchanged: tuple[tuple[int, int], ...]
    second_from: int
    resolved: tuple[tuple[int, int], ...] = ()
    breaks: tuple[int, ...] = ()
    about: tuple[tuple[int, int], ...] = ()
    theirs: tuple[tuple[int, int], ...] = ()
    policies: Policies = Policies()

    def clause(self, position: int) -> int:
        """The number of the clause ``position`` is in, from 0."""
        return bisect.bisect(self.breaks, position)

    def is_negated(self, position: int, intent: str = "") -> bool:
        """Whether ``position`` is in a span negated for ``intent`` ("": for every intent)."""
        spans = self.negated
        if intent:
            cues = self.policies.cues(intent)
            if Cue.UNCHANGED in cues:
                spans = spans + self.unchanged
            if Cue.RESOLVED in cues:
                spans = spans + self.resolved
            if intent not in self.policies.about_owners:
                spans = spans + self.about
            if Cue.THEIRS in cues:
                spans = spans + self.theirs
        return any(start <= position < end for start, end in spans)

    def affirmed(self, text: str) -> str:
        """``text`` with its negated spans and the digits of someone else's numbers blanked
        (spaces keep the offsets): what the labelled examples judge. (A number looks like a
        change of phone or a binding to them; whose it is, they cannot tell.)"""
        for start, end in self.negated:
            text = text[:start] + " " * (end - start) + text[end:]
        for start, end in self.theirs:
            text = text[:start] + re.sub(r"\d", " ", text[start:end]) + text[end:]
        return text

    def weight(self, position: int, intent: str) -> float:
        """0 for a word negated for ``intent``, ½ in the second request (unless ``intent`` is
        answered first), 1 otherwise."""
        if self.is_negated(position, intent):
            return 0.0
        return 0.5 if position >= self.second_from and intent not in self.policies.first else 1.0


def analyse(text: str, policies: Policies = Policies()) -> Clauses:
    """Negated spans and the start of the second request in normalised ``text``, read with the
    intents' ``policies`` (none: only what is negated for every intent, and the second request)."""
    spans, unchanged = [], []
    for match in _NEGATION_BEFORE.finditer(text):
        if text[match.start() - 1:match.start()] == match.group()[1]:
            continue  # 是不是 / 要不要 / 用不用: a yes-no question, not a negation
        end = match.end()
        limit = min(len(text), end + _SPAN_MAX)
        while end < limit and text[end] not in _SPAN_END:
            end += 1
        # from the negator's start: "不想学习" must not count 想学
        spans.append((match.start(), end))
    for match in _NEGATION_AFTER.finditer(text):
        start = match.start()
        limit = max(0, start - _AFTER_REACH)
        while start > limit and text[start - 1] != " ":
            start -= 1
        unchanged.append((start, match.start()))
    for match in _ASIDE_AFTER.finditer(text):
        start = match.start()
        while start > max(0, match.start() - _AFTER_REACH) and text[start - 1] != " ":
            start -= 1
        spans.append((start, match.end()))
    # a message opening with 对了/还有/顺便 (还有学习资料吗) has nothing before it: one request
    second = next((m for m in _SECOND_REQUEST.finditer(text) if text[:m.start()].strip()), None)
    resolved = tuple((0, m.end()) for m in _RESOLVED.finditer(text))
    about = tuple(m.span(1) for m in _ABOUT.finditer(text))
    return Clauses(tuple(spans), tuple(unchanged), second.start() if second else len(text),
                   resolved, tuple(i for i, char in enumerate(text) if char == " "), about,
                   tuple((n.start, n.end) for n in others_numbers(text)), policies)
