"""Greeting and menu (帮助 / 菜单): what the bot can do, generated from the handlers' usage lines."""
from __future__ import annotations

import re

from handlers import bind
from handlers.capability import Intent
from handlers.commands import usage_for
from handlers.context import Context, Incoming
from handlers.menu.vocabulary import VOCABULARY
from handlers.nlu.policy import Routing
from handlers.people import hotline
from handlers.replies import Reply, TextReply
from models.caseload import Caseload, caseload_of
from models.roles import Role

NAME = "menu"

# Custom-menu CLICK EventKeys -> intent they stand for (see ``menu`` in config.yaml).
MENU_KEYS = {
    "STUDY_TODAY": "study",
    "STUDY_NEXT": "study",
    "STUDY_RECORD": "study",
    "HELP_REQUEST": "help_request",
    "MY_INFO": "my_info",
    "UPDATE_INFO": "update_info",
    "MY_LIAISON": "liaison",
    "STATIONS": "station",
    "MENU": "menu",
}


# Thanks and acknowledgements need a word back, not the whole menu; a message that also asks
# what the bot can do still gets the menu ("帮助" is left out: 谢谢你们的帮助 is thanks).
THANKS = ("谢", "感恩", "麻烦你们了", "麻烦了", "辛苦了", "辛苦你们")
ACK = re.compile(r"(?:(?:嗯呐|嗯嗯|嗯|好的|好嘞|好滴|好哒|收到|收到了|知道了|明白了|ok|OK|好)[啦了呀哈的]*)+")
# A greeting by the time of day is answered in kind, not with the whole menu.
TIME_GREETINGS = {"早上好": "早上好！今天也注意安全。", "早安": "早上好！今天也注意安全。",
                  "中午好": "中午好！记得按时吃饭。", "下午好": "下午好！",
                  "晚上好": "晚上好！忙了一天，早点休息。", "晚安": "晚安，好好休息！",
                  "在吗": "在的！", "在么": "在的！", "在不在": "在的！", "在嘛": "在的！"}
GREETING_CHARS = re.compile(r"^(?:各位|大家|你们|您们)|[啊呀哈呢吖]+$")
ASKS_FOR_MENU = ("菜单", "功能", "怎么", "什么", "哪些", "说明", "选项", "首页", "干啥")
FRIENDLY_CLOSE = "有事随时发消息给我，发“菜单”可以看全部功能。"


def handle(msg: Incoming, ctx: Context) -> Reply:
    """Greeting and the list of what the bot can do, from every handler's ``USAGE`` line; a
    bound member does not see the binding line, an unbound follower sees it first. Thanks get a
    short warm word instead, and so do greetings by the time of day (:func:`courtesy_reply`); a
    liaison is told first what waits on them, and anyone with a role the commands of that role
    (``handlers.commands``)."""
    courtesy = courtesy_reply(msg.text)
    if courtesy is not None:
        return TextReply(courtesy)
    caseload = caseload_of(ctx.session, ctx.member) if Role.LIAISON in ctx.roles else None
    commands = "\n".join(f"· {line}" for line in usage_for(ctx.commands, ctx.roles))
    if caseload is not None or commands:
        role = _caseload_text(caseload) if caseload is not None else ""
        said = f"\n您可以发：\n{commands}" if commands else ""
        greeting = f"{ctx.card.name}，您好！{role}{said}\n您本人也可以直接发："
    elif ctx.card is not None:
        greeting = f"{ctx.card.name}，您好！我是流动党员服务助手，您可以直接发："
    else:
        greeting = "您好！我是流动党员服务助手，您可以直接发："
    return TextReply(f"{greeting}\n{_listing(ctx)}\n着急的事请拨打{hotline(ctx)}。")


def courtesy_reply(text: str | None) -> str | None:
    """The answer to a message that only thanks, acknowledges or greets by the time of day
    ("谢谢", "收到了，谢谢你们", "好的", "晚安"), else ``None``."""
    word = courtesy_word(text)
    return f"{word}{FRIENDLY_CLOSE}" if word is not None else None


def courtesy_word(text: str | None) -> str | None:
    """The word back to a message that only thanks, acknowledges or greets (不客气！, 好的！,
    晚安，好好休息！), without the closing line; ``None`` for any other message."""
    said = "".join(ch for ch in (text or "") if ch.isalnum())
    if not said or any(word in said for word in ASKS_FOR_MENU):
        return None
    greeting = TIME_GREETINGS.get(GREETING_CHARS.sub("", said))
    if greeting is not None:
        return greeting
    if any(word in said for word in THANKS):
        return "不客气！"
    if ACK.fullmatch(said):
        return "好的！"
    return None


def _caseload_text(caseload: Caseload) -> str:
    if caseload.waiting == 0:
        waiting = "现在没有等您处理的求助，有新求助会马上通知您。"
    else:
        waiting = f"现在有{caseload.waiting}件求助等您处理，最新的编号：{'、'.join(caseload.newest)}。"
    return f"您是红色联络员，{waiting}请按求助通知里的电话直接给党员打电话。"


def _listing(ctx: Context) -> str:
    lines = [intent.usage for intent in ctx.intents if intent.usage and intent is not bind.INTENT]
    if ctx.card is None:
        lines.insert(0, bind.INTENT.usage)
    return "\n".join(f"· {line}" for line in lines)


INTENT = Intent(name=NAME, usage=None, offer=None,
                public=True, vocabulary=VOCABULARY,
                routing=Routing(offered=False, has_slots=False),
                handle=handle)
