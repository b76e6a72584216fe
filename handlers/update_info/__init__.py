"""Live update of a member's details by chat: destination city, phone, employer, reason for being
away, away-since date, coming home for good.

A destination, status, employer, reason or date is stored at once; a new phone only once the
member confirms it read back (``handlers.dialogs.phone_change``). Dialog ``update_info``
(``handlers.dialogs.update_info``) asks where a member who went out again has gone; dialog
``guided_update`` (``handlers.dialogs.guided_update``) walks through every detail in turn."""
from __future__ import annotations

import re

from handlers.capability import Intent, Offer
from handlers.context import Context, Incoming
from handlers.details_text import DESTINATION_FIELDS, already, describe, place
from handlers.dialogs import guided_update
from handlers.dialogs.phone_change import (
    CORRECTION,
    ask_number,
    bad_phone,
    grouped,
    number_attempt,
    read_back,
)
from handlers.dialogs.update_info import ask_where
from handlers.nlu.normalize import normalise
from handlers.nlu.policy import Cue, Routing
from handlers.nlu.slots import others_numbers
from handlers.replies import NoReply, Reply, TextReply
from handlers.update_info.vocabulary import VOCABULARY
from models.clock import SHANGHAI
from models.ledger import MOBILE
from models.member_details import (
    DetailError,
    away_reason_in,
    away_since_in,
    employer_in,
)
from models.member_updates import apply_changes
from models.places import split_destination
from models.whereabouts import came_home, left_again, move_to, shared_location

NAME = "update_info"

# Coming home for good (回老家了, 不在外面了, 以后就在村里) — GLOSSARY 流回: the member is no longer
# away. Not a visit (过年回来了, 回去住几天) and not a plan (打算回老家).
# (回来了 / 回家了 alone may be from work today: not counted; 回来了 现在在家 is home)
RETURNED = re.compile(r"回(?:到)?(?:老家|村里|村|家乡|县城|镇上)(?:了|啦|住|待|定居|种地|养老|发展)"
                      r"|不(?:在外(?:面|地|头|边)?|出去|往外跑)(?:了|干了|跑了|打工了)"
                      r"|回来了\W*(?:现在|已经|就|一直)?在家"
                      r"|以后(?:就)?在(?:家|村里|老家|镇上|县城)")
VISIT = re.compile(r"过年|春节|探亲|几天|请假|一趟|暂时|临时|打算|准备|想|要回|过段时间|下班|放学")
# Out again (又出去打工了, 我又出来了, 到外面干活了): away once more, city not yet said.
LEFT_AGAIN = re.compile(r"(?:又|重新|还是)?(?:出去|出来|到外面|去外面|去外地|到外地)(?:打工|干活|上班|挣钱|了|啦)")
# A move still to come (下个月去成都, 打算去成都打工, 明年想去成都): the ledger records where members
# are, so it waits until they are there — unless the message says they already are (已经到成都了).
PLAN = re.compile(r"(?:下个?月|下周|下星期|过几天|过两天|过段时间|过阵子|明年|年后|打算|准备|计划|想)"
                  r"[^，,。.!！？?]{0,4}?(?:去|到|搬)")
ARRIVED = re.compile(r"已经|现在在|目前在|到了|去了|来了|搬到了|搬过来|上个?月|上周|去年|前年")
WELCOME_HOME = "欢迎回家！以后村里的组织生活请按时参加。"
# A new number announced without the number (我换号了, 手机号换了, 新号码): asked for, not the walk.
NUMBER_CHANGED = re.compile(r"换(?:了)?(?:个)?(?:手机|电话)?号|(?:手机号?|电话|号码)(?:也|已经)?(?:换|改)了|新(?:手机)?号")


def handle(msg: Incoming, ctx: Context) -> Reply:
    """Store what the member says changed, with history, and confirm exactly what is now on file:
    the destination the router found (slots ``city``, ``province``), the employer (在顺丰物流上班了),
    the reason for being away (出来打工的) and since when (去年3月出来的; a date to come is
    refused, naming it) — read by ``models.member_details``. A new phone (slot ``phone``: only a
    number the member calls their own) is read back before it is stored
    (``handlers.dialogs.phone_change``). A number that is no 11-digit mobile is refused and asked
    for again (the rest of the message is kept); someone else's number (包工头的电话是…) changes
    nothing, and the member is told so. A phone another member also has is stored all the same:
    families share phones. Coming home for good (``RETURNED``, not a ``VISIT``) sets status
    ``returned`` and clears the destination; a new destination later sets it back to ``away``
    (the rules: ``models.whereabouts``). A request to update that names nothing (更新信息, the
    menu's button) starts the guided dialog (``handlers.dialogs.guided_update``)."""
    if not (msg.text or "").strip():  # the menu's 更新信息 button
        return TextReply(guided_update.start(msg, ctx))
    slots = ctx.route.slots if ctx.route else {}
    text = (ctx.route.normalised if ctx.route and ctx.route.normalised else None) or normalise(msg.text or "")
    now, who = ctx.clock.now(), msg.openid
    city = slots.get("city")
    if city and PLAN.search(text) and not ARRIVED.search(text):
        return TextReply(f"您是打算去{city}吧？等到了那边，再发“我在{city}”告诉我，我再登记。"
                         f"现在登记的流动去向还是：{place(ctx.member)}。")
    moved = move_to(ctx.session, ctx.member, city, slots.get("province"), now=now, source="chat",
                    changed_by=who)
    out_again = False
    if moved is None and RETURNED.search(text) and not VISIT.search(text):
        moved = came_home(ctx.session, ctx.member, now=now, source="chat", changed_by=who)
    elif moved is None and LEFT_AGAIN.search(text):
        moved = left_again(ctx.session, ctx.member, now=now, source="chat", changed_by=who)
        out_again = moved is not None
    detailed, said, refused = _details(msg, ctx)
    refusal = f"{refused}\n" if refused else ""
    if out_again:
        return TextReply(f"已为您更新：\n{describe(ctx.member, moved.fields | detailed)}\n{refusal}{ask_where(msg, ctx)}")
    phone = (slots.get("phone") or "").strip()
    phone = phone if MOBILE.fullmatch(phone) else ""
    new_phone = phone if phone and phone != ctx.member.phone else None
    bad = None if phone else number_attempt(msg.text)
    changed = (moved.fields if moved else frozenset()) | detailed
    if not (changed or new_phone):
        repeated = (DESTINATION_FIELDS if moved is not None else frozenset()) | (
            {"phone"} if phone else frozenset()) | said
        return _nothing_changed(msg, ctx, text, repeated, bad, refused)
    welcome = WELCOME_HOME if ctx.member.status == "returned" else ""
    done = (f"已为您更新：\n{describe(ctx.member, changed)}\n{welcome}" if changed else "") + refusal
    if new_phone:
        return TextReply(done + read_back(msg, ctx, new_phone))
    return TextReply(f"{done}{bad_phone(bad) if bad else CORRECTION}")


