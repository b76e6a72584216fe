"""Binding a WeChat follower to a roster member: 绑定 姓名 手机号, or an invitation QR code."""
from __future__ import annotations

import datetime as dt
import re

from handlers import crisis
from handlers.bind.vocabulary import VOCABULARY
from handlers.capability import Intent, Offer
from handlers.commands import usage_for
from handlers.context import Context, Incoming
from handlers.nlu.policy import Cue, Routing
from handlers.people import hotline
from handlers.replies import NoReply, Reply, TextReply
from models.bind_attempts import AttemptLimits, cooldown_end
from models.binding import (
    INTRODUCTION,
    BindResult,
    BindStatus,
    bind_by_code,
    bind_by_identity,
    parse_bind_text,
    unbind_follower,
)
from models.clock import beijing_minute
from models.contacts import contacts_for
from models.member import Member
from models.roles import Role, roles_of
from models.tickets import notify_waiting_tickets

NAME = "bind"

HOW_TO_BIND = "请发送“绑定 姓名 手机号”（例如：绑定 张某 13800001234）完成身份绑定。"
# One answer to every refused try, whatever the reason (nobody of that name and phone, the
# member already bound to another WeChat, several members match), so that it tells a stranger
# nothing about who is on the roster or bound (issue 8).
NOT_MATCHED = ("没能绑定：姓名和手机号与支部台账上的登记对不上。请核对后再发一次，例如：绑定 张某 13800001234；"
               "如果确认无误，请联系所在支部或拨打{hotline}。")
CODE_REFUSED = f"这个邀请二维码无效或已经用过，没能绑定。{HOW_TO_BIND}"
COOLING_DOWN = ("没能绑定：这个微信绑定没对上的次数太多，为保护党员信息，暂停绑定到{until}，到时可以再试。"
                "如果确认姓名和手机号无误，请联系所在支部或拨打{hotline}。")
# A role as a member who has it is told of it when they bind.
ROLE_NAMES = {Role.LIAISON: "红色联络员", Role.SECRETARY: "支部书记", Role.TOWNSHIP: "乡镇联系人"}
PUBLIC_HINT = "没绑定也可以发“驿站”查阳光驿站、发“菜单”看全部功能。"


def ask_to_bind(msg: Incoming, ctx: Context) -> Reply:
    """The answer to an unbound follower asking for something only members get; someone in
    trouble (a help request) also gets the hotline, which answers before binding."""
    if crisis.speaks_of_it(ctx.route.normalised if ctx.route else msg.text):
        return TextReply(f"{crisis.LIFELINE}\n也可以拨打{hotline(ctx)}找支部。{HOW_TO_BIND}")
    urgent = f"遇到急事也可以直接拨打{hotline(ctx)}。" if ctx.route and ctx.route.intent == "help_request" else ""
    return TextReply(f"您还没有绑定党员身份。{HOW_TO_BIND}{urgent}")


def handle(msg: Incoming, ctx: Context) -> Reply:
    """``绑定 姓名 手机号``: bind this follower to the one roster member with that name and phone
    (in any shape :func:`_identity` reads). A follower cooling down after too many failed tries
    is told until when, whatever they send."""
    name, phone, text = _identity(msg, ctx)
    if ctx.member is not None and not (name and phone):
        return TextReply(f"您已经绑定为{ctx.member.name}（{ctx.member.branch.name}），不用再绑定了。"
                         "发“菜单”看看我能为您做什么。")
    # A name with a phone is a try, answered (and kept) by bind_by_identity.
    if ctx.member is None and not (name and phone) and (until := cooldown_end(ctx.session, msg.openid,
                                                                               ctx.clock.now())):
        return TextReply(_outcome_text(ctx, BindResult(BindStatus.COOLING_DOWN, retry_at=until)))
    if name and phone is None and (digits := re.search(r"\d[\d\s-]{2,}\d", text)):
        return TextReply(f"“{digits.group(0)}”不是有效的11位手机号。请用支部台账上登记的手机号再发一次，"
                         "例如：绑定 张某 13800001234。")
    if not (name and phone):
        return TextReply("请把姓名和手机号一起发给我，例如：绑定 张某 13800001234。"
                         "手机号要和支部台账上登记的一致。")
    result = bind_by_identity(ctx.session, msg.openid, text, phone, ctx.clock.now(), _limits(ctx))
    return TextReply(_outcome_text(ctx, result))


def _limits(ctx: Context) -> AttemptLimits:
    """The failed-try limits of config ``binding``."""
    b = ctx.settings.binding
    return AttemptLimits(max_failures=b.max_failures, window=dt.timedelta(hours=b.window_hours),
                         cooldown=dt.timedelta(hours=b.cooldown_hours))


