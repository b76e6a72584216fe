"""志愿服务 (activity_report)."""
from __future__ import annotations

from handlers.context import Context, Incoming
from handlers.replies import Reply, TextReply

INTENT = "activity_report"
USAGE = "志愿服务 —— 报一件好事"
PUBLIC = False
KEYWORDS: dict[str, float] = {'志愿': 3, '好事': 2, '五个一': 3}


def handle(msg: Incoming, ctx: Context) -> Reply:
    hotline = ctx.settings.district.service_hotline
    return TextReply(f"志愿服务的事请联系您所在支部，或拨打服务热线 {hotline}。")
