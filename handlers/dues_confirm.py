"""The branch secretary confirms a member's dues by chat: ``确认党费 张某 11月 12月`` (a role
command, ``handlers.commands``; any spacing, full-width digits; months as 12月, 2026-12,
2026年12月, 9到11月), ``确认党费 张某 1234 12月`` (the last digits of the phone) when two share
the name, ``确认党费 张某`` for every month the member reported.

A month the member reported becomes confirmed; a month with nothing on record is recorded at
the member's standard. Only the secretary of the member's branch or of an organisation above it
(village, township contact) can: the member is looked for among the members of the
organisations they head. The member is told through the outbox (``models.dues.reports``).
"""
from __future__ import annotations

import re

from sqlalchemy import select

from handlers.commands import Command
from handlers.context import Context, Incoming
from handlers.replies import Reply, TextReply
from models.dues import CONFIRM_COMMAND, confirm, members_named, standing
from models.dues.amounts import yuan
from models.dues.months import months_named, written_runs
from models.member import Member, mask_phone
from models.org import Organization
from models.org_tree import subtree_of
from models.roles import Role

SYNTAX = re.compile(rf"{CONFIRM_COMMAND}(?: ?(?P<rest>.+))?")
# 张某 1234 11月 12月: the name ends at a space, a digit or a month in words (张某十二月).
_NAME = re.compile(r"(?P<name>[^\s\d]+?)(?=\s|\d|$|十[一二]?月|[一二三四五六七八九]月|上个?月|本月|这个?月)\s?"
                   r"(?:(?P<phone>\d{11}|\d{4})(?![\d年.\-/月])\s?)?(?P<months>.*)")
EXAMPLE = f"{CONFIRM_COMMAND} 张某 11月 12月"
USAGE = (f"{CONFIRM_COMMAND} 姓名 月份 —— 确认党员交了党费，如“{EXAMPLE}”（不写月份：确认本人报的全部月份；"
         f"同名的加手机号后四位）")
HEADS = ("branch", "village", "township")


def headed_org_ids(ctx: Context) -> set[int]:
    """The organisations the sender heads (a branch, village or township naming them as its
    secretary or contact, by name and phone) and all below them."""
    me = ctx.member
    heads = set(ctx.session.scalars(select(Organization.id).where(
        Organization.secretary_name == me.name, Organization.secretary_phone == me.phone,
        Organization.kind.in_(HEADS))))
    return subtree_of(ctx.session, heads)


def confirm_dues(msg: Incoming, ctx: Context, args: dict[str, str]) -> Reply:
    """Confirm the dues of the member ``args["rest"]`` names for the months it names (every
    month they reported when none); the member is told."""
    parts = _NAME.fullmatch(args.get("rest", "").strip())
    if parts is None:
        return TextReply(f"请在“{CONFIRM_COMMAND}”后面写上党员姓名和月份，例如：{EXAMPLE}。")
    name, hint = parts["name"], parts["phone"]
    found = members_named(ctx.session, headed_org_ids(ctx), name, hint)
    if not found:
        return TextReply(f"您负责的支部里没有叫{name}的党员，请核对姓名。")
    if len(found) > 1:
        who = "、".join(f"{m.name}（{mask_phone(m.phone)}，{m.branch.name}）" for m in found)
        return TextReply(f"有{len(found)}位{name}：{who}。请加上手机号后四位再发，"
                         f"例如“{CONFIRM_COMMAND} {name} {(found[0].phone or '')[-4:]} 11月”。")
    return TextReply(_confirm_member(ctx, found[0], parts["months"]))


def _confirm_member(ctx: Context, member: Member, said: str) -> str:
    now = ctx.clock.now()
    if member.id == ctx.member.id:
        return "自己的党费请上级党组织的书记确认。"
    mine = standing(ctx.session, member.id, now)
    if not mine.kept:
        return (f"{member.name}的党费还没有登记到这里（没有月缴纳标准），请先把支部的党费收缴表导入系统，再确认。")
    named, bad = months_named(said, mine.current, [*mine.pending, *mine.owed])
    if bad:
        return f"“{bad[0]}”不是有效的月份，请写成 12月、2026-12 或 2026年12月。"
    if not named and not mine.pending:
        owed = f"还欠{written_runs(mine.owed)}。" if mine.owed else "没有欠费。"
        return (f"{member.name}没有待确认的党费。{owed}要登记已交的月份，请写上月份，"
                f"例如“{CONFIRM_COMMAND} {member.name} {int(mine.current[5:7])}月”。")
    future = [p for p in named if p > mine.current]
    # Months before the branch keeps dues here: as a member's own report of them is refused.
    early = [p for p in named if mine.since and p < mine.since]
    months = [p for p in named if p <= mine.current and p not in early] if named else mine.pending
    done = confirm(ctx.session, member, months, mine.standard_fen, ctx.member.name, now)
    lines = []
    if done.changed:
        tell = f"并告诉了{member.name}" if done.told else f"{member.name}没有绑定微信，请电话告诉本人"
        recorded = ("" if not done.recorded else f"（本人没有报，按月缴纳标准{yuan(mine.standard_fen)}登记）"
                    if done.recorded == done.changed else
                    f"（其中{written_runs(done.recorded)}本人没有报，按月缴纳标准{yuan(mine.standard_fen)}登记）")
        lines.append(f"已确认{member.name}{written_runs(done.changed)}的党费，共{yuan(done.fen)}{recorded}，{tell}。")
    if done.already:
        lines.append(f"{written_runs(done.already)}的党费已经确认过了。")
    if future:
        lines.append(f"{written_runs(future)}还没到，没有登记。")
    if early:
        lines.append(f"{written_runs(early)}在支部开始在这里登记党费（{written_runs([mine.since])}）之前，没有登记；"
                     "那时的党费请按支部的纸质台账核对。")
    return "\n".join(lines)


def refuse(msg: Incoming, ctx: Context, args: dict[str, str]) -> Reply:
    """Anyone but a secretary: the command is not theirs, and what they can do instead."""
    return TextReply(f"“{CONFIRM_COMMAND}”是支部书记确认党员交了党费用的。您自己交了党费，请发“我交了”；"
                     "想看交纳情况，发“党费”。")


CONFIRM = Command(name="dues_confirm", syntax=SYNTAX, roles=frozenset({Role.SECRETARY, Role.TOWNSHIP}),
                  handle=confirm_dues, usage=USAGE)
REFUSED = Command(name="dues_confirm_refused", syntax=SYNTAX, roles=frozenset({Role.MEMBER}), handle=refuse,
                  usage=f"{CONFIRM_COMMAND} —— 支部书记专用")