def _details(msg: Incoming, ctx: Context) -> tuple[frozenset[str], frozenset[str], str | None]:
    """Store the employer, away reason and away-since date ``msg`` gives (``models.member_details``).
    Returns the fields that changed, those said but already on file, and the sentence refusing a
    date that cannot be right (``None`` when there is none)."""
    values: dict[str, object] = {}
    refused = None
    employer, reason = employer_in(msg.text), away_reason_in(msg.text)
    if employer:
        values["employer"] = employer
    if reason:
        values["away_reason"] = reason
    try:
        since = away_since_in(msg.text, ctx.clock.now().astimezone(SHANGHAI).date())
    except DetailError as exc:
        since, refused = None, str(exc)
    if since:
        values["away_since"] = since
    changes = apply_changes(ctx.session, ctx.member, values, source="chat", changed_by=msg.openid,
                            now=ctx.clock.now())
    changed = frozenset(c.field for c in changes)
    return changed, frozenset(values) - changed, refused


def _nothing_changed(msg: Incoming, ctx: Context, text: str, repeated: frozenset[str], bad: str | None,
                     refused: str | None) -> TextReply:
    """What a member who changed nothing is told: exactly which details they said again as on
    file (``repeated``: the destination or the phone named, an employer, reason or date read),
    that ``bad`` is no mobile number, that a date is refused, that the number in ``text`` is
    someone else's, to send the new number when they said it changed without it; a request that
    names nothing to change starts the guided dialog."""
    said_again = repeated - {"employer", "away_reason", "away_since"}
    if said_again:
        return TextReply(already(ctx.member, repeated) + (f"\n{bad_phone(bad)}" if bad else ""))
    if bad or refused:
        return TextReply("\n".join(r for r in (refused, bad and bad_phone(bad)) if r))
    theirs = others_numbers(text)
    if theirs:
        return TextReply(f"{grouped(theirs[0].number)} 是别人的号码，您登记的手机号没有改。"
                         "如果是您自己的新号，请发“我的手机号换成”加号码；"
                         "有事要联络员帮忙，请发“求助”加上情况和这个号码。")
    if repeated:
        return TextReply(already(ctx.member, repeated))
    if NUMBER_CHANGED.search(text):
        return TextReply(ask_number(msg, ctx))
    return TextReply(guided_update.start(msg, ctx))


def record_destination(ctx: Context) -> str | None:
    """Store the city/province the router found with another request ("我到杭州了 老板欠我工资":
    the help request is answered, the move is not lost). Returns the line to add to that reply
    ("已把您的流动去向更新为：浙江 杭州。"), or ``None`` when nothing changed."""
    slots = ctx.route.slots if ctx.route else {}
    moved = move_to(ctx.session, ctx.member, slots.get("city"), slots.get("province"),
                    now=ctx.clock.now(), source="chat", changed_by=ctx.follower.openid)
    if moved is None or not moved.changes:
        return None
    return f"已把您的流动去向更新为：{place(ctx.member)}。"


def on_location(msg: Incoming, ctx: Context) -> Reply:
    """A shared location: its label (``广东省深圳市福田区…``) becomes the member's destination."""
    label = msg.location[2] if msg.location else None
    province, city, district = split_destination(label or "")
    if city is None:
        return TextReply("收到您的位置，但没看出是哪个城市。请直接告诉我，例如：“我现在在深圳”。")
    shared_location(ctx.session, ctx.member, province, city, district, now=ctx.clock.now(), source="chat",
                    changed_by=msg.openid)
    return TextReply(f"收到您的位置，已把流动去向更新为：{place(ctx.member)}。{CORRECTION}")


def on_location_event(msg: Incoming, ctx: Context) -> Reply:
    """The automatic LOCATION report (coordinates only, every few seconds while the chat is open):
    nothing to store without a place name, and WeChat shows no reply to it."""
    return NoReply()


INTENT = Intent(name=NAME, usage="我在某某市 / 电话换成1380000xxxx / 更新信息 —— 更新流动去向、手机号、工作单位",
                offer=Offer("更新流动去向或手机号", "更新"),
                public=False, vocabulary=VOCABULARY,
                routing=Routing(answered_first=True, negated_by=frozenset({Cue.UNCHANGED, Cue.THEIRS})),
                handle=handle)
