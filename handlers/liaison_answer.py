"""Role commands that name a help request by its ticket number (``handlers.commands``).

A red liaison answers by chat: "Q20261129003 已经联系了 明天陪他去劳动监察大队". The words beside
the number are the answer, passed on to the member (``models.tickets.record_liaison_answer``: the ticket is answered, claimed on the way
when new);
words saying it is settled (已解决, 办结, 办好了) close it; a number alone shows the request again.
Only the liaison the ticket is assigned to can answer it. An answer counts as getting in touch
with the member (定时联系: ``models.liaison_contacts.record_contact``, kind ``reply``).

A member who quotes their own ticket's number (Q20261129001 怎么还没人联系我) is told where it
stands. A member who is no liaison sending a liaison's answer is that member asking.
"""
from __future__ import annotations

import re

from handlers.commands import Command
from handlers.context import Context, Incoming
from handlers.help_request.progress import where_it_stands
from handlers.replies import Reply, TextReply
from models.liaison_contacts import record_contact
from models.roles import Role
from models.tickets import (
    OPEN,
    TOPIC_NAMES,
    as_the_liaison_reads,
    liaisons_ticket,
    members_ticket,
    record_liaison_answer,
)

# The ticket number as models.tickets numbers it (Q + date + sequence), in any case, also with
# the Q left off (20261129003: no mobile number starts with 2) or mistyped (Q2026112901).
NUMBER = re.compile(r"[Qq](\d{6,14})(?!\d)|(?<![\dA-Za-z])(20\d{9})(?!\d)")
# A message holding a ticket number, anywhere in it.
NAMES_A_TICKET = re.compile(rf"(?:.*?)(?P<number>{NUMBER.pattern}).*", re.DOTALL)
# The request is settled: 已解决, 解决了, 办结了, 办好了, 处理完了, 结案.
SETTLED = re.compile(r"(?:已|已经)?(?:解决|办结|办好|办妥|处理完|处理好|搞定|结案)(?:了)?")
HOW_TO = "答复党员请发“编号 + 答复内容”，办结了请发“编号 已解决”。"


def number_in(text: str | None) -> str | None:
    """The ticket number in ``text`` (``Q20261129003``), upper-cased, or ``None``."""
    match = NUMBER.search(text or "")
    return f"Q{match.group(1) or match.group(2)}" if match else None


def answer(msg: Incoming, ctx: Context, args: dict[str, str]) -> Reply:
    """Record the liaison's answer to the ticket ``args["number"]`` names and tell them it
    reached the member; a number alone shows the ticket; a number not theirs is said to be
    unknown."""
    number = number_in(args["number"])
    ticket = liaisons_ticket(ctx.session, ctx.member, number)
    if ticket is None:
        return TextReply(f"没有找到您负责的编号 {number} 的求助，请核对编号再发。")
    said = NUMBER.sub("", msg.text or "", count=1).strip(" ：:，,。")
    member = ticket.member
    if not said:
        return TextReply(f"编号 {ticket.number}：{member.name}（电话 {member.phone or '未登记'}）求助"
                         f"{TOPIC_NAMES[ticket.topic]}：“{as_the_liaison_reads(ticket)}”。{HOW_TO}")
    resolved = SETTLED.search(said) is not None
    # "Q… 已解决" says nothing more for the member than that it is settled
    passed_on = "" if SETTLED.fullmatch(said) else said
    if resolved and not passed_on and ticket.status not in OPEN:  # said again: nothing new to pass on
        return TextReply(f"这件求助已经办结过了（编号 {ticket.number}），不用再发。党员如果还有困难，会重新求助。")
    now = ctx.clock.now()
    record_liaison_answer(ctx.session, ticket, passed_on, resolved=resolved, now=now)
    record_contact(ctx.session, member.id, ctx.card.id, "reply",
                   f"{'办结' if resolved else '答复'}求助 {ticket.number}" + (f"：{passed_on}" if passed_on else ""), now)
    told = f"并转告了{member.name}" if member.openid else f"{member.name}没有绑定微信，请电话告诉本人"
    done = "已把这件求助标为办结" if resolved else "已记下您的答复"
    return TextReply(f"{done}（编号 {ticket.number}），{told}。")


def status(msg: Incoming, ctx: Context, args: dict[str, str]) -> Reply:
    """Where the member's own ticket ``args["number"]`` stands."""
    number = number_in(args["number"])
    return where_it_stands(members_ticket(ctx.session, ctx.member, number), number, ctx)


ANSWER = Command(
    name="ticket_answer", syntax=NAMES_A_TICKET, roles=frozenset({Role.LIAISON}), handle=answer,
    usage="编号 + 答复内容 —— 把答复转告党员，如“Q20261129001 已联系 明天去劳动监察大队”；"
          "办结了发“编号 已解决”，只发编号看求助内容")
STATUS = Command(
    name="ticket_status", syntax=NAMES_A_TICKET, roles=frozenset({Role.MEMBER}), handle=status,
    usage="编号 —— 问自己的求助办得怎么样了")
