"""Live update of a member's details by chat: destination city, phone, coming home for good.

A destination or status is stored at once; a new phone only once the member confirms it read back
(``handlers.dialogs.phone_change``). Dialog ``update_info`` (``handlers.dialogs.update_info``) asks
where a member who went out again has gone."""
from __future__ import annotations

import datetime as dt
import re

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
from handlers.nlu.slots import others_numbers
from handlers.replies import NoReply, Reply, TextReply
from models.clock import SHANGHAI
from models.ledger import MOBILE
from models.member import Member
from models.member_updates import apply_changes
from models.places import (
    normalise_city,
    normalise_province,
    province_of,
    split_destination,
)

INTENT = "update_info"
USAGE = "我在某某市 / 电话换成1380000xxxx —— 更新流动去向或手机号"
OFFER = ("更新流动去向或手机号", "更新")
PUBLIC = False
# Routing (see handlers.nlu.lexicon): a new phone, a new city, a new job or coming home.
KEYWORDS: dict[str, float] = {
    "换号": 3, "改号": 3, "新号": 3, "号换": 3, "手机号": 2, "电话": 1, "号码": 1, "改成": 2,
    "换成": 2, "改一下": 1.5, "以后打": 3, "打这个": 2.5, "现在用": 2, "个人信息": 3, "信息": 1,
    "地址": 2, "去向": 3, "搬到": 2.5, "打工": 1, "上班": 1, "换工作": 3, "换了工作": 3,
    "工作单位": 3, "不出去": 2.5, "不往外": 2.5, "回来了": 2, "现在在": 2,
    "又出去": 3, "又出来": 3, "又出去了": 3, "又出来了": 3, "出去打工了": 3, "到外面打工": 3,
    "定居": 2, "更新": 2, "修改": 2, "变更": 2, "我的资料": 2.5, "资料": 1, "填错": 2.5, "登记错": 2.5, "写错": 3, "录错": 3, "弄错": 2, "报到": 1.5, "过来干": 2, "送外卖": 1.5, "找了个": 1.5, "去了一家": 2,
}
SYNONYMS: dict[str, str] = {"手鸡号": "手机号", "手机好": "手机号", "单为": "单位", "电化": "电话"}
PATTERNS: dict[str, float] = {
    r"(?<!\d)1[3-9]\d(?: ?\d){8}(?!\d)": 2.5,  # a mobile number
    r"不在.{0,4}(干|做|上班|打工)了": 3,
    r"不在.{0,3}(?:厂|工地|公司|店|饭店|餐馆|单位).{0,3}了": 2.5,
    # 新开了个超市 is a shop someone else opened
    r"(?<!新)(?:自己)?开了(?:个|家|一家)": 2,
    r"(?:工作|单位|活)(?:换|变)了": 3,
    r"现在(?:在)?(?:跑|开|做|干|当|送)": 1.5,
    # back home for good — not "要不要回老家开证明", a trip
    r"回(?:老家|村里|村|家乡|县城|镇上)(?:了|来了|住|待|种地|养老|发展|干|带孩子)": 2,
    r"以后(?:就)?在(?:家|村里|老家|镇上|县城)": 2,
    r"不在外(?:面|地|头|边)?(?:了|干了|跑了)": 3,
    # abroad to work (我去沙特干半年): a destination no city list holds
    r"(?:去|到|在)(?:国外|外国|海外|沙特|迪拜|阿联酋|卡塔尔|科威特|以色列|日本|韩国|新加坡|马来西亚|俄罗斯|非洲|中东"
    r"|澳洲|澳大利亚|新西兰|欧洲|越南|泰国|柬埔寨|老挝|缅甸|印尼|蒙古|哈萨克斯坦|阿尔及利亚|安哥拉)"
    r"(?:干|打工|务工|上班|工作|做|开|跑|了)|出国(?:打工|务工|干活|了)|出劳务": 3,
}
# A city or province right after these words is where the member now is (我在苏州, 搬到重庆);
# checked in this order, a 0 stops the check ("转到成都" is where membership goes: a transfer).
PLACE_CUES: dict[str, float] = {"转到": 0, "转去": 0, "转来": 0, "现在在": 3,
                                "准备去": 3, "打算去": 3, "要去": 2.5, "调到": 3, "跑到": 3,
                                "过完年去": 3, "年后去": 3, "下个月去": 3, "明年去": 3, "开春去": 3, "搬到": 3, "搬去": 3, "人在": 2.5, "到了": 2.5, "去了": 2.5,
                                "到": 3, "在": 2, "去": 1, "来": 1.5}

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
    a new destination later sets it back to ``away``."""
    slots = ctx.route.slots if ctx.route else {}
    values = _destination(ctx.member, slots.get("province"), slots.get("city"))
    text = (ctx.route.normalised if ctx.route and ctx.route.normalised else None) or normalise(msg.text or "")
    if values and ctx.member.status == "returned":
        values.update(status="away", away_since=_today(ctx))  # out again, somewhere new
    elif not values and RETURNED.search(text) and not VISIT.search(text):
        values = {"status": "returned", "current_province": None, "current_city": None,
                  "current_district": None}
    elif not values and ctx.member.status == "returned" and LEFT_AGAIN.search(text):
        apply_changes(ctx.session, ctx.member, {"status": "away", "away_since": _today(ctx)},
                      source="chat", now=ctx.clock.now())
        return TextReply(f"已为您更新：\n状态：在外流动\n{ask_where(msg, ctx)}")
    phone = (slots.get("phone") or "").strip()
    phone = phone if MOBILE.fullmatch(phone) else ""
    new_phone = phone if phone and phone != ctx.member.phone else None
    bad = None if phone else number_attempt(msg.text)
    changed = apply_changes(ctx.session, ctx.member, values, source="chat", now=ctx.clock.now())
    if not (changed or new_phone):
        return _nothing_changed(ctx, text, bool(values or phone), bad)
    welcome = WELCOME_HOME if ctx.member.status == "returned" else ""
    done = f"已为您更新：\n{_describe(ctx.member, values)}\n{welcome}" if changed else ""
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


def _today(ctx: Context) -> dt.date:
    """Today in Shanghai: the day a member went out again (``away_since``)."""
    return ctx.clock.now().astimezone(SHANGHAI).date()


def record_destination(ctx: Context) -> str | None:
    """Store the city/province the router found with another request ("我到杭州了 老板欠我工资":
    the help request is answered, the move is not lost). Returns the line to add to that reply
    ("已把您的流动去向更新为：浙江 杭州。"), or ``None`` when nothing changed."""
    slots = ctx.route.slots if ctx.route else {}
    values = _destination(ctx.member, slots.get("province"), slots.get("city"))
    if values and ctx.member.status == "returned":
        values.update(status="away", away_since=_today(ctx))
    if not values or not apply_changes(ctx.session, ctx.member, values, source="chat",
                                       now=ctx.clock.now()):
        return None
    return f"已把您的流动去向更新为：{_place(ctx.member)}。"


def on_location(msg: Incoming, ctx: Context) -> Reply:
    """A shared location: its label (``广东省深圳市福田区…``) becomes the member's destination."""
    label = msg.location[2] if msg.location else None
    province, city, district = split_destination(label or "")
    if city is None:
        return TextReply("收到您的位置，但没看出是哪个城市。请直接告诉我，例如：“我现在在深圳”。")
    values = {"current_province": province, "current_city": city, "current_district": district}
    apply_changes(ctx.session, ctx.member, values, source="chat", now=ctx.clock.now())
    return TextReply(f"收到您的位置，已把流动去向更新为：{_place(ctx.member)}。{CORRECTION}")