def _identity(msg: Incoming, ctx: Context) -> tuple[str | None, str | None, str]:
    """(name, phone, the text they were read from) for a binding message; name or phone is
    ``None`` when missing.

    The text as typed is read first, so normalisation never touches a name (娃 → 孩子); when it
    yields no phone, the router's normalised text and phone slot (``ctx.route``), which also
    read spoken digits (幺三八…) and any separators. A village the member introduces themselves
    with (我是红星村的李某某, 我叫李某某 是红星村的) is no part of the name; the phone already says
    who they are, so the village is not used further. The name read here only decides what to
    ask for; the roster's name is checked against the whole text (models.binding.names_only)."""
    text = msg.text or ""
    name, phone = _name_and_phone(text)
    route = ctx.route
    if phone is None and route is not None and route.normalised:
        text = route.normalised
        name, phone = _name_and_phone(text)
        phone = phone or route.slots.get("phone")
    return name, phone, text


def _name_and_phone(text: str) -> tuple[str | None, str | None]:
    name, phone = parse_bind_text(INTRODUCTION.sub(" ", text))
    # "红星村李某庄": the village pattern ate the name too.
    return name or parse_bind_text(text)[0], phone


def on_follow_or_scan(msg: Incoming, ctx: Context) -> Reply:
    """Follow (with or without an invitation QR scene) or SCAN (a follower scanning again):
    bind by ``bind_<code>``, else welcome the follower and tell an unbound one how to bind."""
    scene = msg.event_key or ""
    following = msg.event == "scan"  # SCAN comes only from someone who already follows
    if scene.startswith("bind_"):
        result = bind_by_code(ctx.session, msg.openid, scene, ctx.clock.now(), _limits(ctx))
        return TextReply(_outcome_text(ctx, result, welcome=not following, refused=CODE_REFUSED))
    if ctx.member is not None:
        return TextReply(f"欢迎回来，{ctx.member.name}！发“学习”看今天的学习资料，发“菜单”看全部功能。")
    if following:
        return TextReply(f"您已关注流动党员服务助手，还没有绑定党员身份。{HOW_TO_BIND}{PUBLIC_HINT}")
    return TextReply(f"欢迎关注流动党员服务助手！{HOW_TO_BIND}{PUBLIC_HINT}")


def on_unsubscribe(msg: Incoming, ctx: Context) -> Reply:
    """Unfollow: the WeChat binding goes (DESIGN.md §5), the ledger entry stays."""
    unbind_follower(ctx.session, msg.openid, ctx.clock.now())
    return NoReply()


def _outcome_text(ctx: Context, result: BindResult, welcome: bool = False, refused: str = NOT_MATCHED) -> str:
    member: Member = result.member
    hello = "欢迎关注！" if welcome else ""
    if result.status is BindStatus.BOUND:
        return hello + _bound_text(ctx, member)
    if result.status is BindStatus.ALREADY_SELF:
        return f"您已经绑定过了（{member.name}），不用重复绑定。发“菜单”看看我能为您做什么。"
    if result.status is BindStatus.OPENID_TAKEN:
        # Their own binding: telling them reveals nobody else.
        return (f"这个微信已经绑定了{member.name}，一个微信只能绑定一位党员。"
                f"如需更换，请联系所在支部或拨打{hotline(ctx)}。")
    if result.status is BindStatus.COOLING_DOWN:
        return hello + COOLING_DOWN.format(until=beijing_minute(result.retry_at), hotline=hotline(ctx))
    return hello + refused.format(hotline=hotline(ctx))


def _bound_text(ctx: Context, member: Member) -> str:
    # A liaison who binds late hears now of the requests filed while they could not be reached.
    waiting = notify_waiting_tickets(ctx.session, member, now=ctx.clock.now(),
                                     notice_template_id=ctx.settings.wechat.templates["liaison_notice"])
    cases = f"您是红色联络员，有{waiting}件求助在等您，求助通知会发到这个微信，请按通知里的电话联系党员。" if waiting else ""
    contacts = contacts_for(ctx.session, member)
    liaison = f"您的红色联络员是{contacts.liaison_name}。" if contacts.liaison_name else ""
    return (f"绑定成功！{member.name}您好，您是{member.branch.name}的党员。{cases}{liaison}"
            f"以后学习、求助、更新流动去向都可以直接发给我，发“菜单”看全部功能。{_commands_text(ctx, member)}")


def _commands_text(ctx: Context, member: Member) -> str:
    """For a member with a role (``models.roles``): which, and the commands it opens, one line
    each, so a secretary or a liaison learns them when they bind; empty for anyone else."""
    roles = roles_of(ctx.session, member)
    lines = usage_for(ctx.commands, roles)
    if not lines:
        return ""
    names = "、".join(ROLE_NAMES[r] for r in sorted(roles - {Role.MEMBER}) if r in ROLE_NAMES)
    listing = "\n".join(f"· {line}" for line in lines)
    return f"\n作为{names}，您还可以发：\n{listing}\n发“帮助”随时可以再看。"


INTENT = Intent(name=NAME, usage="绑定 姓名 手机号 —— 第一次使用先绑定身份", offer=Offer("绑定党员身份", "绑定 姓名 手机号"),
                public=True, vocabulary=VOCABULARY,
                routing=Routing(outranks=("help_request", "update_info"), negated_by=frozenset({Cue.THEIRS})),
                handle=handle, for_unbound=True)
