"""党费 (dues)."""
from __future__ import annotations

from handlers.context import Context, Incoming
from handlers.replies import Reply, TextReply

INTENT = "dues"
USAGE = "党费 —— 查党费怎么交"
PUBLIC = False
KEYWORDS: dict[str, float] = {'党费': 3}


def handle(msg: Incoming, ctx: Context) -> Reply:
    hotline = ctx.settings.district.service_hotline
    return TextReply(f"党费的事请联系您所在支部，或拨打服务热线 {hotline}。")