def on_location_event(msg: Incoming, ctx: Context) -> Reply:
    """The automatic LOCATION report (coordinates only, every few seconds while the chat is open):
    nothing to store without a place name, and WeChat shows no reply to it."""
    return NoReply()


def _destination(member: Member, province: str | None, city: str | None) -> dict[str, str | None]:
    city, province = normalise_city(city), normalise_province(province)
    if city and city == member.current_city:
        return {"current_city": city, "current_province": province or member.current_province}
    if city:
        # A new city makes the old district meaningless; the province follows the city when known.
        return {"current_city": city, "current_district": None,
                "current_province": province or province_of(city)}
    if province and province == member.current_province:
        return {"current_province": province}  # same province, city unknown: keep the city
    if province:
        return {"current_province": province, "current_city": None, "current_district": None}
    return {}


def _place(member: Member) -> str:
    parts = [member.current_province, member.current_city, member.current_district]
    unique = [p for i, p in enumerate(parts) if p and p not in parts[:i]]
    return " ".join(unique) or "未登记"


def _describe(member: Member, values: dict) -> str:
    lines = []
    if "status" in values:
        lines.append(f"状态：{STATUS_NAMES[member.status]}")
    if {"current_city", "current_province"} & values.keys() and member.status != "returned":
        lines.append(f"流动去向：{_place(member)}")
    if "phone" in values:
        lines.append(f"手机号：{member.phone}")
    return "\n".join(lines)


def _on_file(member: Member) -> str:
    return f"您现在登记的流动去向是：{_place(member)}，手机号：{member.phone or '未登记'}。"

