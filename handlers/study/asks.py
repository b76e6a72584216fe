"""What a member asks of study, in their words or by a menu button: a lesson, the next or the one
before, their past lessons, to record a finish, or their record.

The router decides that a message is about study (and fills the lesson ``category``); which of
these it asks is read here from the routed text, so the router's labels and slots stay as they
are.
"""
from __future__ import annotations

import re
from enum import StrEnum


class Ask(StrEnum):
    """What a study message asks for."""

    LESSON = "lesson"      # 学习, 学习 法律: today's lesson (of a category)
    NEXT = "next"          # 下一课, 换一篇, 接着学
    PREVIOUS = "previous"  # 上一课, 上一篇
    PAST = "past"          # 往期, 以前的: a numbered list of lessons given lately
    DONE = "done"          # 我学完了, 看完了
    RECORD = "record"      # 我的学习记录


# Custom-menu CLICK keys of study (``menu`` in config.yaml; ``handlers.menu.MENU_KEYS``).
MENU_ASKS = {"STUDY_TODAY": Ask.LESSON, "STUDY_NEXT": Ask.NEXT, "STUDY_RECORD": Ask.RECORD}

# Checked in this order on the routed (normalised) text: 学完了 下一课 records the finish (and the
# next lesson comes with the thanks); 以前的学习记录 is the record; a message naming none of
# them asks for a lesson.
_ASKS = (
    (Ask.RECORD, re.compile(r"学习(?:记录|情况|档案|统计)|学了(?:多少|几)|学过(?:多少|几)")),
    (Ask.DONE, re.compile(r"(?:学习?|看|读|听)完|(?:学|看)好了")),
    (Ask.PAST, re.compile(r"往期|以前的|以前学|之前的|之前学|学过的|看过的|历史|过去的|前几(?:天|期|篇|课)")),
    # 上课 is no step back
    (Ask.PREVIOUS, re.compile(r"上一(?:课|篇|节|讲|集|个)|上(?:篇|节课)|前一(?:课|篇|节|讲|集)")),
    (Ask.NEXT, re.compile(r"下一|接着|继续|再来|换一|另一|新的一篇")),
)
# 没看完, 还没有学完, 未读完: no finish (the lesson they are on comes again)
_NOT_DONE = re.compile(r"(?:没有?|未)(?:学习?|看|读|听)?完")


def asked(text: str, event_key: str | None = None) -> Ask:
    """What ``text`` (the routed, normalised text) asks of study, or the menu button
    ``event_key`` (one of :data:`MENU_ASKS`) when given; :attr:`Ask.LESSON` when nothing more."""
    if event_key is not None and event_key in MENU_ASKS:
        return MENU_ASKS[event_key]
    return next((ask for ask, words in _ASKS
                 if words.search(text) and not (ask is Ask.DONE and _NOT_DONE.search(text))), Ask.LESSON)
