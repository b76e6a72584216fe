"""Updating every detail in turn: dialog ``guided_update``, started by 更新信息 (or any request to
update that names nothing) and by the menu's 更新信息 button.

It walks destination → phone → employer → away reason, one question each:

* each question can be skipped (跳过, 不变, 没变, 还是原来的 …): that detail stays as it is;
* a city the place list does not know (白杨镇) is kept as written and flagged for the branch
  to check (``models.whereabouts.move_to_unlisted``), and the member is told so — never guessed;
* a new phone is read back (state ``phone_confirm``) before it is taken; 不对 asks for it again,
  and a number that is no mobile number is named and asked for again;
* nothing is stored until the last answer: then everything is stored together, with history,
  and one reply lists what changed.

取消 at any step ends it with nothing saved; 帮助 asks the current question again; a clear new
request ends it (nothing saved); after :data:`TIMEOUT` without an answer it lapses, nothing
saved — the engine's rules for every dialog (``handlers.dialog_machine``).
"""
from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum

from handlers.context import Context, Incoming
from handlers.details_text import describe, place
from handlers.dialog_machine import (
    UNCLEAR,
    Ask,
    Dialog,
    Done,
    GoTo,
    Result,
    Stay,
    words,
)
from handlers.dialogs.phone_change import NO, YES, grouped, number_attempt
from handlers.dialogs.update_info import UNLISTED_ALONE
from handlers.nlu.places import find_places
from handlers.nlu.slots import phone as own_phone
from handlers.replies import TextReply
from models.member import mask_phone
from models.member_details import away_reason_answer, employer_answer, place_as_written
from models.member_history import EMPTY, value_text
from models.member_updates import apply_changes
from models.whereabouts import move_to, move_to_unlisted

TIMEOUT = dt.timedelta(minutes=30)
CORRECTION = "如有不对，直接把正确的发给我就行。"
# Keeping a detail as it is, said alone: 跳过, 不变, 没变, 还是原来的, 一样, 对, 下一个.
SKIP = re.compile(r"(?:跳过|略过|不变|没变|没有变|都没变|没换|没有换|没改|不用改|不改|不填|一样|还是原来的?|还是那个|还是那样|还是老样子"
                  r"|照旧|同上|下一个|下一步|下一项|对|对的|是|是的|没错|就这样|保持|保持不变|没有变化|先跳过|过)"
                  r"(?:了|的|啊|呀|吧|哈|呢|哦)*")
REASONS = "1 务工  2 经商  3 求学  4 随迁（跟家人）  5 其他"


class Step(StrEnum):
    DESTINATION = "destination"
    PHONE = "phone"
    PHONE_CONFIRM = "phone_confirm"
    EMPLOYER = "employer"
    REASON = "reason"


def start(msg: Incoming, ctx: Context) -> str:
    """Start the dialog at its first question and return what the member is told."""
    question = DIALOG.start(ctx, msg.openid, Step.DESTINATION, {})
    return f"好的，我们一项一项更新，一共4项，全部答完后一起保存；随时发“取消”就不改了。\n{question}"


def _on_file(ctx: Context, field: str) -> str:
    value = place(ctx.member) if field == "place" else value_text(field, getattr(ctx.member, field))
    return f"现在登记的是：{value}。" if value != EMPTY else "现在还没有登记。"


def _ask_destination(ctx: Context, data: dict) -> str:
    return (f"（1/4）您现在在哪个城市？{_on_file(ctx, 'place')}"
            "直接说城市，例如“宁波”；没变回“不变”，不想填回“跳过”。")


def _ask_phone(ctx: Context, data: dict) -> str:
    if not ctx.member.phone:
        return "（2/4）您的手机号是多少？请发11位手机号；不想填回“跳过”。"
    return f"（2/4）手机号还是 {mask_phone(ctx.member.phone)} 吗？换了就发新号码；没变回“不变”。"


def _ask_phone_confirm(ctx: Context, data: dict) -> str:
    old = ctx.member.phone
    change = f"从 {mask_phone(old)} 改成" if old else "登记为"
    return f"您要把手机号{change} {grouped(data['pending_phone'])} 吗？回复“对”确认，回复“不对”重新填。"


def _ask_employer(ctx: Context, data: dict) -> str:
    return (f"（3/4）您现在在哪里工作？{_on_file(ctx, 'employer')}"
            "直接说单位名称，例如“顺丰物流”；没变回“不变”，不想填回“跳过”。")


def _ask_reason(ctx: Context, data: dict) -> str:
    return (f"（4/4）您外出是为了什么？{_on_file(ctx, 'away_reason')}"
            f"回复数字：{REASONS}；没变回“不变”。")


def _skips(msg: Incoming) -> bool:
    said = words(msg.text)
    return bool(said) and SKIP.fullmatch(said) is not None


def _destination(msg: Incoming, ctx: Context, data: dict) -> Result:
    """The answer to "which city?": a known place, a place the list does not know, or skip."""
    places = find_places(ctx.route.normalised if ctx.route else "")
    if places:
        city = next((p.name for p in places if p.kind == "city"), None)
        province = next((p.name for p in places if p.kind == "province"), None)
        return _next(Step.PHONE, ctx, {**data, "place": {"city": city, "province": province}}, "记下了。")
    if _skips(msg):
        return _next(Step.PHONE, ctx, data, "好的，流动去向不变。")
    written = place_as_written(words(msg.text))
    if written is None or (ctx.route is not None and ctx.route.intent not in UNLISTED_ALONE):
        return UNCLEAR
    note = f"“{written}”不在我们的地名表里，先照您写的记下，保存后支部会核实。"
    return _next(Step.PHONE, ctx, {**data, "place": {"written": written}}, note)


