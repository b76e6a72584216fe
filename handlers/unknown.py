"""The fallback: a friendly answer listing what the bot can do, for anything not understood."""
from __future__ import annotations

from handlers.context import Context, Incoming
from handlers.replies import Reply, TextReply

INTENT = "unknown"
USAGE = None
PUBLIC = True
KEYWORDS: dict[str, float] = {}


def handle(msg: Incoming, ctx: Context) -> Reply:
    return TextReply(
        "抱歉，这句话我还没看懂。您可以发“学习”看今天的学习资料，发“求助”加上遇到的困难，"
        "发“我在某某市”更新流动去向，或发“菜单”看全部功能。"
    )


def on_non_text(msg: Incoming, ctx: Context) -> Reply:
    """Images, links, files and voice without recognition text."""
    if msg.msg_type == "voice":
        return TextReply("语音没有听清楚，麻烦您再说一遍，或者直接打字发给我。发“菜单”可以看全部功能。")
    return TextReply("收到啦！我暂时只能看懂文字和语音。有事请直接打字告诉我，发“菜单”可以看全部功能。")
