"""Help requests (求助): a ticket for the member's red liaison."""
from __future__ import annotations

from handlers.context import Context, Incoming
from handlers.replies import Reply, TextReply

INTENT = "help_request"
USAGE = "求助 + 遇到的困难 —— 联络员会尽快联系您"
PUBLIC = False
KEYWORDS: dict[str, float] = {"求助": 3, "帮帮": 3, "欠薪": 3, "工资": 2}


def handle(msg: Incoming, ctx: Context) -> Reply:
    return TextReply("已收到您的求助。")
