"""The two questions a help request may ask before a ticket reaches the liaison.

Dialog ``help_request`` (state ``describing``): a bare ask (the 求助 menu button, "求助",
"帮帮我😭") asks what the difficulty is; the member's next message is the description, handed to
the help-request capability to file. An answer that says nothing (嗯嗯, 好) is asked again.

Dialog ``help_confirm`` (state ``confirming``): a difficulty recognised only by its resemblance
to labelled examples (``Route.guessed``) is confirmed before a liaison is bothered: an answer
that opens with yes (是的 麻烦了, 好 帮我转, 嗯) files the kept description, one that opens with
no (不用了谢谢, 不是, 别转了) drops it. Members on shifts answer hours later, so it waits
``CONFIRM_TIMEOUT``.

Cancel words, 帮助, a clear new request and the timeout are the engine's, as for every dialog.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from enum import StrEnum

from handlers.context import Context, Incoming, Route
from handlers.dialog_machine import (
    UNCLEAR,
    Ask,
    Dialog,
    Done,
    HandOff,
    Result,
    Stay,
    words,
)
from handlers.replies import TextReply
from models.tickets import TOPIC_NAMES

# The capability that files a described difficulty: the description is handed to it.
FILES_IT = "help_request"
# In the describing state these are the description itself, not another request.
DESCRIPTION_INTENTS = (FILES_IT, "unknown")
CANCEL_WORD = "取消"
ASK_WHAT = "请说说遇到了什么困难（比如：老板拖欠工资、孩子上学、看病），我马上转给您的联络员。"
CONFIRM_QUESTION = "这件事（{}）需要我转给您的红色联络员帮忙吗？回复“是”就转交，回复“不用”就不转。"
CONFIRM_TIMEOUT = dt.timedelta(hours=12)
LEADING_ASK = re.compile(r"^(?:求助|帮帮我|帮帮忙|帮个忙)(?:吧|啊|呀|了)*[\s:：,，。!！]*")
# A message that only asks for help and says nothing about the difficulty (punctuation, emoji
# and spaces removed first): 求助, 帮帮我, 救命啊, 我要求助.
# Repeated (求助求助求助) it still says nothing.
BARE_ASK = re.compile(r"(?:(?:我|我们|俺)?(?:要|想|需要)?(?:请|快|赶紧)?"
                      r"(?:求助|求救|救命|救救我|帮帮我|帮帮忙|帮个忙|帮帮|帮忙|帮助|帮我)"
                      r"(?:一下|下)?(?:啊|吧|呀|了|哇|呢)*)+")
# Acknowledgements that describe nothing (嗯嗯, 好, 好的, 哦).
ACK = re.compile(r"(?:嗯|恩|好|哦|噢|喔|啊|行|对|是|在|ok|好的|收到|知道了)+", re.IGNORECASE)
# Yes to "shall I pass this to your liaison?": an answer that opens with yes (是的 麻烦联络员了,
# 好 帮我转给联络员, 麻烦转一下, 嗯, 可以的) or asks to pass it on (帮我转给他).
YES = re.compile(r"^(?:是|对|要|需要|好|行|可以|嗯|恩|转|麻烦|请|ok|没问题|👍|👌|那你帮|那帮|帮我)|转给|转交|帮我转|转吧"
                 r"|帮我问|帮忙问|问问吧", re.IGNORECASE)
# No to it, checked first: an answer that opens with a refusal (不用了谢谢, 不是, 没有, 别转).
NO = re.compile(r"^(?:不|没(?!问题|事儿?吧)|算了|别|取消)")
DECLINED = "好的，这件事不转给联络员了。有什么难处随时发“求助”加上情况，我马上转给联络员。"


class Describing(StrEnum):
    DESCRIBING = "describing"


class Confirming(StrEnum):
    CONFIRMING = "confirming"


def description_in(text: str | None) -> str | None:
    """What the liaison reads ("求助：老板拖欠工资" -> "老板拖欠工资"), or ``None`` when the text
    only asks for help."""
    text = (text or "").strip()
    said = words(text)
    if not said or BARE_ASK.fullmatch(said) or ACK.fullmatch(said):
        return None
    return LEADING_ASK.sub("", text) or text


def ask_what(msg: Incoming, ctx: Context) -> str:
    """Start the describing question; its first asking names the member."""
    return f"{ctx.member.name}，{DESCRIBE.start(ctx, msg.openid, Describing.DESCRIBING, {})}"


def ask_to_confirm(msg: Incoming, ctx: Context, said: str, topic: str) -> str:
    """Start the confirming question for description ``said`` of ``topic`` (one of
    ``HELP_TOPICS``); its first asking names the member."""
    question = CONFIRM.start(ctx, msg.openid, Confirming.CONFIRMING, {"description": said, "topic": topic})
    return f"{ctx.member.name}，{question}"


def _describe(msg: Incoming, ctx: Context, data: dict) -> Result:
    """The member's answer to "what is the difficulty?" (``ctx.route`` is the answer, routed)."""
    if ctx.route is not None and ctx.route.intent not in DESCRIPTION_INTENTS:
        return UNCLEAR
    if description_in(msg.text) is None:
        return Stay(TextReply(_what(ctx, data)))
    # described: filed at once, even when only the examples recognised it
    return HandOff(route=replace(ctx.route or Route(intent=FILES_IT), intent=FILES_IT, guessed=False))


def _confirm(msg: Incoming, ctx: Context, data: dict) -> Result:
    """The member's answer to "shall I pass this to your liaison?"."""
    said = words(msg.text) or (msg.text or "").strip()  # 👍 alone is an answer too
    if NO.search(said):
        return Done(TextReply(DECLINED))
    if YES.search(said):
        return HandOff(route=Route(intent=FILES_IT, slots={"help_topic": data["topic"]}),
                       text=data["description"])
    return UNCLEAR


def _what(ctx: Context, data: dict) -> str:
    return f"{ASK_WHAT}不需要了请发“{CANCEL_WORD}”。"


DESCRIBE = Dialog(
    name="help_request",
    asks={Describing.DESCRIBING: Ask("等党员说遇到的困难", _what, _describe)},
    starts_in=(Describing.DESCRIBING,),
    cancelled=lambda ctx, data: "好的，已取消。需要帮助时随时发“求助”。",
)
CONFIRM = Dialog(
    name="help_confirm",
    asks={Confirming.CONFIRMING: Ask(
        "等党员说要不要转给联络员", lambda ctx, data: CONFIRM_QUESTION.format(TOPIC_NAMES[data["topic"]]), _confirm)},
    starts_in=(Confirming.CONFIRMING,),
    cancelled=lambda ctx, data: DECLINED,
    timeout=CONFIRM_TIMEOUT,
)
