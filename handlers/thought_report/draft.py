"""Writing a thought report over several messages: dialog ``thought_report``.

``collecting``: each message (typed, or a voice message's recognised text) is a paragraph of
the draft, kept in the dialog; 提交 (写完了, 就这些) goes to ``confirming``, which shows the
draft's length, beginning and end and waits for 确认 — then it is handed in whole
(``handlers.thought_report.submit``). 继续写 goes back to writing; a long message while
confirming is one more paragraph. A draft past ``thought_report.max_chars`` takes no more: the
paragraph that would pass it is refused, the rest kept.

A member may write over an evening: the draft waits :data:`DRAFT_TIMEOUT`, counted again from
each paragraph, and every question says so. A short message that the router reads as another
request (我的积分, 学习 — at most :data:`REQUEST_MAX` words) ends the dialog, as the engine's
rule says, and its ``dropped`` line tells how much of the draft was not handed in; a longer one
is always a paragraph. 取消, 帮助 and the timeout are the engine's, as for every dialog.
"""
from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum

from handlers import unknown
from handlers.context import Context, Incoming
from handlers.dialog_machine import (
    UNCLEAR,
    Ask,
    Dialog,
    Done,
    GoTo,
    HandOff,
    Result,
    Stay,
    words,
)
from handlers.dialogs.help_request import ACK
from handlers.replies import TextReply
from handlers.thought_report import phrases
from handlers.thought_report.mine import mine_text
from handlers.thought_report.submit import hand_in, refused_text
from models.thought_reports import Fault, refusal
from models.thought_reports.limits import length, word_count

NAME = "thought_report"
DRAFT_TIMEOUT = dt.timedelta(hours=24)
# Messages this short (in words) that the router reads as another request are one; longer ones
# are paragraphs whatever they mention.
REQUEST_MAX = 12
# The preview shows this much of the draft's beginning and end.
HEAD_CHARS, TAIL_CHARS = 40, 20
HOURS = DRAFT_TIMEOUT // dt.timedelta(hours=1)
KEPT = f"草稿保存 {HOURS} 小时（每发一段重新计时），超时没提交会作废。"


class State(StrEnum):
    COLLECTING = "collecting"
    CONFIRMING = "confirming"


def _draft(data: dict) -> str:
    return "\n".join(data.get("parts", []))


def _size(data: dict) -> str:
    return f"{len(data.get('parts', []))} 段，共 {length(_draft(data))} 字"


def _so_far(data: dict) -> str:
    return f"已写 {_size(data)}。" if data.get("parts") else ""


def _collect_question(ctx: Context, data: dict) -> str:
    nxt = "接着发下一段" if data.get("parts") else "请发第一段"
    return f"{_so_far(data)}{nxt}；写完发“提交”，不写了发“取消”。{KEPT}"


def _preview(ctx: Context, data: dict) -> str:
    text = _draft(data)
    if len(text) <= HEAD_CHARS + TAIL_CHARS:
        shown = f"内容是“{text}”"
    else:
        shown = f"开头是“{text[:HEAD_CHARS]}…”，结尾是“…{text[-TAIL_CHARS:]}”"
    return (f"请确认：这篇思想汇报共 {len(data['parts'])} 段、{len(text)} 字，{shown}。"
            f"回复“确认”交给支部书记；还要补充就接着发；不交了发“取消”。{KEPT}")


def start(msg: Incoming, ctx: Context, first: str | None = None) -> str:
    """Begin a draft for the sender (``first``: its first paragraph, already said) and return
    how to write it with the question."""
    limits, each = ctx.settings.thought_report, ctx.settings.points.each("thought_report")
    earns = f"交一篇记 {each} 分，" if each > 0 else ""
    data = {"parts": [first]} if first else {}
    intro = ("这段我先记下了。" if first else
             f"{ctx.card.name}，写思想汇报可以一段一段发给我（打字、语音都行），我先替您记着；"
             "也可以一条消息发“思想汇报：”加上全文。")
    question = DIALOG.start(ctx, msg.openid, State.COLLECTING, data)
    return f"{intro}{earns}一篇最多 {limits.max_chars} 字。\n{question}"


# A message opening with 求助 (or 我要求助) asks for help in so many words: a trial's member wrote
# "求助 老板拖欠了三个月工资 现在没钱吃饭了…" mid-draft and it became a paragraph nobody read.
ASKS_FOR_HELP = re.compile(r"\s*(?:我要|我想|想)?求助")


def _new_request(msg: Incoming, ctx: Context) -> bool:
    """A short message the router reads as another request (the engine hands it on)."""
    route = ctx.route
    return (route is not None and route.intent not in (NAME, unknown.NAME) and not route.guessed
            and word_count(msg.text or "") <= REQUEST_MAX)


