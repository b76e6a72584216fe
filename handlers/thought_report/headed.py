"""思想汇报：…… in one message, as a member command (``handlers.commands``): a report headed so,
with its colon, is handed in whatever words it holds. Through the router its words competed with
every intent's — 组织关系 in it read as a transfer, a new city as a move, 义务清扫 as a volunteer
activity — and the report was lost (seen in a trial); a command is matched before the router and
any dialog. A heading without a colon (思想汇报 这个季度…) still goes through the router
(``handlers.thought_report``), where a question about reports is told apart."""
from __future__ import annotations

import re

from handlers.commands import Command
from handlers.context import Context, Incoming
from handlers.replies import Reply, TextReply
from handlers.thought_report import draft, phrases
from handlers.thought_report.submit import hand_in
from models.roles import Role

# The heading and its colon, as folded (full-width colon and brackets half-width, one space):
# 思想汇报：…, 交思想汇报:…, 我的思想汇报如下：…, 思想汇报（第四季度）：…
SYNTAX = re.compile(rf"(?:我的|我)?(?:要|想)?(?:提交|上交|递交|交)? ?(?:一[篇份])? ?{phrases.REPORT_NAME}(?:如下)?"
                    r"(?: ?[(【\[][^)】\]]{0,20}[)】\]])? ?[:：].*", re.S)


def handle(msg: Incoming, ctx: Context, args: dict[str, str]) -> Reply:
    """Hand the report in (``handlers.thought_report.submit``); the heading alone opens a draft."""
    body = phrases.headed_body(msg.text or "", ctx.settings.thought_report.min_chars)
    if body is None:
        return TextReply(draft.start(msg, ctx))
    return TextReply(hand_in(ctx, body))


HEADED = Command(name="thought_report_headed", syntax=SYNTAX, roles=frozenset({Role.MEMBER}),
                 usage="思想汇报：全文 —— 一条消息交思想汇报", handle=handle)
