"""Help requests (求助): a ticket for the member's red liaison.

A request with a description files at once. A bare ask (the 求助 menu button, "求助", "帮帮我😭")
starts dialog ``help_request`` (state ``describing``): the member's next message is the
description. 取消 (or 不需要了, 算了, 没事了) cancels; an answer that says nothing (嗯嗯, 好) is asked
again; a clear request of another kind is answered instead (the member has
moved on); the dialog expires like every dialog (handlers.dialogs).

A difficulty recognised only by its resemblance to labelled examples, no word of it
(``Route.guessed``: 我老婆生了 is no request, 站点扣了我八百块罚款 is) is confirmed before a
liaison is bothered: state ``confirming`` files the kept description on an answer that opens
with yes (是的 麻烦了, 好 帮我转, 嗯), drops it on one that opens with no (不用了谢谢, 不是, 算了), and
answers anything else as a new message. The same request again while its ticket still waits is
not filed twice (``models.tickets.waiting_duplicate``).
"""
from __future__ import annotations

import datetime as dt
import re
import sys
import unicodedata

from handlers import crisis, liaison, update_info
from handlers.capability import Intent, Offer
from handlers.context import Context, Incoming
from handlers.dialogs import end_dialog, register_dialog, start_dialog
from handlers.help_request.vocabulary import VOCABULARY
from handlers.nlu.policy import Cue, Routing
from handlers.people import hotline
from handlers.replies import Reply, TextReply
from models.contacts import contacts_for
from models.dialog import DialogState
from models.ticket import HELP_TOPICS, TOPIC_NAMES, Ticket
from models.tickets import (
    add_to_ticket,
    open_ticket,
    waiting_crisis,
    waiting_duplicate,
    waiting_same_matter,
)

NAME = "help_request"


LEADING_ASK = re.compile(r"^(?:求助|帮帮我|帮帮忙|帮个忙)(?:吧|啊|呀|了)*[\s:：,，。!！]*")
# A message that only asks for help and says nothing about the difficulty (punctuation, emoji
# and spaces removed first): 求助, 帮帮我, 救命啊, 我要求助.
# Repeated (求助求助求助) it still says nothing.
BARE_ASK = re.compile(r"(?:(?:我|我们|俺)?(?:要|想|需要)?(?:请|快|赶紧)?"
                      r"(?:求助|求救|救命|救救我|帮帮我|帮帮忙|帮个忙|帮帮|帮忙|帮助|帮我)"
                      r"(?:一下|下)?(?:啊|吧|呀|了|哇|呢)*)+")
# Acknowledgements that describe nothing (嗯嗯, 好, 好的, 哦): the question is asked again.
ACK = re.compile(r"(?:嗯|恩|好|哦|噢|喔|啊|行|对|是|在|ok|好的|收到|知道了)+", re.IGNORECASE)
# Giving up the request (不需要了, 算了不用了, 没事了, 取消吧), in any combination.
CANCEL = re.compile(r"(?:那|我|先)*(?:(?:取消|算了|不用|不需要|不要|没事儿?|不求助|不麻烦)"
                    r"(?:了|吧|啦|呀|哈|哦|你们?)*)+")
DIALOG = "help_request"
DESCRIBING = "describing"
CONFIRMING = "confirming"
# Yes to "shall I pass this to your liaison?": an answer that opens with yes (是的 麻烦联络员了,
# 好 帮我转给联络员, 麻烦转一下, 嗯, 可以的) or asks to pass it on (帮我转给他).
YES = re.compile(r"^(?:是|对|要|需要|好|行|可以|嗯|恩|转|麻烦|请|ok|没问题|👍|👌|那你帮|那帮|帮我)|转给|转交|帮我转|转吧"
                 r"|帮我问|帮忙问|问问吧", re.IGNORECASE)
# No to it, checked first: an answer that opens with a refusal (不用了谢谢, 不是, 没有, 算了, 别转).
NO = re.compile(r"^(?:不|没(?!问题|事儿?吧)|算了|别|取消)")
CANCEL_WORD = "取消"
# Danger now (被车撞了, 流血, 着火, 煤气中毒): the emergency numbers come before anything else.
EMERGENCY = re.compile(r"撞了|车祸|流血|出血|昏迷|晕倒|不省人事|昏过去|被打|打人|动刀|着火|火灾|煤气|中毒|骨折|摔下来|掉下来|喘不上气")
EMERGENCY_FIRST = "如果有人受伤或正在危险中，请先拨打 120（急救）或 110（报警）。\n"
CONFIRM_QUESTION = "这件事（{}）需要我转给您的红色联络员帮忙吗？回复“是”就转交，回复“不用”就不转。"
# Members on shifts answer hours later; only an answer that opens with yes or no is read as one
# (anything else is a new message), so the question may wait out a working day.
CONFIRM_TIMEOUT = dt.timedelta(hours=12)
ASK_WHAT = "请说说遇到了什么困难（比如：老板拖欠工资、孩子上学、看病），我马上转给您的联络员。"
# Intents that, in the help dialog, are the description itself rather than a new request.
DESCRIPTION_INTENTS = (NAME, "unknown")


