"""组织生活 (org_life)."""
from __future__ import annotations

from handlers.context import Context, Incoming
from handlers.replies import Reply, TextReply

INTENT = "org_life"
USAGE = "开会 —— 组织生活、请假和签到"
PUBLIC = False
KEYWORDS: dict[str, float] = {'开会': 2, '党日': 3, '组织生活': 3, '签到': 3, '请假': 2}


def handle(msg: Incoming, ctx: Context) -> Reply:
    hotline = ctx.settings.district.service_hotline
    return TextReply(f"组织生活的事请联系您所在支部，或拨打服务热线 {hotline}。")
