"""A red liaison logs a contact with one of their members (定时联系), a role command
(``handlers.commands``): "联系 张某 电话聊了工作情况", "联系了张某 电话聊了工作情况", "今天走访了张某明",
"微信联系 张某 1234 问了孩子上学的事" (the phone's last digits when two of their members share a name).

The contact goes into the log (``models.liaison_contacts.record_contact``) with its kind read
from the words (走访, 微信, else a phone call) and the words after the name as its note; the
member then drops off the liaison's monthly list for ``liaison.contact_days`` days. A name that is
none of their members, or one two of them share, is asked again, nothing logged — unless the
words answer a ticket they hold (``handlers.ticket_desk.answers_without_number``).
"""
from __future__ import annotations

import re

from handlers.commands import Command
from handlers.context import Context, Incoming
from handlers.replies import Reply, TextReply
from handlers.ticket_desk import answers_without_number
from models.clock import SHANGHAI
from models.liaison_contacts import KIND_NAMES, members_of, named, record_contact
from models.member import Member, mask_phone
from models.roles import Role

# 联系 / 联系了 / 电话联系 / 走访了 …, then the name; not 联系方式, 联系不上, 联系电话, 联系一下支部 …,
# nor 已经联系了 / 联系上他了 (no name: an answer to a ticket, ``handlers.ticket_desk``).
SYNTAX = re.compile(
    r"(?:今天|昨天|刚才|刚刚|已经?|我)*(?P<verb>(?:电话|微信|视频)?联系|走访|看望|探望|家访|拜访)(?:上|到)?(?:了|过)?\s*"
    r"(?!方式|不上|不到|电话|人|我|谁|哪|一下|联络员|支部|书记|了|过|啦|他|她|对方)(?P<rest>\S.*)", re.DOTALL)
# The kind of contact, from the verb and the words after the name; a phone call when they say none.
VISIT = re.compile(r"走访|看望|探望|家访|拜访|上门|见面|当面|到家|家里坐")
WECHAT = re.compile(r"微信|视频|语音")
PHONE = re.compile(r"电话|通话|打了个?电话")
EXAMPLE = "如“联系 张某 电话聊了工作情况”"


def kind_of(verb: str, note: str) -> str:
    """The contact kind (``models.liaison_contacts.CONTACT_KINDS``) the verb or the note says:
    a visit, WeChat, else a phone call. The verb decides when it names one (电话联系, 走访)."""
    for words in (verb, note):
        if VISIT.search(words):
            return "visit"
        if WECHAT.search(words):
            return "wechat"
        if PHONE.search(words):
            return "phone"
    return "phone"


def contact(msg: Incoming, ctx: Context, args: dict[str, str]) -> Reply:
    """Log the contact the message tells of, or say why not (see the module docstring)."""
    members = members_of(ctx.session, ctx.card.id)
    if not members:
        return TextReply("您还没有分到要联系的党员，暂时不用记联系情况。分配有误请找支部。")
    found = named(members, args["rest"])
    if not found.members:
        # No member of theirs named: words on a case they hold ("已经联系了 明天陪他去劳动监察大队").
        answered = answers_without_number(msg, ctx)
        return answered or TextReply(f"您联系的党员里没有“{found.name}”，请核对姓名再发，{EXAMPLE}。")
    if len(found.members) > 1:
        return TextReply(_which(found.name, found.members))
    member, now = found.members[0], ctx.clock.now()
    kind = kind_of(args["verb"], found.rest)
    record_contact(ctx.session, member.id, ctx.card.id, kind, found.rest, now)
    day = now.astimezone(SHANGHAI).date()
    said = f"：{found.rest}" if found.rest else ""
    return TextReply(f"已记下：{day.month}月{day.day}日{KIND_NAMES[kind]}联系{member.name}{said}。"
                     f"{ctx.settings.liaison.contact_days}天内的定时联系名单不再列出{member.name}。")


def _which(name: str, members: tuple[Member, ...]) -> str:
    listed = "\n".join(f"{n}. {name}（{mask_phone(m.phone) or '无手机号'}，{m.destination('') or '去向未登记'}）"
                       for n, m in enumerate(members, start=1))
    tail = (members[0].phone or "")[-4:] or "1234"
    return (f"您联系的党员里有{len(members)}位{name}：\n{listed}\n"
            f"请在姓名后加手机尾号再发，如“联系 {name} {tail} 电话聊了工作情况”。")


CONTACT = Command(
    name="liaison_contact", syntax=SYNTAX, roles=frozenset({Role.LIAISON}), handle=contact,
    usage="联系 姓名 情况 —— 记下联系过的党员，如“联系 张某 电话聊了工作”")