def handle(msg: Incoming, ctx: Context) -> Reply:
    """A help request: with a description, open the ticket now (:func:`file_ticket`); a bare
    ask (or the 求助 menu button, which has no text) asks what the difficulty is first."""
    if _complains_of_liaison(msg.text, ctx):
        return liaison.complaint_reply(ctx)
    description = _description(msg.text)
    if description is None:
        start_dialog(ctx.session, msg.openid, DIALOG, DESCRIBING, {}, ctx.clock.now())
        return TextReply(f"{ctx.member.name}，{ASK_WHAT}不需要了请发“{CANCEL_WORD}”。")
    if ctx.route is not None and ctx.route.guessed:
        topic = _topic(ctx)
        start_dialog(ctx.session, msg.openid, DIALOG, CONFIRMING,
                     {"description": description, "topic": topic}, ctx.clock.now(),
                     timeout=CONFIRM_TIMEOUT)
        return TextReply(f"{_emergency_first(msg.text)}{ctx.member.name}，"
                         f"{CONFIRM_QUESTION.format(TOPIC_NAMES[topic])}")
    return file_ticket(description, ctx)


def continue_dialog(msg: Incoming, ctx: Context, state: DialogState) -> Reply:
    """The member's answer to "what is the difficulty?" (``ctx.route`` is the answer, routed)."""
    from handlers.registry import answer  # the registry imports this module

    if state.state == CONFIRMING:
        return _confirm(msg, ctx, state)
    if CANCEL.fullmatch(_words(msg.text)):
        end_dialog(ctx.session, msg.openid)
        return TextReply("好的，已取消。需要帮助时随时发“求助”。")
    if ctx.route is not None and ctx.route.intent not in DESCRIPTION_INTENTS:
        end_dialog(ctx.session, msg.openid)
        return answer(msg, ctx)
    description = _description(msg.text)
    if description is None:
        return TextReply(f"{ASK_WHAT}不需要了请发“{CANCEL_WORD}”。")
    end_dialog(ctx.session, msg.openid)
    return file_ticket(description, ctx)


def _confirm(msg: Incoming, ctx: Context, state: DialogState) -> Reply:
    """The member's answer to "shall I pass this to your liaison?"."""
    from handlers.registry import answer  # the registry imports this module

    words = _words(msg.text) or (msg.text or "").strip()  # 👍 alone is an answer too
    if NO.search(words):
        end_dialog(ctx.session, msg.openid)
        return TextReply("好的，这件事不转给联络员了。有什么难处随时发“求助”加上情况，我马上转给联络员。")
    if YES.search(words):
        end_dialog(ctx.session, msg.openid)
        return file_ticket(state.data["description"], ctx, state.data["topic"])
    if ctx.route is None or ctx.route.intent in ("unknown", "menu"):
        # neither an answer nor a new request: the question still stands
        return TextReply(f"{CONFIRM_QUESTION.format(TOPIC_NAMES[state.data['topic']])}")
    end_dialog(ctx.session, msg.openid)
    return answer(msg, ctx)


def _topic(ctx: Context) -> str:
    """The router's ``help_topic`` slot, or ``other``."""
    topic = ctx.route.slots.get("help_topic") if ctx.route else None
    return topic if topic in HELP_TOPICS else "other"


def file_ticket(description: str, ctx: Context, topic: str | None = None) -> Reply:
    """Open a ticket assigned to the member's liaison — ``topic`` (one of ``HELP_TOPICS``), by
    default the router's ``help_topic`` slot, else ``other`` — and tell the member its number
    and who will call them. Words of despair (``handlers.crisis``) are flagged for the liaison,
    filed as ``other`` due within ``crisis.SLA_HOURS``, and answered with the lifeline first;
    said again while that ticket waits, the words are added to it and the liaison told again."""
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


def _fastest_call(ticket: Ticket, ctx: Context) -> str:
    person = ticket.liaison.member if ticket.liaison else None
    if person and person.phone:
        return f"着急的话可以直接打{person.name}的电话 {person.phone}。"
    return f"着急的话请拨打{hotline(ctx)}。"


def _emergency_first(text: str | None) -> str:
    return EMERGENCY_FIRST if EMERGENCY.search(text or "") else ""


def _with_lifeline(reply: TextReply) -> TextReply:
    return TextReply(f"{crisis.LIFELINE}\n{reply.text}")


def _file_crisis(description: str, ctx: Context) -> TextReply:
    # the liaison reads the flag first: call now; the member's words say the rest
    flagged = f"{crisis.FLAG}{description}"
    earlier = waiting_duplicate(ctx.session, ctx.member, flagged) or waiting_crisis(ctx.session, ctx.member)
    if earlier is None:
        return _file(flagged, ctx, "other", sla=crisis.SLA_HOURS)
    add_to_ticket(ctx.session, earlier, description, now=ctx.clock.now())
    person = earlier.liaison.member if earlier.liaison else None
    told = f"已经再次请{person.name}马上联系您。" if person and person.openid else ""
    return TextReply(f"{told}{_fastest_call(earlier, ctx)}")


