"""Binding a WeChat follower to a roster member: 绑定 姓名 手机号, or an invitation QR code."""
from __future__ import annotations

from handlers.context import Context, Incoming
from handlers.replies import NoReply, Reply, TextReply

INTENT = "bind"
USAGE = "绑定 姓名 手机号 —— 第一次使用先绑定身份"
PUBLIC = True
KEYWORDS: dict[str, float] = {"绑定": 3, "登记": 2}

HOW_TO_BIND = "请发送“绑定 姓名 手机号”（例如：绑定 张某 13800001234）完成身份绑定。"


def ask_to_bind(msg: Incoming, ctx: Context) -> Reply:
    return TextReply(f"您还没有绑定党员身份。{HOW_TO_BIND}")


def handle(msg: Incoming, ctx: Context) -> Reply:
    return TextReply(HOW_TO_BIND)


def on_follow_or_scan(msg: Incoming, ctx: Context) -> Reply:
    return TextReply(f"欢迎关注！{HOW_TO_BIND}")


def on_unsubscribe(msg: Incoming, ctx: Context) -> Reply:
    return NoReply()
