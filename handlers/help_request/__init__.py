"""Help requests (求助): a ticket for the member's red liaison.

A request with a description files at once. A bare ask (the 求助 menu button, "求助", "帮帮我😭")
asks what the difficulty is first, and a difficulty recognised only by its resemblance to
labelled examples, no word of it (``Route.guessed``: 我老婆生了 is no request, 站点扣了我八百块罚款
is), is confirmed before a liaison is bothered: the two dialogs of ``handlers.dialogs.help_request``.
The same request again while its ticket still waits is not filed twice
(``models.tickets.filing``).
"""
from __future__ import annotations

import re

from handlers import crisis, liaison, update_info
from handlers.capability import Intent, Offer
from handlers.context import Context, Incoming
from handlers.dialogs.help_request import ask_to_confirm, ask_what, description_in
from handlers.help_request.progress import (
    asks_progress,
    fastest_call,
    my_requests,
)
from handlers.help_request.vocabulary import VOCABULARY
from handlers.nlu.policy import Cue, Routing
from handlers.people import hotline
from handlers.replies import Reply, TextReply
from models.clock import beijing_deadline
from models.contacts import contacts_for
from models.tickets import (
    HELP_TOPICS,
    TOPIC_NAMES,
    Filed,
    Outcome,
    file_help_request,
)
from models.tickets.routing import STEP_TITLES
from models.tickets.sla import Sla

NAME = "help_request"


# Danger now (被车撞了, 流血, 着火, 煤气中毒): the emergency numbers come before anything else.
EMERGENCY = re.compile(r"撞了|车祸|流血|出血|昏迷|晕倒|不省人事|昏过去|被打|打人|动刀|着火|火灾|煤气|中毒|骨折|摔下来|掉下来|喘不上气")
EMERGENCY_FIRST = "如果有人受伤或正在危险中，请先拨打 120（急救）或 110（报警）。\n"


def handle(msg: Incoming, ctx: Context) -> Reply:
    """A help request: with a description, open the ticket now (:func:`file_ticket`); a bare
    ask (or the 求助 menu button, which has no text) asks what the difficulty is first. Asking
    how their requests are going (我的求助办得咋样了) is told where they stand instead
    (``progress.my_requests``)."""
    if asks_progress(msg, ctx):
        return my_requests(ctx)
    if _complains_of_liaison(msg.text, ctx):
        return liaison.complaint_reply(ctx)
    said = description_in(msg.text)
    if said is None:
        return TextReply(ask_what(msg, ctx))
    if ctx.route is not None and ctx.route.guessed:
        return TextReply(f"{_emergency_first(msg.text)}{ask_to_confirm(msg, ctx, said, _topic(ctx))}")
    return file_ticket(said, ctx)


def _topic(ctx: Context) -> str:
    """The router's ``help_topic`` slot, or ``other``."""
    topic = ctx.route.slots.get("help_topic") if ctx.route else None
    return topic if topic in HELP_TOPICS else "other"


def file_ticket(description: str, ctx: Context, topic: str | None = None) -> Reply:
    """Open a ticket assigned to the member's liaison — ``topic`` (one of ``HELP_TOPICS``), by
    default the router's ``help_topic`` slot, else ``other`` — and tell the member its number,
    who has it in hand (the holder) and by when they will call, in Beijing time (明天上午9点前,
    1小时内) (``models.tickets.file_help_request`` decides whether it is new, a
    duplicate or more of an open case). Words of despair (``handlers.crisis``) are filed as
    ``other`` of urgency ``crisis`` and answered with the lifeline first; said again while that
    ticket waits, the words are added to it and the liaison told again."""
    said = (ctx.route.normalised if ctx.route and ctx.route.normalised else None) or description
    if crisis.speaks_of_it(said):
        return _with_lifeline(_file_crisis(description, ctx))
    reply = _file(description, ctx, topic or _topic(ctx))
    moved = None
    if ctx.route is not None and ctx.route.offer == update_info.NAME:
        moved = update_info.record_destination(ctx)
        if moved:
            ctx.route.offer = None  # done, not offered
    return TextReply(f"{_emergency_first(description)}{reply.text}" + (f"\n{moved}" if moved else ""))


