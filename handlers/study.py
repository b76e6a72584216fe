"""Study (学习): today's lesson from the library, with its link."""
from __future__ import annotations

from handlers.context import Context, Incoming
from handlers.replies import Reply, TextReply

INTENT = "study"
USAGE = "学习 —— 看今天的学习资料"
PUBLIC = False
KEYWORDS: dict[str, float] = {"学习": 3, "课": 2, "视频": 2}


def handle(msg: Incoming, ctx: Context) -> Reply:
    return TextReply("今天的学习资料正在准备中。")
