"""红色联络员 (liaison)."""
from __future__ import annotations

from handlers.context import Context, Incoming
from handlers.replies import Reply, TextReply

INTENT = "liaison"
USAGE = "联络员 —— 找我的红色联络员"
PUBLIC = True
KEYWORDS: dict[str, float] = {'联络员': 3, '人工': 3, '转人工': 3}


def handle(msg: Incoming, ctx: Context) -> Reply:
    hotline = ctx.settings.district.service_hotline
    return TextReply(f"红色联络员的事请联系您所在支部，或拨打服务热线 {hotline}。")
