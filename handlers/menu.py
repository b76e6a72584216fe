"""Greeting and menu (帮助 / 菜单): what the bot can do, generated from the handlers' usage lines."""
from __future__ import annotations

from handlers.context import Context, Incoming
from handlers.replies import Reply, TextReply

INTENT = "menu"
USAGE = None
PUBLIC = True
KEYWORDS: dict[str, float] = {"菜单": 3, "帮助": 3, "你好": 2, "功能": 2, "使用说明": 3}

# Custom-menu CLICK EventKeys -> intent they stand for (see ``menu`` in config.yaml).
MENU_KEYS = {
    "STUDY_TODAY": "study",
    "HELP_REQUEST": "help_request",
    "MY_INFO": "update_info",
    "MY_LIAISON": "liaison",
    "STATIONS": "station",
    "MENU": "menu",
}


def handle(msg: Incoming, ctx: Context) -> Reply:
    from handlers.registry import usage_lines

    greeting = f"{ctx.member.name}，您好！" if ctx.member else "您好！"
    lines = "\n".join(f"· {line}" for line in usage_lines())
    return TextReply(f"{greeting}我是流动党员服务助手，您可以直接发：\n{lines}")
