"""思想汇报 (thought_report)."""
from __future__ import annotations

from handlers.context import Context, Incoming
from handlers.replies import Reply, TextReply

INTENT = "thought_report"
USAGE = "思想汇报 —— 提交思想汇报"
PUBLIC = False
KEYWORDS: dict[str, float] = {'思想汇报': 3, '汇报': 2}


def handle(msg: Incoming, ctx: Context) -> Reply:
    hotline = ctx.settings.district.service_hotline
    return TextReply(f"思想汇报的事请联系您所在支部，或拨打服务热线 {hotline}。")
