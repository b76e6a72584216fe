"""Changing the member's phone by chat — never without reading the new number back.

A member who says the number changed without giving it (我换号了) is asked for it
(:func:`ask_number`, state ``asking``): the number alone then answers and is read back, a number
that is no mobile number is named and asked for again.

A new number the member calls their own (the router's ``phone`` slot; someone else's number —
包工头的电话是… — never becomes one, see ``handlers.nlu.slots.someone_elses``) is not stored at once:
:func:`read_back` starts dialog ``phone_change`` (state ``confirming``) and asks
"您要把手机号从 138****1234 改成 137 1234 5678 吗？", the new number in the groups people read
numbers in, the old one masked. Then:

* 对 / 是 / 确认 / 没错 / 👍 (and the like, said alone) store it, with history;
* 不对 / 不是 / 错了 keep the phone on file, as every cancel word does (取消, 算了 …);
* another number replaces the pending one and is read back again;
* a number that is no mobile number is named and the question asked again.

A clear new request ends the question (its answer says the phone was not changed), anything
else asks it again, and it lapses after 30 minutes (a 对 after that is told so): the engine's
rules for every dialog (``handlers.dialog_machine``).
"""
from __future__ import annotations

import re
from enum import StrEnum

from handlers.context import Context, Incoming
from handlers.details_text import already, describe
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
from handlers.nlu.slots import phone as own_phone
from handlers.replies import TextReply
from models.ledger import MOBILE
from models.member import mask_phone
from models.member_updates import apply_changes
from models.places import clean
from models.verification.asks import SOURCE as VERIFICATION
from models.verification.asks import corrected_by_member
from models.verification.rounds import THANKS

# Every confirmation of a change of details ends with this (update_info's too).
CORRECTION = "如有不对，直接把正确的发给我就行。"
# Yes, said alone: 对, 对的, 是的, 对 没错, 确认, 👍 — not 是我老婆的号, which only opens with 是.
YES = re.compile(r"(?:对|是|确认|确定|没错|没问题|正确|好|行|嗯|恩|可以|改吧|改|ok|👍|👌)+"
                 r"(?:的|了|啊|呀|吧|哈|嗯|呢)*", re.IGNORECASE)
# No, at the start of the answer: 不对, 不是这个, 取消, 错了, 别改, 算了.
NO = re.compile(r"^(?:不对|不是|取消|错了|不改|别改|不用|不要|算了|没有|写错|说错|搞错|弄错)")
# A number the member meant as a phone but that is no mobile number (电话换成12345): digits after a
# phone word, or a run long enough not to be a house number (3栋1202). A ticket number
# (Q20261129017) is no phone attempt.
NUMBER_ATTEMPT = re.compile(r"(?:电话|手机|号码|换号|新号|改号)\D{0,4}?(\d[\d-]*\d|\d)|(?<![A-Za-z\d])(\d{5,})")


class State(StrEnum):
    ASKING = "asking"
    CONFIRMING = "confirming"


# The question when the member said the number changed but not what it is.
ASK_NUMBER = "请把新手机号发给我，例如：我的新号码是13800005678。"


def ask_number(msg: Incoming, ctx: Context) -> str:
    """Start the dialog waiting for the new number (state ``asking``) and return its question."""
    return DIALOG.start(ctx, msg.openid, State.ASKING, {})


def read_back(msg: Incoming, ctx: Context, phone: str, source: str = "chat") -> str:
    """Start (or restart) the question for ``phone`` (11 digits) and return its text. ``source``
    is the change's (``models.member_updates.SOURCES``): ``verification`` when the number
    answers a verification ask, which the confirmed number then ends as corrected."""
    return DIALOG.start(ctx, msg.openid, State.CONFIRMING, {"phone": phone, "source": source})


