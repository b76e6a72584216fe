"""Live update of a member's details by chat: destination city, phone, coming home for good.

A destination or status is stored at once; a new phone only once the member confirms it read back
(``handlers.dialogs.phone_change``). Dialog ``update_info`` (``handlers.dialogs.update_info``) asks
where a member who went out again has gone."""
from __future__ import annotations

import re

from handlers.capability import Intent, Offer
from handlers.context import Context, Incoming
from handlers.dialogs.phone_change import (
    CORRECTION,
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
from models.ledger import MOBILE
from models.member import Member
from models.places import split_destination
from models.whereabouts import came_home, left_again, move_to, shared_location

NAME = "update_info"

# Coming home for good (回老家了, 不在外面了, 以后就在村里) — GLOSSARY 流回: the member is no longer
# away. Not a visit (过年回来了, 回去住几天) and not a plan (打算回老家).
# (回来了 / 回家了 alone may be from work today: not counted)
RETURNED = re.compile(r"回(?:到)?(?:老家|村里|村|家乡|县城|镇上)(?:了|啦|住|待|定居|种地|养老|发展)"
                      r"|不(?:在外(?:面|地|头|边)?|出去|往外跑)(?:了|干了|跑了|打工了)"
                      r"|以后(?:就)?在(?:家|村里|老家|镇上|县城)")
VISIT = re.compile(r"过年|春节|探亲|几天|请假|一趟|暂时|临时|打算|准备|想|要回|过段时间")
# Out again (又出去打工了, 我又出来了, 到外面干活了): away once more, city not yet said.
LEFT_AGAIN = re.compile(r"(?:又|重新|还是)?(?:出去|出来|到外面|去外面|去外地|到外地)(?:打工|干活|上班|挣钱|了|啦)")
STATUS_NAMES = {"away": "在外流动", "home": "在家", "returned": "已返乡"}
WELCOME_HOME = "欢迎回家！以后村里的组织生活请按时参加。"


def handle(msg: Incoming, ctx: Context) -> Reply:
    """Store the destination the router found (slots ``city``, ``province``) with history and
    confirm exactly what is now on file; read a new phone (slot ``phone``: only a number the
    member calls their own) back before it is stored (``handlers.dialogs.phone_change``). A number that
    is no 11-digit mobile is refused and asked for again (a valid city in the same message is
    kept); someone else's number (包工头的电话是…) changes nothing, and the member is told so.
    A phone another member also has is stored all the same: families share phones. Coming home
    for good (``RETURNED``, not a ``VISIT``) sets status ``returned`` and clears the destination;
    a new destination later sets it back to ``away`` (the rules: ``models.whereabouts``)."""
    slots = ctx.route.slots if ctx.route else {}
    text = (ctx.route.normalised if ctx.route and ctx.route.normalised else None) or normalise(msg.text or "")
    now = ctx.clock.now()
    moved = move_to(ctx.session, ctx.member, slots.get("city"), slots.get("province"), now=now, source="chat")
    if moved is None and RETURNED.search(text) and not VISIT.search(text):
        moved = came_home(ctx.session, ctx.member, now=now, source="chat")
    elif (moved is None and LEFT_AGAIN.search(text)
          and left_again(ctx.session, ctx.member, now=now, source="chat") is not None):
        return TextReply(f"已为您更新：\n状态：在外流动\n{ask_where(msg, ctx)}")
    phone = (slots.get("phone") or "").strip()
    phone = phone if MOBILE.fullmatch(phone) else ""
    new_phone = phone if phone and phone != ctx.member.phone else None
    bad = None if phone else number_attempt(msg.text)
    changed = moved.fields if moved else frozenset()
    if not (changed or new_phone):
        return _nothing_changed(ctx, text, moved is not None or bool(phone), bad)
    welcome = WELCOME_HOME if ctx.member.status == "returned" else ""
    done = f"已为您更新：\n{_describe(ctx.member, changed)}\n{welcome}" if changed else ""
    if new_phone:
        return TextReply(done + read_back(msg, ctx, new_phone))
    return TextReply(f"{done}{bad_phone(bad) if bad else CORRECTION}")


def _nothing_changed(ctx: Context, text: str, same: bool, bad: str | None) -> TextReply:
    """What a member who changed nothing is told: that what they said is what is on file
    (``same``), that ``bad`` is no mobile number, that the number in ``text`` is someone
    else's, or how to change their details."""
    if same:
        return TextReply(f"{_on_file(ctx.member)}和您说的一样，不用修改。" + (f"\n{bad_phone(bad)}" if bad else ""))
    if bad:
        return TextReply(bad_phone(bad))
    theirs = others_numbers(text)
    if theirs:
        return TextReply(f"{grouped(theirs[0].number)} 是别人的号码，您登记的手机号没有改。"
                         "如果是您自己的新号，请发“我的手机号换成”加号码；"
                         "有事要联络员帮忙，请发“求助”加上情况和这个号码。")
    return TextReply(f"{_on_file(ctx.member)}要改的话请直接告诉我，例如：“我现在在深圳”"
                     "或“手机号换成13800005678”。")




def record_destination(ctx: Context) -> str | None:
    """Store the city/province the router found with another request ("我到杭州了 老板欠我工资":
    the help request is answered, the move is not lost). Returns the line to add to that reply
    ("已把您的流动去向更新为：浙江 杭州。"), or ``None`` when nothing changed."""
    slots = ctx.route.slots if ctx.route else {}
    moved = move_to(ctx.session, ctx.member, slots.get("city"), slots.get("province"),
                    now=ctx.clock.now(), source="chat")
    if moved is None or not moved.changes:
        return None
    return f"已把您的流动去向更新为：{_place(ctx.member)}。"


def on_location(msg: Incoming, ctx: Context) -> Reply:
    """A shared location: its label (``广东省深圳市福田区…``) becomes the member's destination."""
    label = msg.location[2] if msg.location else None
    province, city, district = split_destination(label or "")
    if city is None:
        return TextReply("收到您的位置，但没看出是哪个城市。请直接告诉我，例如：“我现在在深圳”。")
    shared_location(ctx.session, ctx.member, province, city, district, now=ctx.clock.now(), source="chat")
    return TextReply(f"收到您的位置，已把流动去向更新为：{_place(ctx.member)}。{CORRECTION}")


def on_location_event(msg: Incoming, ctx: Context) -> Reply:
    """The automatic LOCATION report (coordinates only, every few seconds while the chat is open):
    nothing to store without a place name, and WeChat shows no reply to it."""
    return NoReply()


def _place(member: Member) -> str:
    parts = [member.current_province, member.current_city, member.current_district]
    unique = [p for i, p in enumerate(parts) if p and p not in parts[:i]]
    return " ".join(unique) or "未登记"


def _describe(member: Member, fields: frozenset[str]) -> str:
    lines = []
    if "status" in fields:
        lines.append(f"状态：{STATUS_NAMES[member.status]}")
    if {"current_city", "current_province"} & fields and member.status != "returned":
        lines.append(f"流动去向：{_place(member)}")
    return "\n".join(lines)


def _on_file(member: Member) -> str:
    return f"您现在登记的流动去向是：{_place(member)}，手机号：{member.phone or '未登记'}。"


INTENT = Intent(name=NAME, usage="我在某某市 / 电话换成1380000xxxx —— 更新流动去向或手机号", offer=Offer("更新流动去向或手机号", "更新"),
                public=False, vocabulary=VOCABULARY,
                routing=Routing(answered_first=True, negated_by=frozenset({Cue.UNCHANGED, Cue.THEIRS})),
                handle=handle)