def _add(msg: Incoming, ctx: Context, data: dict) -> tuple[dict, str | None]:
    """``data`` with the message as one more paragraph (a heading left off), or the unchanged
    data and why the paragraph was not taken."""
    text = (msg.text or "").strip()
    text = phrases.headed_body(text, 1) or text
    draft = _draft({"parts": [*data.get("parts", []), text]})
    refused = refusal(draft, ctx.settings.thought_report)
    if refused is not None and refused.fault is Fault.TOO_LONG:
        so_far = "，或者发“提交”交已经写好的部分" if data.get("parts") else ""
        return data, (f"加上这段一共 {refused.length} 字，超过了一篇最多 {refused.limit} 字的上限，这段没有记下。"
                      f"请把这段缩短后再发{so_far}。")
    return {"parts": [*data.get("parts", []), text]}, None


def _collect(msg: Incoming, ctx: Context, data: dict) -> Result:
    """A paragraph, 提交, or a word about the report itself."""
    said = words(ctx.route.normalised if ctx.route is not None else msg.text)
    if phrases.SUBMIT.fullmatch(said):
        return _to_confirm(ctx, data)
    limits = ctx.settings.thought_report
    if phrases.headed_body(msg.text or "", limits.min_chars) is None and phrases.names_the_report(said) \
            and word_count(said) <= REQUEST_MAX + 4:
        if phrases.MINE.search(said):
            return Stay(TextReply(f"{mine_text(ctx)}\n{_collect_question(ctx, data)}"))
        # 思想汇报 again: the same start once more, or, with a draft, where it stands
        return Stay(TextReply(f"您正在写思想汇报。{_collect_question(ctx, data)}")) if data.get("parts") else HandOff()
    if _new_request(msg, ctx):
        return UNCLEAR
    if ASKS_FOR_HELP.match(msg.text or ""):  # 求助 … however long: a help request, never a paragraph
        return HandOff()
    if not words(msg.text) or ACK.fullmatch(said):
        return Stay(TextReply(f"收到。{_collect_question(ctx, data)}"))
    kept, problem = _add(msg, ctx, data)
    if problem:
        return Stay(TextReply(f"{problem}\n{_collect_question(ctx, data)}"))
    return GoTo(State.COLLECTING, TextReply(f"收到第 {len(kept['parts'])} 段。{_collect_question(ctx, kept)}"), kept)


def _to_confirm(ctx: Context, data: dict) -> Result:
    if not data.get("parts"):
        return Stay(TextReply(f"还没有写内容呢。{_collect_question(ctx, data)}"))
    refused = refusal(_draft(data), ctx.settings.thought_report)
    if refused is not None:
        return Stay(TextReply(f"{refused_text(refused)}\n{_collect_question(ctx, data)}"))
    return GoTo(State.CONFIRMING, TextReply(_preview(ctx, data)), data)


def _confirm(msg: Incoming, ctx: Context, data: dict) -> Result:
    """确认 hands it in; 继续写 goes back; a paragraph-long message is added to it."""
    said = words(ctx.route.normalised if ctx.route is not None else msg.text)
    if phrases.CONTINUE.match(said):
        return GoTo(State.COLLECTING, TextReply(f"好的，接着写。{_collect_question(ctx, data)}"), data)
    if (phrases.CONFIRM.match(said) or phrases.SUBMIT.fullmatch(said)) and word_count(said) <= REQUEST_MAX:
        return Done(TextReply(hand_in(ctx, _draft(data))))
    if _new_request(msg, ctx) or word_count(msg.text or "") < ctx.settings.thought_report.min_chars:
        return UNCLEAR
    kept, problem = _add(msg, ctx, data)
    if problem:
        return Stay(TextReply(f"{problem}\n{_preview(ctx, data)}"))
    return GoTo(State.CONFIRMING, TextReply(f"收到，补充进去了。{_preview(ctx, kept)}"), kept)


def _dropped(ctx: Context, data: dict) -> str:
    if not data.get("parts"):
        return ""
    return f"刚才写的思想汇报（{_size(data)}）还没有提交，没有保存；想交的话请重新发“思想汇报”。"


def _expired(ctx: Context, data: dict) -> str:
    what = f"（{_size(data)}）" if data.get("parts") else ""
    return (f"刚才写的思想汇报{what}超过 {HOURS} 小时没有提交，草稿已作废。想交的话请重新发“思想汇报”，"
            "也可以一条消息发“思想汇报：”加上全文。")


DIALOG = Dialog(
    name=NAME,
    asks={
        State.COLLECTING: Ask("等党员一段一段写思想汇报", _collect_question, _collect,
                              {State.COLLECTING: "一段 — 记下，再等下一段", State.CONFIRMING: "提交 — 预览"}),
        State.CONFIRMING: Ask("等党员确认预览", _preview, _confirm,
                              {State.CONFIRMING: "又一段 — 补充后再预览", State.COLLECTING: "继续写"},
                              not_understood="没看懂您的意思。"),
    },
    starts_in=(State.COLLECTING,),
    cancelled=lambda ctx, data: "好的，这篇思想汇报没有提交，写的内容已放弃。想交的时候再发“思想汇报”。",
    timeout=DRAFT_TIMEOUT,
    dropped=_dropped,
    expired=_expired,
)
