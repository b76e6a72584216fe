"""Role commands that name a help request by its ticket number (``handlers.commands``).

A red liaison (a secretary, a township contact) answers by chat: "Q20261129003 已经联系了
明天陪他去劳动监察大队". The words beside the number are the answer, passed on to the member
(``handlers.ticket_desk.relay``: the ticket is answered, claimed on the way when new; the answer
counts as getting in touch with the member, 定时联系); words saying it is settled (已解决, 办结,
办好了) settle it; a number alone shows the request again. The same rules as the desk's 回复 /
办结 (``handlers.ticket_desk``): only a ticket in the sender's reach (``models.tickets.scope``),
and a settled ticket takes no more words.

A member who quotes their own ticket's number (Q20261129001 怎么还没人联系我) is told where it
stands — a liaison quoting their own request too. A member who is no liaison sending a
liaison's answer is that member asking.
"""
from __future__ import annotations

import re

from handlers.commands import Command
from handlers.context import Context, Incoming
from handlers.help_request.progress import where_it_stands
from handlers.replies import Reply, TextReply
from handlers.ticket_desk import DESK_ROLES
from handlers.ticket_desk.pick import not_found
from handlers.ticket_desk.relay import relay
from handlers.ticket_desk.syntax import NAMES_A_TICKET, NUMBER, number_in
from models.roles import Role
from models.tickets import (
    SETTLED,
    TOPIC_NAMES,
    as_the_liaison_reads,
    members_ticket,
    reach_of,
    ticket_numbered,
)

# The request is settled: 已解决, 解决了, 办结了, 办好了, 处理完了, 结案.
SETTLED_WORDS = re.compile(r"(?:已|已经)?(?:解决|办结|办好|办妥|处理完|处理好|搞定|结案)(?:了)?")
HOW_TO = "答复党员请发“编号 + 答复内容”，办结了请发“编号 已解决”。"


def answer(msg: Incoming, ctx: Context, args: dict[str, str]) -> Reply:
    """Record the answer to the ticket ``args["number"]`` names and tell the sender it reached
    the member; a number alone shows the ticket; a number out of reach is said to be unknown;
    the sender's own ticket is where it stands."""
    number = number_in(args["number"])
    ticket = ticket_numbered(ctx.session, number)
    if ticket is not None and ticket.member_id == ctx.member.id:
        return where_it_stands(ticket, number, ctx)
    actor = reach_of(ctx.session, ctx.member).actor_for(ticket) if ticket is not None else None
    if actor is None:
        return TextReply(not_found(number))
    said = NUMBER.sub("", msg.text or "", count=1).strip(" ：:，,。")
    member = ticket.member
    if not said:
        return TextReply(f"编号 {ticket.number}：{member.name}（电话 {member.phone or '未登记'}）求助"
                         f"{TOPIC_NAMES[ticket.topic]}：“{as_the_liaison_reads(ticket)}”。{HOW_TO}")
    resolved = SETTLED_WORDS.search(said) is not None
    # "Q… 已解决" says nothing more for the member than that it is settled
    passed_on = "" if SETTLED_WORDS.fullmatch(said) else said
    if ticket.status in SETTLED:  # nothing more reaches the member of a settled case
        if resolved and not passed_on:
            return TextReply(f"这件求助已经办结过了（编号 {ticket.number}），不用再发。党员如果还有困难，会重新求助。")
        return TextReply(f"这件求助已经办结了（编号 {ticket.number}），您的话没有转给{member.name}。"
                         f"还有话要说，请直接打{member.name}的电话 {member.phone or '（未登记）'}。")
    return TextReply(relay(ctx, ticket, passed_on, actor, resolved=resolved))


def status(msg: Incoming, ctx: Context, args: dict[str, str]) -> Reply:
    """Where the member's own ticket ``args["number"]`` stands."""
    number = number_in(args["number"])
    return where_it_stands(members_ticket(ctx.session, ctx.member, number), number, ctx)


ANSWER = Command(
    name="ticket_answer", syntax=NAMES_A_TICKET, roles=DESK_ROLES, handle=answer,
    usage="编号 + 答复 —— 转告党员，如“Q20261129001 已联系”；办结发“编号 已解决”，只发编号看求助内容")
STATUS = Command(
    name="ticket_status", syntax=NAMES_A_TICKET, roles=frozenset({Role.MEMBER}), handle=status,
    usage="编号 —— 问自己的求助办得怎么样了")