def _file(description: str, ctx: Context, topic: str, sla: int | None = None) -> TextReply:
    sla = sla or ctx.settings.liaison.sla_hours
    earlier = waiting_duplicate(ctx.session, ctx.member, description)
    if earlier is not None:
        return TextReply(f"这件事已经登记过了（编号 {earlier.number}），正在等联络员处理，不用再发；"
                         f"{_fastest_call(earlier, ctx)}")
    same = waiting_same_matter(ctx.session, ctx.member, topic)
    if same is not None:
        add_to_ticket(ctx.session, same, description, now=ctx.clock.now())
        person = same.liaison.member if same.liaison else None
        passed = f"并转给了{person.name}" if person and person.openid else ""
        return TextReply(f"这件事已经在办（编号 {same.number}），您补充的情况已记上{passed}。"
                         f"{_fastest_call(same, ctx)}")
    ticket = open_ticket(ctx.session, ctx.member, topic, description, now=ctx.clock.now(), sla_hours=sla,
                         notice_template_id=ctx.settings.wechat.templates["liaison_notice"])
    received = f"已收到您的求助（{TOPIC_NAMES[topic]}），编号 {ticket.number}。"
    if ticket.liaison is None:
        # Nobody can be notified by chat: say so, and give the member a number that answers.
        return TextReply(f"{received}您的支部还没有指定红色联络员，求助已登记，工作人员会尽快跟进；"
                         f"着急的话请拨打{hotline(ctx)}。")
    person = ticket.liaison.member
    if person.openid:
        who = f"已转给您的红色联络员{person.name}，{person.name}会在{sla}小时内联系您"
        call = f"；着急的话可以直接打{person.name}的电话 {person.phone}。" if person.phone else "。"
        return TextReply(f"{received}{who}{call}")
    if person.phone:  # the liaison gets no WeChat notice: the member's call is the fastest way
        return TextReply(f"{received}您的红色联络员是{person.name}，还没有开通微信通知，"
                         f"请直接打{person.name}的电话 {person.phone}；求助已登记，工作人员会跟进。")
    return TextReply(f"{received}您的红色联络员是{person.name}，求助已登记，工作人员会尽快跟进；"
                     f"着急的话请拨打{hotline(ctx)}。")


# What the member is told of their ticket's status.
STATUS_NOW = {"open": "正在等红色联络员{}处理", "claimed": "红色联络员{}已经接手",
              "replied": "红色联络员{}已经答复过您", "resolved": "红色联络员{}已经办结",
              "escalated": "已经转给支部跟进"}


def where_it_stands(ticket: Ticket | None, number: str, ctx: Context) -> Reply:
    """The member quotes their ticket's ``number`` (Q20261129001 怎么还没人联系我): where it
    stands, and the fastest way to a person; a number that is not theirs (``ticket`` None) is
    said to be unknown."""
    if ticket is None:
        return TextReply(f"没有找到您的编号 {number} 的求助，请核对编号；有新的困难，直接发“求助”加上情况。")
    person = ticket.liaison.member if ticket.liaison else None
    status = STATUS_NOW[ticket.status].format(person.name if person else "")
    if ticket.status == "resolved":
        nxt = "如果还没解决，直接发“求助”加上情况，我再转给联络员。"
    else:
        nxt = _fastest_call(ticket, ctx)
    return TextReply(f"您的求助（编号 {ticket.number}，{TOPIC_NAMES[ticket.topic]}）{status}。{nxt}")


def _description(text: str | None) -> str | None:
    """What the liaison reads ("求助：老板拖欠工资" -> "老板拖欠工资"), or ``None`` when the text
    only asks for help."""
    text = (text or "").strip()
    words = _words(text)
    if not words or BARE_ASK.fullmatch(words) or ACK.fullmatch(words):
        return None
    return LEADING_ASK.sub("", text) or text


def _complains_of_liaison(text: str | None, ctx: Context) -> bool:
    """投诉李某 about the member's own liaison: filing it would send it to that liaison."""
    name = contacts_for(ctx.session, ctx.member).liaison_name
    return bool(name) and liaison.COMPLAINT in (text or "") and name in (text or "")


def _words(text: str | None) -> str:
    """Letters, digits and CJK only: punctuation, emoji and spaces say nothing about the case."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text or "") if unicodedata.category(ch)[0] in "LN")


INTENT = Intent(name=NAME, usage="求助 + 遇到的困难 —— 联络员会尽快联系您", offer=Offer("让联络员帮您解决困难", "求助"),
                public=False, vocabulary=VOCABULARY,
                routing=Routing(answered_first=True, outranks=("update_info",), negated_by=frozenset({Cue.RESOLVED})),
                handle=handle)
register_dialog(DIALOG, sys.modules[__name__])