def _emergency_first(text: str | None) -> str:
    return EMERGENCY_FIRST if EMERGENCY.search(text or "") else ""


def _with_lifeline(reply: TextReply) -> TextReply:
    return TextReply(f"{crisis.LIFELINE}\n{reply.text}")


def _file_crisis(description: str, ctx: Context) -> TextReply:
    filed = _filed(description, ctx, "other", "crisis")
    if filed.outcome is Outcome.NEW:
        return _told_new(filed, ctx)
    person = filed.ticket.holder
    told = f"已经再次请{person.name}马上联系您。" if filed.liaison_told else ""
    return TextReply(f"{told}{fastest_call(filed.ticket, ctx)}")


def _file(description: str, ctx: Context, topic: str) -> TextReply:
    filed = _filed(description, ctx, topic, "normal")
    ticket = filed.ticket
    if filed.outcome is Outcome.DUPLICATE:
        return TextReply(f"这件事已经登记过了（编号 {ticket.number}），正在等联络员处理，不用再发；"
                         f"{fastest_call(ticket, ctx)}")
    if filed.outcome is Outcome.ADDED:
        passed = f"并转给了{ticket.holder.name}" if filed.liaison_told else ""
        return TextReply(f"这件事已经在办（编号 {ticket.number}），您补充的情况已记上{passed}。"
                         f"{fastest_call(ticket, ctx)}")
    return _told_new(filed, ctx)


def _filed(description: str, ctx: Context, topic: str, urgency: str) -> Filed:
    return file_help_request(ctx.session, ctx.member, description, topic, urgency, now=ctx.clock.now(),
                             sla=_sla(ctx), notice_template_id=ctx.settings.wechat.templates["liaison_notice"])


def _sla(ctx: Context) -> Sla:
    return Sla.of(ctx.settings.liaison, ctx.settings.scheduler.timezone)


def _told_new(filed: Filed, ctx: Context) -> TextReply:
    ticket = filed.ticket
    received = f"已收到您的求助（{TOPIC_NAMES[ticket.topic]}），编号 {ticket.number}。"
    holder = filed.holder
    if holder.member is None:
        # Nobody can be notified by chat: say so, and give the member a number that answers.
        why = "您是支部唯一的红色联络员，" if holder.why == "own_request" else "您的支部还没有指定红色联络员，"
        return TextReply(f"{received}{why}求助已登记，工作人员会尽快跟进；着急的话请拨打{hotline(ctx)}。")
    person = holder.member
    if filed.liaison_told:
        title = "您的红色联络员" if holder.role == "liaison" else STEP_TITLES[holder.role]
        who = (f"已转给{title}{person.name}，{person.name}会在"
               f"{beijing_deadline(ticket.due_at, ctx.clock.now())}联系您")
        call = f"；着急的话可以直接打{person.name}的电话 {person.phone}。" if person.phone else "。"
        return TextReply(f"{received}{who}{call}")
    if person.phone:  # the liaison gets no WeChat notice: the member's call is the fastest way
        return TextReply(f"{received}您的红色联络员是{person.name}，还没有开通微信通知，"
                         f"请直接打{person.name}的电话 {person.phone}；求助已登记，工作人员会跟进。")
    return TextReply(f"{received}您的红色联络员是{person.name}，求助已登记，工作人员会尽快跟进；"
                     f"着急的话请拨打{hotline(ctx)}。")


def _complains_of_liaison(text: str | None, ctx: Context) -> bool:
    """投诉李某 about the member's own liaison: filing it would send it to that liaison."""
    name = contacts_for(ctx.session, ctx.member).liaison_name
    return bool(name) and liaison.COMPLAINT in (text or "") and name in (text or "")



INTENT = Intent(name=NAME, usage="求助 + 遇到的困难 —— 联络员会尽快联系您", offer=Offer("让联络员帮您解决困难", "求助"),
                public=False, vocabulary=VOCABULARY,
                routing=Routing(answered_first=True, outranks=("update_info",), negated_by=frozenset({Cue.RESOLVED})),
                handle=handle)
