"""Role commands on volunteer activity claims (``handlers.commands``): a red liaison, a branch
secretary or a township contact decides a claim by chat — "审核 H20261206001 通过",
"审核 H20261206001 不通过 照片看不出是本人" — the H may be left off, the number may come first
("H20261206001 通过"), full-width digits and any spacing do; "审核 编号" alone shows the claim,
"审核" alone lists what waits on them. Who may decide which claim: ``models.points.reviewers``.

A member who is none of those and quotes a claim number (H20261206001 审核了吗) is told where
their own claim stands; "审核" from them is said to be the reviewers'.
"""
from __future__ import annotations

import re

from handlers.commands import Command
from handlers.context import Context, Incoming
from handlers.replies import Reply, TextReply
from models.clock import SHANGHAI
from models.points.claim import STATUS_NAMES, ActivityClaim
from models.points.claims import PREFIX, RULE, claim_numbered, decide, pending_for
from models.points.notices import quoted
from models.points.reviewers import Scope, scope_of
from models.roles import Role

# After 审核 any run of digits is taken for a number (a mistyped one is said to be unknown); an
# H-number on its own is one only as models.points.claims numbers them (H + date + 3 digits).
DIGITS, CLAIM_DIGITS = r"\d{8,14}", r"20\d{9}"
# 审核 [编号] [H]number [verdict and words] — or H<number> first, then the verdict.
REVIEW = re.compile(rf"(?:审核|审批)(?: ?(?:编号)? ?[Hh]? ?(?P<number>{DIGITS})(?!\d))?(?P<rest>.*)"
                    rf"|[Hh](?P<bare>{CLAIM_DIGITS})(?!\d)(?P<verdict>.*)", re.DOTALL)
# A member's message naming a claim number anywhere, or starting with 审核.
MENTIONS = re.compile(rf".*?(?<![A-Za-z])[Hh](?P<number>{CLAIM_DIGITS})(?!\d).*|(?:审核|审批).*", re.DOTALL)
# "不通过" holds "通过": the refusals are tried first.
REJECT = re.compile(r"不通过|不同意|不批准|不予通过|不能通过|通过不了|未通过|没通过|不属实|不可以|驳回|退回|拒绝|否决|不行")
APPROVE = re.compile(r"通过|同意|批准|属实|确认|可以|没问题|ok", re.IGNORECASE)
# What may stand between the verdict and the reviewer's words: 不通过，理由：…
LEAD = re.compile(r"^[\s:：,，。.、]*(?:理由|原因)?(?:是)?[\s:：,，。.、]*")
HOW = "通过请回复“审核 {number} 通过”，不通过请回复“审核 {number} 不通过 理由”。"


def _day(claim: ActivityClaim) -> str:
    local = claim.created_at.astimezone(SHANGHAI)
    return f"{local.month}月{local.day}日"


def review(msg: Incoming, ctx: Context, args: dict[str, str]) -> Reply:
    """Decide, show or list claims for the reviewer (see the module's docstring)."""
    digits = args.get("number") or args.get("bare")
    rest = LEAD.sub("", args.get("rest") or args.get("verdict") or "").strip(" 。.!！")
    scope = scope_of(ctx.session, ctx.member)
    if digits is None:
        return _waiting(ctx, scope)
    number = PREFIX + digits
    claim = claim_numbered(ctx.session, number)
    verdict = REJECT.match(rest) or APPROVE.match(rest)
    if claim is not None and claim.member_id == ctx.member.id:
        if verdict is None:  # asking about their own claim, as any member may
            return TextReply(where_it_stands(claim))
        return TextReply(f"编号 {number} 是您自己报的志愿服务，不能自己审核，由支部其他同志审核。")
    if claim is None or not scope.covers(claim.member):
        return TextReply(f"没有找到您能审核的编号 {number} 的志愿服务申报，请核对编号再发。发“审核”可以看等您审核的申报。")
    if claim.status != "pending":
        return _decided_already(claim)
    member = claim.member
    if not rest:
        return TextReply(f"编号 {number}：{member.name}（{member.branch.name}，电话 {member.phone or '未登记'}）"
                         f"{_day(claim)}报：{quoted(claim.text)}。{HOW.format(number=number)}")
    if verdict is None:
        return TextReply(f"没看懂审核结果。{HOW.format(number=number)}")
    approve = verdict.re is APPROVE
    reason = LEAD.sub("", rest[verdict.end():]).strip() or None
    decision = decide(ctx.session, claim, ctx.member, approve, reason, ctx.clock.now(), points=ctx.settings.points)
    if decision is None:  # decided by someone else a moment ago: read what they decided
        ctx.session.refresh(claim)
        return _decided_already(claim)
    told = "已告诉本人" if decision.told else f"{member.name}没有绑定微信，请电话告诉本人（电话 {member.phone or '未登记'}）"
    if not approve:
        if not decision.told:
            return TextReply(f"已记下不通过（编号 {number}）。{told}。")
        said = f"并把理由告诉了{member.name}" if reason else f"已告诉{member.name}，方便的话打个电话说明原因"
        return TextReply(f"已记下不通过（编号 {number}），{said}。")
    if decision.points:
        return TextReply(f"已审核通过（编号 {number}），给{member.name}记入志愿服务积分 {decision.points} 分，{told}。")
    if ctx.settings.points.each(RULE) > 0:
        return TextReply(f"已审核通过（编号 {number}）。{member.name}的志愿服务积分已到上限，这次没有加分；{told}。")
    return TextReply(f"已审核通过（编号 {number}），{told}。")


