"""The desk's commands on one ticket: 接单 (claim), 回复 (answer the member), 办结 (settle),
转 (hand on), 备注 (internal note). Each names the ticket by position or number
(``handlers.ticket_desk.pick``); bad input — no ticket, one out of reach, a claim twice, words
for a settled ticket — gets a reply saying so, and nothing changes.
"""
from __future__ import annotations

from handlers.context import Context, Incoming
from handlers.replies import Reply, TextReply
from handlers.ticket_desk.pick import Picked, pick
from handlers.ticket_desk.relay import relay
from handlers.ticket_desk.syntax import words_after_ticket
from models.tickets import (
    SETTLED,
    TOPIC_NAMES,
    Claim,
    as_the_liaison_reads,
    claim,
    colleagues,
    hand_over,
    named,
    note,
)


def _without_ticket(command: str, example: str) -> TextReply:
    return TextReply(f"请在“{command}”后面写上序号或编号，例如“{example}”；序号见“我的工单”。")


def claim_ticket(msg: Incoming, ctx: Context, args: dict[str, str]) -> Reply:
    """接单 N: a new or reopened ticket becomes the sender's, claimed; anything else is said
    (already theirs, someone else's, answered, settled) and left as it is."""
    if "ref" not in args:
        return _without_ticket("接单", "接单 1")
    picked = pick(ctx, args["ref"], "接单")
    if isinstance(picked, TextReply):
        return picked
    ticket, ref = picked.ticket, picked.ref
    outcome = claim(ctx.session, ticket, picked.actor, now=ctx.clock.now())
    member = ticket.member
    if outcome is Claim.CLAIMED:
        return TextReply(f"已接单（编号 {ticket.number}）：{member.name}（电话 {member.phone or '未登记'}）"
                         f"求助{TOPIC_NAMES[ticket.topic]}：“{as_the_liaison_reads(ticket)}”。请尽快电话联系"
                         f"{member.name}；答复党员发“回复 {ref} 内容”，办结发“办结 {ref} 小结”。")
    if outcome is Claim.ALREADY_YOURS:
        return TextReply(f"这件求助您已经接手了（编号 {ticket.number}，{member.name}），不用再接。"
                         f"答复党员发“回复 {ref} 内容”。")
    if outcome is Claim.HELD:
        holder = ticket.holder.name if ticket.holder else "别的同志"
        return TextReply(f"这件求助{holder}已经接手了（编号 {ticket.number}，{member.name}），没有改动。"
                         f"需要换人办，请发“转 {ref} 姓名”。")
    if outcome is Claim.ANSWERED:
        return TextReply(f"这件求助已经答复过{member.name}了（编号 {ticket.number}），不用接单；"
                         f"继续答复发“回复 {ref} 内容”，办完了发“办结 {ref} 小结”。")
    return TextReply(f"这件求助已经办结了（编号 {ticket.number}，{member.name}），不用接单。")


def reply_to_member(msg: Incoming, ctx: Context, args: dict[str, str]) -> Reply:
    """回复 N 文字: the words passed on to the member (``relay``); a settled ticket takes no
    more words."""
    if "ref" not in args:
        return _without_ticket("回复", "回复 1 已联系劳动监察大队，明天陪您去")
    picked = pick(ctx, args["ref"], "回复")
    if isinstance(picked, TextReply):
        return picked
    words = words_after_ticket(msg.text)
    if not words:
        return TextReply(f"请在序号后面写上要转告党员的话，例如“回复 {picked.ref} 已联系劳动监察大队，明天陪您去”。")
    settled = _settled(picked)
    return settled or TextReply(relay(ctx, picked.ticket, words, picked.actor, resolved=False))