def _number(msg: Incoming, ctx: Context, data: dict) -> Result:
    """The member's answer to :data:`ASK_NUMBER`: their own new number is read back."""
    if ctx.member is None:
        return HandOff()
    number = own_phone(ctx.route.normalised) if ctx.route else None
    if number == ctx.member.phone:
        return Done(TextReply(already(ctx.member, frozenset({"phone"}))))
    if number:
        data = {"phone": number, "source": "chat"}
        return GoTo(State.CONFIRMING, TextReply(_question(ctx, data)), data)
    attempt = number_attempt(msg.text)
    if attempt:
        return Stay(TextReply(f"“{attempt}”不是有效的11位手机号。{ASK_NUMBER}"))
    return UNCLEAR


def _confirm(msg: Incoming, ctx: Context, data: dict) -> Result:
    """The member's answer to the read-back (``ctx.route`` is the answer, routed)."""
    if ctx.member is None:  # unbound since the question was asked: nobody's phone to change
        return HandOff()
    number = own_phone(ctx.route.normalised) if ctx.route else None
    if number and number != ctx.member.phone:
        data = {**data, "phone": number}
        return GoTo(State.CONFIRMING, TextReply(_question(ctx, data)), data)
    said = words(msg.text) or (msg.text or "").strip()  # 👍 alone is an answer too
    if NO.search(said) or number:  # the number on file sent again: nothing to change
        return Done(TextReply(_kept(ctx, data)))
    if YES.fullmatch(said):
        source, now = data.get("source", "chat"), ctx.clock.now()
        apply_changes(ctx.session, ctx.member, {"phone": data["phone"]}, source=source, changed_by=msg.openid,
                      now=now)
        verified = source == VERIFICATION and corrected_by_member(ctx.session, ctx.member.id, now)
        thanks = THANKS if verified else ""
        return Done(TextReply(f"已为您更新：\n{describe(ctx.member, frozenset({'phone'}))}\n{thanks}{CORRECTION}"))
    attempt = number_attempt(msg.text)
    if attempt:
        return Stay(TextReply(f"“{attempt}”不是有效的11位手机号。{_question(ctx, data)}"))
    return UNCLEAR


def _kept(ctx: Context, data: dict) -> str:
    kept = f"，还是 {mask_phone(ctx.member.phone)}" if ctx.member and ctx.member.phone else ""
    return f"好的，手机号没有改{kept}。要改的话，把您自己的新号码发给我就行。"


def grouped(phone: str) -> str:
    """``13712345678`` → ``137 1234 5678``: a mobile number as people read it out and check it."""
    return f"{phone[:3]} {phone[3:7]} {phone[7:]}"


def number_attempt(text: str | None) -> str | None:
    """The number in ``text`` meant as a phone that is no 11-digit mobile (``12345``,
    ``0471-5550001``), or ``None``. A mobile number is no failed attempt: when it is not the
    member's own (the router left it out of the ``phone`` slot), it is someone else's."""
    for match in NUMBER_ATTEMPT.finditer(clean(text)):
        number = match.group(1) or match.group(2)
        if not MOBILE.fullmatch(number):
            return number
    return None


def bad_phone(number: str) -> str:
    """What the member is told of a number that is no mobile number."""
    return f"“{number}”不是有效的11位手机号，手机号没有改。请再发一次，例如：手机号换成13800005678。"


def _question(ctx: Context, data: dict) -> str:
    old = ctx.member.phone if ctx.member else None
    change = f"从 {mask_phone(old)} 改成" if old else "登记为"
    return f"您要把手机号{change} {grouped(data['phone'])} 吗？回复“对”确认，回复“不对”不改。"


DIALOG = Dialog(
    name="phone_change",
    asks={State.ASKING: Ask("等党员发来新号码", lambda ctx, data: ASK_NUMBER, _number,
                            goes_to={State.CONFIRMING: "一个号码 — 读回"}),
          State.CONFIRMING: Ask("等党员确认读回的新号码", _question, _confirm,
                                goes_to={State.CONFIRMING: "另一个号码 — 重新读回"})},
    starts_in=(State.ASKING, State.CONFIRMING),
    cancelled=_kept,
    # nothing to say when no number was given yet
    dropped=lambda ctx, data: "刚才的新号码没有确认，手机号没有改；要改请再发一次新号码。" if data.get("phone") else "",
    expired=lambda ctx, data: "刚才的改号超时了，手机号没有改。请再发一次新号码。",
)
