"""The branch secretary marks a member's transfer done by chat: ``转接办结 张某`` (a role command,
``handlers.commands``), or ``转接办结 张某 1234`` (the last digits of the phone, or all of it)
when two members share the name.

Only the secretary of the member's branch (or of the village above it) can: the request is
looked for among the members of the organisations they head (``models.transfers``). Anyone
else sending it is told it is the secretary's. The member is told through the outbox.
"""
from __future__ import annotations

import re

from handlers.commands import Command
from handlers.context import Context, Incoming
from handlers.replies import Reply, TextReply
from models.member import mask_phone
from models.roles import Role
from models.transfers import DONE_COMMAND, mark_done, requests_named, secretary_org_ids

# The name may be left out: the command alone gets its usage (:data:`NO_NAME`), not the guide.
SYNTAX = re.compile(rf"{DONE_COMMAND}(?: ?(?P<name>[^\s\d]{{1,20}})(?: ?(?P<phone>\d{{4}}|\d{{11}}))?)?")
NO_NAME = (f"请在“{DONE_COMMAND}”后面加上党员姓名，例如：{DONE_COMMAND} 张某；"
           f"同名时加手机号后四位：{DONE_COMMAND} 张某 1234。")
USAGE = f"{DONE_COMMAND} 姓名 —— 党员的组织关系转接已办结（同名的加手机号后四位，如“{DONE_COMMAND} 张某 1234”）"


def done(msg: Incoming, ctx: Context, args: dict[str, str]) -> Reply:
    """Mark the transfer of the member ``args["name"]`` (``args["phone"]``: their phone or its
    last four digits) done, when they are in a branch the sender heads; the member is told.
    Without a name: how to send it."""
    if "name" not in args:
        return TextReply(NO_NAME)
    name, hint = args["name"], args.get("phone")
    org_ids = secretary_org_ids(ctx.session, ctx.member)
    found = requests_named(ctx.session, org_ids, name, hint)
    if not found:
        settled = requests_named(ctx.session, org_ids, name, hint, status="done")
        if settled:
            return TextReply(f"{name}的组织关系转接已经办结过了，不用再发。")
        return TextReply(f"您负责的支部里没有{name}待办的组织关系转接申请，请核对姓名。"
                         "党员在微信里发“我要转组织关系”并确认后，申请才会到您这里。")
    if len(found) > 1:
        who = "、".join(mask_phone(r.member.phone) for r in found)
        return TextReply(f"有{len(found)}位{name}申请了转接（{who}），请加上手机号后四位再发，"
                         f"例如“{DONE_COMMAND} {name} {(found[0].member.phone or '')[-4:]}”。")
    request = found[0]
    told = mark_done(ctx.session, request, ctx.member.name, ctx.clock.now())
    member = request.member
    tell = f"并告诉了{member.name}" if told else f"{member.name}没有绑定微信，请电话告诉本人"
    return TextReply(f"已把{member.name}的组织关系转接（转到{request.destination}）标为办结，{tell}。")


def refuse(msg: Incoming, ctx: Context, args: dict[str, str]) -> Reply:
    """Anyone but a secretary: the command is not theirs, and what they can do instead."""
    return TextReply(f"“{DONE_COMMAND}”是支部书记办结组织关系转接用的。您自己想转组织关系，"
                     "请发“我要转组织关系”；想了解办法，发“转关系”。")


DONE = Command(name="transfer_done", syntax=SYNTAX, roles=frozenset({Role.SECRETARY}), handle=done, usage=USAGE)
REFUSED = Command(name="transfer_done_refused", syntax=SYNTAX, roles=frozenset({Role.MEMBER}), handle=refuse,
                  usage=f"{DONE_COMMAND} —— 支部书记专用")
