"""组织关系转接 (transfer_relation)."""
from __future__ import annotations

from handlers.context import Context, Incoming
from handlers.replies import Reply, TextReply

INTENT = "transfer_relation"
USAGE = "转关系 —— 办理组织关系转接"
PUBLIC = False
KEYWORDS: dict[str, float] = {'转接': 3, '组织关系': 3, '转关系': 3}


def handle(msg: Incoming, ctx: Context) -> Reply:
    hotline = ctx.settings.district.service_hotline
    return TextReply(f"组织关系转接的事请联系您所在支部，或拨打服务热线 {hotline}。")