def _phone(msg: Incoming, ctx: Context, data: dict) -> Result:
    """The answer to "is your phone still …?": a new number is read back; skip keeps it."""
    number = own_phone(ctx.route.normalised) if ctx.route else None
    if number and number != ctx.member.phone:
        return GoTo(Step.PHONE_CONFIRM, TextReply(_ask_phone_confirm(ctx, {"pending_phone": number})),
                    {**data, "pending_phone": number})
    if number or _skips(msg):
        return _next(Step.EMPLOYER, ctx, data, "好的，手机号不变。")
    attempt = number_attempt(msg.text)
    if attempt:
        return Stay(TextReply(f"“{attempt}”不是有效的11位手机号。{_ask_phone(ctx, data)}"))
    return UNCLEAR


def _phone_confirm(msg: Incoming, ctx: Context, data: dict) -> Result:
    """The answer to the read-back: yes takes the number, no asks for it again, another number
    is read back instead."""
    number = own_phone(ctx.route.normalised) if ctx.route else None
    if number and number != data["pending_phone"] and number != ctx.member.phone:
        return GoTo(Step.PHONE_CONFIRM, TextReply(_ask_phone_confirm(ctx, {"pending_phone": number})),
                    {**data, "pending_phone": number})
    said = words(msg.text) or (msg.text or "").strip()
    if NO.search(said):
        kept = {k: v for k, v in data.items() if k != "pending_phone"}
        return GoTo(Step.PHONE, TextReply(f"好的，这个号码不用。{_ask_phone(ctx, kept)}"), kept)
    if YES.fullmatch(said) or number == data["pending_phone"]:
        kept = {k: v for k, v in data.items() if k != "pending_phone"}
        return _next(Step.EMPLOYER, ctx, {**kept, "phone": data["pending_phone"]}, "记下了。")
    attempt = number_attempt(msg.text)
    if attempt:
        return Stay(TextReply(f"“{attempt}”不是有效的11位手机号。{_ask_phone_confirm(ctx, data)}"))
    return UNCLEAR


def _employer(msg: Incoming, ctx: Context, data: dict) -> Result:
    """The answer to "where do you work?": a name (alone or in a sentence), or skip."""
    if _skips(msg):
        return _next(Step.REASON, ctx, data, "好的，工作单位不变。")
    employer = employer_answer(msg.text)
    if employer is None:
        return UNCLEAR
    return _next(Step.REASON, ctx, {**data, "employer": employer}, "记下了。")


def _reason(msg: Incoming, ctx: Context, data: dict) -> Result:
    """The last answer: the reason for being away, or skip; then everything is stored."""
    if _skips(msg):
        return Done(TextReply(_save(msg, ctx, data)))
    reason = away_reason_answer(msg.text)
    if reason is None:
        return UNCLEAR
    return Done(TextReply(_save(msg, ctx, {**data, "away_reason": reason})))


def _next(step: Step, ctx: Context, data: dict, said: str) -> GoTo:
    return GoTo(step, TextReply(f"{said}\n{DIALOG.asks[step].question(ctx, data)}"), data)


def _save(msg: Incoming, ctx: Context, data: dict) -> str:
    """Store every answer together, with history, and say what changed."""
    now, member = ctx.clock.now(), ctx.member
    fields: set[str] = set()
    where = data.get("place")
    if where and where.get("written"):
        fields |= move_to_unlisted(ctx.session, member, where["written"], now=now, source="chat",
                                   changed_by=msg.openid).fields
    elif where:
        moved = move_to(ctx.session, member, where.get("city"), where.get("province"), now=now, source="chat",
                        changed_by=msg.openid)
        fields |= moved.fields if moved else set()
    values = {field: data[field] for field in ("phone", "employer", "away_reason") if field in data}
    changes = apply_changes(ctx.session, member, values, source="chat", changed_by=msg.openid, now=now)
    fields |= {c.field for c in changes}
    if not fields:
        return "好的，您的信息都没有变化，不用修改。谢谢您核对！"
    return f"全部保存好了，已为您更新：\n{describe(member, frozenset(fields))}\n{CORRECTION}"


def _cancelled(ctx: Context, data: dict) -> str:
    return "好的，已取消，刚才说的都没有保存。想改的时候再发“更新信息”。"


DIALOG = Dialog(
    name="guided_update",
    asks={
        Step.DESTINATION: Ask("等党员说现在在哪个城市", _ask_destination, _destination,
                              goes_to={Step.PHONE: "城市 / 不变 / 地名表里没有的地方（照写、待核实）"},
                              not_understood="没看明白您现在在哪儿。"),
        Step.PHONE: Ask("等党员说手机号换没换", _ask_phone, _phone,
                        goes_to={Step.PHONE_CONFIRM: "新号码 — 读回确认", Step.EMPLOYER: "不变"},
                        not_understood="没看明白您的手机号。"),
        Step.PHONE_CONFIRM: Ask("等党员确认读回的新号码", _ask_phone_confirm, _phone_confirm,
                                goes_to={Step.PHONE_CONFIRM: "另一个号码 — 重新读回", Step.PHONE: "不对 — 重新填",
                                         Step.EMPLOYER: "对"}),
        Step.EMPLOYER: Ask("等党员说在哪里工作", _ask_employer, _employer,
                           goes_to={Step.REASON: "单位名称 / 不变"},
                           not_understood="没看明白您在哪里工作。"),
        Step.REASON: Ask("等党员说外出原因，答完一起保存", _ask_reason, _reason,
                         not_understood="没看明白您外出的原因。"),
    },
    starts_in=(Step.DESTINATION,),
    cancelled=_cancelled,
    timeout=TIMEOUT,
)
