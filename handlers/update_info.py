"""Live update of a member's details by chat: destination city, phone."""
from __future__ import annotations

from handlers.context import Context, Incoming
from handlers.replies import NoReply, Reply, TextReply

INTENT = "update_info"
USAGE = "我在某某市 / 电话换成1380000xxxx —— 更新流动去向或手机号"
PUBLIC = False
KEYWORDS: dict[str, float] = {"电话": 2, "号码": 2, "打工": 2, "现在在": 2}


def handle(msg: Incoming, ctx: Context) -> Reply:
    return TextReply("请告诉我您现在所在的城市或新手机号。")


def on_location(msg: Incoming, ctx: Context) -> Reply:
    return TextReply("收到您的位置。")


def on_location_event(msg: Incoming, ctx: Context) -> Reply:
    return NoReply()