def _decided_already(claim: ActivityClaim) -> Reply:
    decided = claim.decided_at.astimezone(SHANGHAI)
    who = claim.decider.name if claim.decider else ""
    return TextReply(f"编号 {claim.number} 的志愿服务申报已经审核过了（{who}{decided.month}月{decided.day}日"
                     f"审核{STATUS_NAMES[claim.status]}），不用再发。")


def _waiting(ctx: Context, scope: Scope) -> Reply:
    claims = pending_for(ctx.session, scope)
    if not claims:
        return TextReply("现在没有等您审核的志愿服务申报。有党员申报时我会马上通知您。")
    lines = "\n".join(f"· {c.number} {c.member.name}（{_day(c)}）：{quoted(c.text, 40)}" for c in claims)
    return TextReply(f"等您审核的志愿服务申报（{len(claims)} 件，最早的在前）：\n{lines}\n"
                     + HOW.format(number="编号"))


def status(msg: Incoming, ctx: Context, args: dict[str, str]) -> Reply:
    """A member's own claim by number: where it stands; 审核 without one: whose command it is."""
    if "number" not in args:
        return TextReply("“审核”是红色联络员和支部书记审核志愿服务申报用的。您报的志愿服务，审核后我会告诉您结果；"
                         "发“我的积分”可以看还在等审核的申报。")
    number = PREFIX + args["number"]
    claim = claim_numbered(ctx.session, number)
    if claim is None or claim.member_id != ctx.member.id:
        return TextReply(f"没有找到您报的编号 {number} 的志愿服务申报，请核对编号。发“我的积分”可以看还在等审核的申报。")
    return TextReply(where_it_stands(claim))


def where_it_stands(claim: ActivityClaim) -> str:
    """Where a member's own claim stands, as they read it."""
    what = f"您报的志愿服务（编号 {claim.number}）"
    if claim.status == "pending":
        return f"{what}正在等{claim.reviewer.name if claim.reviewer else '联络员'}审核，审核后我会告诉您结果。"
    if claim.status == "rejected":
        return f"{what}没有通过审核" + (f"，理由：{claim.reason}。" if claim.reason else "。") + "有疑问可以问问联络员。"
    return f"{what}已经审核通过。发“我的积分”可以看积分。"


USAGE = "审核 编号 通过 / 不通过 理由 —— 审核志愿服务申报；只发“审核”看待审核的"
REVIEW_CLAIM = Command(name="claim_review", syntax=REVIEW,
                       roles=frozenset({Role.LIAISON, Role.SECRETARY, Role.TOWNSHIP}), handle=review, usage=USAGE)
CLAIM_STATUS = Command(name="claim_status", syntax=MENTIONS, roles=frozenset({Role.MEMBER}), handle=status,
                       usage="志愿服务申报编号 —— 问自己报的志愿服务审核了没有")
