"""组织生活 (org_life): the meetings of the member's branch (``models.meetings``) by chat —
a check-in code in other words than the 签到 command (签到码是幺二三四: ``handlers.org_life.checkin``),
leave (请假 家里有事: ``handlers.org_life.leave``), and anything else about meetings answered with
the next ones (下次组织生活什么时候: ``handlers.org_life.schedule``)."""
from __future__ import annotations

import re

from handlers.capability import Intent, Offer
from handlers.commands import Command
from handlers.context import Context, Incoming
from handlers.nlu.policy import Routing
from handlers.org_life import checkin, leave, schedule
from handlers.org_life.vocabulary import VOCABULARY
from handlers.replies import Reply, TextReply
from models.roles import Role

NAME = "org_life"
# What the member says they are not doing: 不是签到, 不用请假.
NOT_THIS = re.compile(r"不是(?:要|想)?(?:签到|请假)|不(?:用|需要|必)?请假|不签到")


def handle(msg: Incoming, ctx: Context) -> Reply:
    """A code: check in; leave words: leave (or how to ask); 签到 without a code: how to check
    in; anything else: the next meetings."""
    code = ctx.route.slots.get("checkin_code") if ctx.route else None
    if code:
        return checkin.answer(ctx, code)
    text = NOT_THIS.sub(" ", msg.text or "")
    if leave.wants_leave(text):
        return leave.answer(msg, ctx)
    if "签到" in text:
        return checkin.answer(ctx, None)
    reply = schedule.answer(ctx, text)
    if leave.asks_how(text) and isinstance(reply, TextReply):
        return TextReply(f"{leave.how()}\n{reply.text}")
    return reply


INTENT = Intent(name=NAME, usage="开会 —— 下次组织生活时间地点；请假、签到",
                offer=Offer("了解组织生活安排、怎么请假", "开会"),
                public=False, vocabulary=VOCABULARY,
                routing=Routing(),
                handle=handle)


# A message opening with 请假 (请个假, 我要请假, 告假) is a member command (handlers.commands):
# matched before the router, so a reason that tells of illness or family (家里老人住院了, 老婆生孩子
# 在医院陪护) records leave instead of being heard as a help request (seen in a trial).
LEAVE_SYNTAX = re.compile(r"我?(?:要|想)?(?:请(?:个|一下|下)?假|告假).*", re.S)


def leave_command(msg: Incoming, ctx: Context, args: dict[str, str]) -> Reply:
    """请假 …: leave from the next meeting, or how leave works when that is what is asked."""
    return handle(msg, ctx)


LEAVE = Command(name="meeting_leave", syntax=LEAVE_SYNTAX, roles=frozenset({Role.MEMBER}),
                usage="请假 原因 —— 组织生活请假，如“请假 在外地加班”", handle=leave_command)
