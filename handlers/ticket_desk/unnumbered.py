"""A liaison's (secretary's, township contact's) answer without a ticket number — an engine stage
after dialogs and before the router's intents (``handlers.engine``).

Words that answer a case ("好的 明天去劳动监察大队", "已经联系了"; ``vocabulary.answers_a_case``)
from someone holding open tickets (``holder_id``):

- one or several: the bot asks which (the dialog :data:`WHICH`: "是答复张某的求助吗" for one,
  the tickets numbered as a list for several, ``models.tickets.desk_list``); the words wait in
  the dialog, and nothing reaches a member until they confirm or pick one ("1", "是", "第2个";
  "取消" drops it). Never passed on unasked: words that only look like an answer (a liaison's
  own trouble, a contact note naming someone else, a mistyped command) must not reach a member;
- none: the message goes on as anyone's — except words the router took for a help request,
  which are not filed for the liaison themself without help words of their own: they are told
  how to ask for help if that is what they meant.
"""
from __future__ import annotations

import enum
import re

from handlers import help_request
from handlers.context import Context, Incoming
from handlers.dialog_machine import UNCLEAR, Ask, Dialog, Done, Result, words
from handlers.replies import Reply, TextReply
from handlers.ticket_desk.relay import relay
from handlers.ticket_desk.vocabulary import answers_a_case
from models.roles import Role
from models.tickets import (
    SETTLED,
    TOPIC_NAMES,
    Ticket,
    held_open,
    reach_of,
    remember_list,
)

DESK_ROLES = frozenset({Role.LIAISON, Role.SECRETARY, Role.TOWNSHIP})
NOT_FILED = ("您手上现在没有未办完的求助，这句话没有转给谁，也没有登记成求助。如果是您自己遇到了困难，"
             "请发“求助”加上情况（如“求助 孩子上学的事”），我转给支部的同志；发“我的工单”看您能处理的求助。")
# A choice: 1, 第2个, 3号, 一; "是" when there is one ticket to choose.
CHOICE = re.compile(r"第?(\d{1,3}|[一二三四五六七八九十])(?:个|件|号|条)?")
NUMERALS = "一二三四五六七八九十"
YES = frozenset({"是", "是的", "对", "对的", "嗯", "好", "好的", "是这件", "对是这件"})


class Which(enum.StrEnum):
    CHOOSING = "choosing"


def answers_without_number(msg: Incoming, ctx: Context) -> Reply | None:
    """The stage: an unnumbered answer from someone holding tickets (see the module
    docstring); ``None`` for anything else, which goes on to the next stages."""
    if not ctx.roles & DESK_ROLES or not answers_a_case(ctx.route, msg.text):
        return None
    tickets = held_open(ctx.session, ctx.member)
    if not tickets:
        return TextReply(NOT_FILED) if ctx.route.intent == help_request.NAME else None
    now = ctx.clock.now()
    remember_list(ctx.session, ctx.member.id, [t.id for t in tickets], now)
    data = {"words": msg.text.strip(), "ids": [t.id for t in tickets]}
    return TextReply(WHICH.start(ctx, msg.openid, Which.CHOOSING, data))


def _question(ctx: Context, data: dict) -> str:
    tickets = [ctx.session.get(Ticket, i) for i in data["ids"]]
    if len(tickets) == 1:
        t = tickets[0]
        return (f"您这句话是答复{t.member.name}的求助吗（编号 {t.number}，{TOPIC_NAMES[t.topic]}）？"
                f"是的话回复“1”，我转告{t.member.name}；不是请发“取消”。")
    lines = "\n".join(f"{n}. {t.number} {t.member.name} {TOPIC_NAMES[t.topic]}" for n, t in enumerate(tickets, 1))
    return (f"您手上有{len(tickets)}件未办完的求助，这句话是答复哪一件？回复序号，我转告本人：\n{lines}\n"
            "不是答复求助请发“取消”。")


def _choose(msg: Incoming, ctx: Context, data: dict) -> Result:
    chosen = _chosen_id(words(msg.text), data["ids"])
    if chosen is None:
        return UNCLEAR
    ticket = ctx.session.get(Ticket, chosen)
    actor = reach_of(ctx.session, ctx.member).actor_for(ticket) if ticket is not None else None
    if actor is None or ticket.status in SETTLED:
        return Done(TextReply(f"编号 {ticket.number if ticket else ''} 已经办结或不在您手上了，刚才那句话没有转给党员。"))
    return Done(TextReply(relay(ctx, ticket, data["words"], actor, resolved=False)))


def _chosen_id(said: str, ids: list[int]) -> int | None:
    if said in YES and len(ids) == 1:
        return ids[0]
    match = CHOICE.fullmatch(said)
    if match is not None:
        digit = match.group(1)
        position = int(digit) if digit.isdigit() else NUMERALS.index(digit) + 1
        return ids[position - 1] if 1 <= position <= len(ids) else None
    return None


WHICH = Dialog(
    name="desk_which",
    asks={Which.CHOOSING: Ask(about="这句答复给哪件求助", question=_question, step=_choose,
                              not_understood="没看懂您选的是哪一件。")},
    starts_in=(Which.CHOOSING,),
    cancelled=lambda ctx, data: "好的，这句话没有转给党员。",
    dropped=lambda ctx, data: "（刚才那句话没有转给党员。）",
    expired=lambda ctx, data: ("刚才问您那句话是答复哪件求助，超过30分钟没有选，那句话没有转给党员；"
                               "需要的话请发“回复 编号 内容”。"),
)
