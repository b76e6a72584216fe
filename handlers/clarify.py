"""Asking instead of guessing: when the router finds two intents too close to call, one short
question with numbered choices; and, when a message holds two requests, offering the second.

Dialog ``clarify`` (state ``choosing``): the member answers with a number (1 / １ / 一 / 第二个), the
intent's word (积分), or 取消. Anything else re-asks the question, unless it is a clear new
request, which is answered instead (the member has moved on). Expires like every dialog.
"""
from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import replace
from enum import StrEnum

from handlers.context import Context, Incoming, Route
from handlers.dialogs import end_dialog, register_dialog, start_dialog
from handlers.replies import Reply, TextReply
from models.dialog import DialogState

DIALOG = "clarify"
CANCEL_WORD = "取消"
MENU_LABEL = "菜单 —— 看全部功能"
_NUMBERS = {"1": 0, "2": 1, "3": 2, "一": 0, "二": 1, "三": 2, "幺": 0, "两": 1}
# An answer naming a choice in at most this many characters (开会, 更新一下) only chooses; a longer
# one (我在湖北仙桃 不在三亚) carries its own details and is answered as itself.
ANSWER_MAX = 6
# A number answered as members say it: 2, 第二个, 选1, 我选第一项, 2号吧.
_NUMBER = re.compile(r"(?:我)?(?:选|要)?(?:第)?([123一二三两幺])(?:个|项|号|条|种)?(?:吧|啊|呀|的)?")


class State(StrEnum):
    CHOOSING = "choosing"


def start(msg: Incoming, ctx: Context) -> Reply:
    """Ask which of the route's intent and alternatives the member means (``ctx.route.clarify``).

    Choices an unbound follower could not use are left out; with fewer than two left, the
    best one is answered directly."""
    from handlers.registry import BY_NAME, answer

    route = ctx.route
    choices = [i for i in [route.intent, *route.alternatives][:3]
               if ctx.member is not None or BY_NAME[i].public]
    if len(choices) < 2:
        return answer(msg, ctx)
    start_dialog(ctx.session, msg.openid, DIALOG, State.CHOOSING,
                 {"choices": choices, "text": msg.text, "slots": route.slots}, ctx.clock.now())
    return TextReply(_question(choices))


def continue_dialog(msg: Incoming, ctx: Context, state: DialogState) -> Reply:
    """The member's answer to the numbered question (``ctx.route`` is the answer, routed)."""
    from handlers.registry import answer

    choices: list[str] = state.data["choices"]
    text = unicodedata.normalize("NFKC", msg.text or "").strip().rstrip("。.、，, ")
    if text == CANCEL_WORD:
        end_dialog(ctx.session, msg.openid)
        return TextReply("好的，已取消。有需要随时发“菜单”看全部功能。")
    chosen = _chosen(text, ctx.route, choices)
    if chosen is not None:
        end_dialog(ctx.session, msg.openid)
        if ctx.route is not None and chosen == ctx.route.intent and (
                ctx.route.slots or len(text) > ANSWER_MAX):
            # an answer with news of its own (我在湖北仙桃 不在三亚): the news is the request
            return answer(msg, ctx)
        ctx.route = Route(intent=chosen, slots=state.data.get("slots", {}))
        return answer(replace(msg, text=state.data.get("text", msg.text)), ctx)
    if ctx.route is not None and ctx.route.intent not in ("unknown", "menu"):
        end_dialog(ctx.session, msg.openid)
        return answer(msg, ctx)
    return TextReply(f"没看明白您选的是哪一个。{_question(choices)}")


def with_offer(reply: Reply, ctx: Context) -> Reply:
    """``reply`` with one line offering the message's second request (``ctx.route.offer``):
    “另外，想{wish}，请再发“{word}”。” from the offered intent's ``offer`` (wish, word) — the
    wish a verb phrase that reads after 想, the word what to send. No offer when the follower
    could not use it yet (not bound), or when the reply already says to send that word (an
    unbound follower who wrote a phone number was just told to send “绑定 姓名 手机号”)."""
    from handlers.registry import BY_NAME

    route = ctx.route
    if route is None or route.offer is None or not isinstance(reply, TextReply):
        return reply
    intent = BY_NAME[route.offer]
    if ctx.member is None and not intent.public:
        return reply
    wish, word = intent.offer
    if f"“{word}”" in reply.text:
        return reply
    return TextReply(f"{reply.text}\n另外，想{wish}，请再发“{word}”。")


def _chosen(text: str, route: Route | None, choices: list[str]) -> str | None:
    number = _NUMBER.fullmatch(text)
    if number and _NUMBERS[number.group(1)] < len(choices):
        return choices[_NUMBERS[number.group(1)]]
    if route is not None and route.intent in choices:
        return route.intent
    return None


def _question(choices: list[str]) -> str:
    from handlers.registry import BY_NAME

    lines = "\n".join(f"{n}. {BY_NAME[i].usage or MENU_LABEL}" for n, i in enumerate(choices, 1))
    return f"您是想办哪件事？\n{lines}\n请回复数字，或发“{CANCEL_WORD}”。"


register_dialog(DIALOG, sys.modules[__name__])
