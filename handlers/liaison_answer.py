"""A red liaison answers a help request by chat: "Q20261129003 已经联系了 明天陪他去劳动监察大队".

The ticket number names the request; the words after it are the answer, passed on to the member
(``models.tickets.record_liaison_answer``: the ticket is answered, claimed on the way when new).
Words saying it is settled (已解决, 办结, 办好了) resolve it. A number alone shows the request again.
Only the liaison the ticket is assigned to can answer it (``handlers.registry`` sends a
liaison's message here when it holds a ticket number).
"""
from __future__ import annotations

import re

from handlers.context import Context, Incoming
from handlers.replies import Reply, TextReply
from models.tickets import (
    TOPIC_NAMES,
    as_the_liaison_reads,
    liaisons_ticket,
    record_liaison_answer,
)

# The ticket number as models.tickets numbers it (Q + date + sequence), in any case, also with
# the Q left off (20261129003: no mobile number starts with 2) or mistyped (Q2026112901).
NUMBER = re.compile(r"[Qq](\d{6,14})(?!\d)|(?<![\dA-Za-z])(20\d{9})(?!\d)")
# The request is settled: 已解决, 解决了, 办结了, 办好了, 处理完了, 结案.
SETTLED = re.compile(r"(?:已|已经)?(?:解决|办结|办好|办妥|处理完|处理好|搞定|结案)(?:了)?")
HOW_TO = "答复党员请发“编号 + 答复内容”，办结了请发“编号 已解决”。"


def number_in(text: str | None) -> str | None:
    """The ticket number in ``text`` (``Q20261129003``), upper-cased, or ``None``."""
    match = NUMBER.search(text or "")
    return f"Q{match.group(1) or match.group(2)}" if match else None


def handle(msg: Incoming, ctx: Context) -> Reply:
    """Record the liaison's answer to the ticket named in ``msg.text`` and tell them it reached
    the member; a number alone shows the ticket; a number not theirs is said to be unknown."""
    number = number_in(msg.text)
    ticket = liaisons_ticket(ctx.session, ctx.member, number)
    if ticket is None:
        return TextReply(f"没有找到您负责的编号 {number} 的求助，请核对编号再发。")
    answer = NUMBER.sub("", msg.text or "", count=1).strip(" ：:，,。")
    member = ticket.member
    if not answer:
        return TextReply(f"编号 {ticket.number}：{member.name}（电话 {member.phone or '未登记'}）求助"
                         f"{TOPIC_NAMES[ticket.topic]}：“{as_the_liaison_reads(ticket)}”。{HOW_TO}")
    resolved = SETTLED.search(answer) is not None
    # "Q… 已解决" says nothing more for the member than that it is settled
    said = "" if SETTLED.fullmatch(answer) else answer
    record_liaison_answer(ctx.session, ticket, said, resolved=resolved, now=ctx.clock.now())
    told = f"并转告了{member.name}" if member.openid else f"{member.name}没有绑定微信，请电话告诉本人"
    done = "已把这件求助标为办结" if resolved else "已记下您的答复"
    return TextReply(f"{done}（编号 {ticket.number}），{told}。")
