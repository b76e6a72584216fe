"""Asking instead of guessing: when the router finds two intents too close to call, one short
question with numbered choices (the engine's clarify stage, ``handlers.engine``).

Dialog ``clarify``, state ``choosing``: the member answers with a number (1 / １ / 一 / 第二个) or
the intent's word (积分); the chosen intent then answers the words kept from the first message.
Cancel, 帮助, a clear new request and the timeout are the engine's, as for every dialog.
"""
from __future__ import annotations

import re
import unicodedata
from enum import StrEnum

from handlers.context import Context, Incoming, Route
from handlers.dialog_machine import UNCLEAR, Ask, Dialog, HandOff, Result
from handlers.replies import TextReply

CANCEL_WORD = "取消"
_NUMBERS = {"1": 0, "2": 1, "3": 2, "一": 0, "二": 1, "三": 2, "幺": 0, "两": 1}
# An answer naming a choice in at most this many characters (开会, 更新一下) only chooses; a longer
# one (我在湖北仙桃 不在三亚) carries its own details and is answered as itself.
ANSWER_MAX = 6
# A number answered as members say it: 2, 第二个, 选1, 我选第一项, 2号吧.
_NUMBER = re.compile(r"(?:我)?(?:选|要)?(?:第)?([123一二三两幺])(?:个|项|号|条|种)?(?:吧|啊|呀|的)?")


class State(StrEnum):
    CHOOSING = "choosing"


def ask(msg: Incoming, ctx: Context, choices: list[str], labels: list[str]) -> TextReply:
    """Start the question: which of ``choices`` (intents, best first, 2–3 of them, each shown
    as its ``labels`` line) the member means. The message's text and slots are kept for the
    chosen intent to answer."""
    data = {"choices": choices, "labels": labels, "text": msg.text,
            "slots": ctx.route.slots if ctx.route else {}}
    return TextReply(DIALOG.start(ctx, msg.openid, State.CHOOSING, data))


def _choose(msg: Incoming, ctx: Context, data: dict) -> Result:
    """The member's answer to the numbered question (``ctx.route`` is the answer, routed)."""
    text = unicodedata.normalize("NFKC", msg.text or "").strip().rstrip("。.、，, ")
    chosen = _chosen(text, ctx.route, data["choices"])
    if chosen is None:
        return UNCLEAR
    if ctx.route is not None and chosen == ctx.route.intent and (ctx.route.slots or len(text) > ANSWER_MAX):
        # an answer with news of its own (我在湖北仙桃 不在三亚): the news is the request
        return HandOff(route=ctx.route)
    return HandOff(route=Route(intent=chosen, slots=data.get("slots", {})), text=data.get("text"))


def _chosen(text: str, route: Route | None, choices: list[str]) -> str | None:
    number = _NUMBER.fullmatch(text)
    if number and _NUMBERS[number.group(1)] < len(choices):
        return choices[_NUMBERS[number.group(1)]]
    if route is not None and route.intent in choices:
        return route.intent
    return None


def _question(ctx: Context, data: dict) -> str:
    lines = "\n".join(f"{n}. {label}" for n, label in enumerate(data["labels"], 1))
    return f"您是想办哪件事？\n{lines}\n请回复数字，或发“{CANCEL_WORD}”。"


DIALOG = Dialog(
    name="clarify",
    asks={State.CHOOSING: Ask("等党员选一个数字", _question, _choose,
                              not_understood="没看明白您选的是哪一个。")},
    starts_in=(State.CHOOSING,),
    cancelled=lambda ctx, data: "好的，已取消。有需要随时发“菜单”看全部功能。",
)
