"""往期: the lessons a member was given lately, as a numbered list they answer with a number — to
open one again, or, after a 我学完了 when nothing was given today, to say which one they
finished.

Dialog ``study_past``, state ``choosing``: the member answers 2, 第2篇, 打开3, 二; the list is kept
as lesson ids, so the numbers mean the same on every page of a long list (更多 brings the next
page, ``handlers.paging``; 更多 after the last page is told the list is all there, the question
kept open). Cancel, 帮助, a clear new request and the timeout are the engine's, as
for every dialog.
"""
from __future__ import annotations

import re
import unicodedata
from enum import StrEnum

from handlers.context import Context, Incoming
from handlers.dialog_machine import UNCLEAR, Ask, Dialog, Done, Result, Stay
from handlers.paging import asks_more
from handlers.replies import PASSIVE_REPLY_MAX_BYTES, TextReply
from handlers.study import lessons
from handlers.study.lesson_text import day, lesson_text
from models import study_history
from models.delivery.payloads import numbered_list
from models.hanzi import book_title
from models.study_history import Given

# How far back 往期 lists: lately, not everything ever given.
LIST_MAX = 30
# At most this long, in pages of a passive reply, before the oldest are left off.
LIST_MAX_BYTES = 4 * PASSIVE_REPLY_MAX_BYTES
OPEN, FINISHED = "open", "finished"
# 2, 第2篇, 打开3, 看第十二个, 选二: a number, in digits or in words up to 99.
_NUMBER = re.compile(r"(?:我)?(?:选|要|看|打开|学)?第?(?P<n>\d{1,2}|[一二两三四五六七八九十]{1,3})"
                     r"(?:个|篇|号|条|课|项)?(?:吧|的|啊|呀)?")
_DIGITS = {c: n for n, c in enumerate("零一二三四五六七八九")} | {"两": 2}


class State(StrEnum):
    CHOOSING = "choosing"


def past(msg: Incoming, ctx: Context) -> TextReply:
    """往期: the numbered list of the lessons given lately, newest first, with how to open one."""
    given = study_history.history(ctx.session, ctx.card.id, LIST_MAX)
    if not given:
        return TextReply(f"{ctx.card.name}，您还没有收到过学习资料。发“学习”看今天的学习资料。")
    return TextReply(_start(ctx, msg.openid, given, OPEN))


def which_finished(msg: Incoming, ctx: Context) -> TextReply:
    """我学完了 when no lesson was given today: which one, from the list of those given lately;
    a member never given one gets the lesson to start with."""
    given = study_history.history(ctx.session, ctx.card.id, LIST_MAX)
    if not given:
        return TextReply(lessons.first_lesson(ctx))
    return TextReply(_start(ctx, msg.openid, given, FINISHED))


def _start(ctx: Context, openid: str, given: list[Given], then: str) -> str:
    return DIALOG.start(ctx, openid, State.CHOOSING, {"lessons": [g.lesson.id for g in given], "then": then})


def _question(ctx: Context, data: dict) -> str:
    found = study_history.given(ctx.session, ctx.card.id, data["lessons"])
    listed = [found.get(lesson_id) for lesson_id in data["lessons"]]
    if data["then"] == FINISHED:
        heading = f"{ctx.card.name}，今天还没有给您发学习资料。您学完的是哪一篇？请回复序号："
    else:
        # received, not necessarily studied: only a finish (学完了) says they studied it
        heading = f"{ctx.card.name}，您最近收到的学习资料（新的在前），回复序号再看一篇："
    lines = (_line(g) for g in listed)
    return numbered_list(heading, lines, len(listed), lambda left: f"\n还有{left}篇更早的没有列出。",
                         limit=LIST_MAX_BYTES) + "\n" + _how_to_answer(data)


def _how_to_answer(data: dict) -> str:
    if data["then"] == FINISHED:
        return "回复序号记下学完的那一篇；想学新的，发“学习”。"
    return "回复序号打开，例如回复“1”；想学新的，发“学习”。"


def _line(given: Given | None) -> str:
    if given is None:  # a lesson taken out of the library since the list was made
        return "（这篇资料已下架）"
    done = "（已学完）" if given.completed_at is not None else ""
    return f"{day(given.delivered_at)}{book_title(given.lesson.title)}{done}"


def _choose(msg: Incoming, ctx: Context, data: dict) -> Result:
    """The member's number: that lesson opened again, or recorded finished. 更多 reaches here
    only when no page of the list is waiting (``handlers.paging`` sends those first)."""
    if asks_more(msg.text or ""):
        return Stay(TextReply(f"{ctx.card.name}，往期列表已经全部发给您了（共{len(data['lessons'])}篇）。"
                              + _how_to_answer(data)))
    number = _number(msg.text)
    if number is None or not 1 <= number <= len(data["lessons"]):
        return UNCLEAR
    lesson_id = data["lessons"][number - 1]
    chosen = study_history.given(ctx.session, ctx.card.id, [lesson_id]).get(lesson_id)
    if chosen is None:
        return UNCLEAR
    now = ctx.clock.now()
    if data["then"] == FINISHED:
        return Done(TextReply(lessons.finish(ctx, chosen, now)))
    study_history.show(ctx.session, chosen, now)
    return Done(TextReply(lesson_text(ctx, chosen.lesson, f"您{day(chosen.delivered_at)}收到的这一篇：")))


def _number(text: str | None) -> int | None:
    """The number in an answer (2, ２, 第二篇, 十二, 打开3), or ``None``."""
    said = "".join(ch for ch in unicodedata.normalize("NFKC", text or "") if ch.isalnum())
    match = _NUMBER.fullmatch(said)
    if match is None:
        return None
    n = match["n"]
    if n.isdigit():
        return int(n)
    tens, _, ones = n.rpartition("十")
    if "十" not in n:
        return _DIGITS[n] if len(n) == 1 else None
    if len(tens) > 1 or len(ones) > 1:
        return None
    return (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[ones] if ones else 0)


DIALOG = Dialog(
    name="study_past",
    asks={State.CHOOSING: Ask("等党员回复一篇资料的序号", _question, _choose,
                              not_understood="没找到您说的那一篇。")},
    starts_in=(State.CHOOSING,),
    cancelled=lambda ctx, data: "好的。想学习随时发“学习”。",
)
