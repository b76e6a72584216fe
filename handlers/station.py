"""阳光驿站 (station)."""
from __future__ import annotations

from handlers.context import Context, Incoming
from handlers.replies import Reply, TextReply

INTENT = "station"
USAGE = "驿站 —— 找附近的阳光驿站"
PUBLIC = True
KEYWORDS: dict[str, float] = {'驿站': 3, '阳光驿站': 3}


def handle(msg: Incoming, ctx: Context) -> Reply:
    hotline = ctx.settings.district.service_hotline
    return TextReply(f"阳光驿站的事请联系您所在支部，或拨打服务热线 {hotline}。")
