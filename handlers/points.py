"""积分 (points)."""
from __future__ import annotations

from handlers.context import Context, Incoming
from handlers.replies import Reply, TextReply

INTENT = "points"
USAGE = "积分 —— 查我的积分"
PUBLIC = False
KEYWORDS: dict[str, float] = {'积分': 3}


def handle(msg: Incoming, ctx: Context) -> Reply:
    hotline = ctx.settings.district.service_hotline
    return TextReply(f"积分的事请联系您所在支部，或拨打服务热线 {hotline}。")