def resolve(msg: Incoming, ctx: Context, args: dict[str, str]) -> Reply:
    """办结 N 小结: settled, the summary passed on to the member with the resolution notice."""
    if "ref" not in args:
        return _without_ticket("办结", "办结 1 工资已经要回来了")
    picked = pick(ctx, args["ref"], "办结")
    if isinstance(picked, TextReply):
        return picked
    if picked.ticket.status in SETTLED:
        return TextReply(f"这件求助已经办结过了（编号 {picked.ticket.number}），不用再发。")
    return TextReply(relay(ctx, picked.ticket, words_after_ticket(msg.text), picked.actor, resolved=True))


def hand_on(msg: Incoming, ctx: Context, args: dict[str, str]) -> Reply:
    """转 N 姓名: handed to another liaison of the member's branch or its secretary (书记), who
    is sent the ticket; the member is told who has it now."""
    if "ref" not in args or "name" not in args:
        return TextReply("请写上序号和要转给的人，例如“转 1 王某”，转给支部书记发“转 1 书记”；序号见“我的工单”。")
    picked = pick(ctx, args["ref"], "转")
    if isinstance(picked, TextReply):
        return picked
    ticket, name = picked.ticket, args["name"]
    if ticket.status in SETTLED:
        return TextReply(f"这件求助已经办结了（编号 {ticket.number}），不用再转。")
    candidates = colleagues(ctx.session, ticket)
    found = named(candidates, name)
    if len(found) != 1:
        who = "、".join(c.title for c in candidates) or "（本支部还没有别的联络员或书记）"
        many = f"有{len(found)}位{name}" if found else f"没有叫{name}的红色联络员或书记"
        return TextReply(f"{ticket.member.branch.name}{many}，没有改动。可以转给：{who}。")
    to = found[0]
    if to.person.id == ticket.holder_id:
        whose = "您" if to.person.id == ctx.member.id else to.person.name
        return TextReply(f"这件求助已经在{whose}手上了（编号 {ticket.number}），没有改动。")
    if not to.person.openid:
        return TextReply(f"{to.title}还没有绑定微信，转过去收不到通知，没有改动。请先请{to.person.name}绑定，或转给别人。")
    # The reason as typed (the folded text has lost its full-width punctuation).
    why = (msg.text or "").partition(name)[2].strip() if "why" in args else ""
    hand_over(ctx.session, ticket, to, picked.actor, now=ctx.clock.now(), why=why,
              notice_template_id=ctx.settings.wechat.templates["liaison_notice"])
    member = ticket.member
    told = f"也告诉了{member.name}现在由{to.person.name}办理" if member.openid else f"{member.name}没有绑定微信，请电话告诉本人"
    return TextReply(f"已把编号 {ticket.number}（{member.name}，{TOPIC_NAMES[ticket.topic]}）转给{to.title}，"
                     f"已通知{to.person.name}；{told}。")


def note_on(msg: Incoming, ctx: Context, args: dict[str, str]) -> Reply:
    """备注 N 文字: an internal note on the ticket, never sent to the member."""
    if "ref" not in args:
        return _without_ticket("备注", "备注 1 已电话联系，对方说月底结清")
    picked = pick(ctx, args["ref"], "备注")
    if isinstance(picked, TextReply):
        return picked
    words = words_after_ticket(msg.text)
    if not words:
        return TextReply(f"请在序号后面写上备注，例如“备注 {picked.ref} 已电话联系，对方说月底结清”。")
    note(ctx.session, picked.ticket, words, picked.actor, now=ctx.clock.now())
    return TextReply(f"已记下备注（编号 {picked.ticket.number}，{picked.ticket.member.name}），"
                     "只有办理的同志看得到，不会发给党员。")


def _settled(picked: Picked) -> TextReply | None:
    ticket = picked.ticket
    if ticket.status not in SETTLED:
        return None
    member = ticket.member
    call = f"，请直接打{member.name}的电话 {member.phone}" if member.phone else ""
    return TextReply(f"这件求助已经办结了（编号 {ticket.number}），您的话没有转给{member.name}。"
                     f"还有话要说{call}；{member.name}还有困难的话会重新求助。")
