"""Role commands on thought reports (``handlers.commands``): the branch secretary (or the
secretary above, or the township contact — ``models.thought_reports.readers``) reads and
acknowledges them by chat:

- "阅 S20261129001 写得很实在，继续保持" (阅 编号 意见; the S may be left off, any spacing,
  full-width digits; the comment may be left out): acknowledged once, the comment passed on;
- "S20261129001" alone: the whole report;
- "待阅" (思想汇报列表, or 阅 alone): the reports waiting on them, oldest first.

Anyone else sending 阅 or 待阅 is told they are the secretary's; a member quoting the number of
a report of theirs is told where it stands.
"""
from __future__ import annotations

import re

from handlers.commands import Command
from handlers.context import Context, Incoming
from handlers.replies import Reply, TextReply
from handlers.thought_report.mine import where_it_stands
from models.clock import SHANGHAI
from models.roles import Role
from models.thought_reports import (
    ThoughtReport,
    acknowledge,
    period_name,
    report_numbered,
    unread_in,
)
from models.thought_reports.filing import PREFIX
from models.thought_reports.notices import beginning
from models.thought_reports.readers import scope_of

READER_ROLES = frozenset({Role.SECRETARY, Role.TOWNSHIP})
# 阅 [编号] [S]number [comment]; after 阅 any run of digits is taken for a number (a mistyped one
# is said to be unknown).
READ = re.compile(r"已?阅 ?(?:编号 ?)?[Ss]? ?(?P<number>\d{6,14})(?!\d)[ :：,，。.、]*(?P<comment>.*)", re.DOTALL)
# The same head on the text as written, so the comment keeps the secretary's own punctuation
# (the command's syntax reads a folded copy, full-width commas made half-width).
RAW_HEAD = re.compile(r"^\s*已?阅\s*(?:编号\s*)?[SsＳｓ]?\s*[\d０-９]{6,14}[\s:：,，。.、]*")
UNREAD = re.compile(r"待阅|待阅的?思想汇报|思想汇报列表|阅")
# A report's number alone (查看 S20261129001, S20261129001 全文): S + date + 3 digits.
SHOW = re.compile(r"(?:查看|看看?|全文) ?[Ss](?P<number>20\d{9})(?: ?全文)?|[Ss](?P<bare>20\d{9})(?: ?全文)?")
SHOWN = 10
# A comment longer than this is refused: it reaches the member as one customer-service text.
COMMENT_MAX = 500
HOW = "阅后请回复“阅 {number} 意见”（意见可不写）。"


def _day(report: ThoughtReport) -> str:
    local = report.submitted_at.astimezone(SHANGHAI)
    return f"{local.month}月{local.day}日"


def read(msg: Incoming, ctx: Context, args: dict[str, str]) -> Reply:
    """Acknowledge the numbered report with the comment, when the sender may."""
    number = PREFIX + args["number"]
    report = report_numbered(ctx.session, number)
    if report is not None and report.member_id == ctx.member.id:
        return TextReply(f"编号 {number} 是您自己交的思想汇报，由上级党组织阅，不能自己阅。")
    if report is None:
        return TextReply(f"没有找到编号 {number} 的思想汇报，请核对编号再发。发“待阅”可以看等您阅的思想汇报。")
    if not scope_of(ctx.session, ctx.member).covers(report.member):
        return TextReply(f"编号 {number} 的思想汇报不是您负责的支部的党员交的，由党员所在支部的书记阅。"
                         "发“待阅”可以看等您阅的思想汇报。")
    if report.acknowledged_at is not None:
        return _read_already(report)
    head = RAW_HEAD.match(msg.text or "")
    comment = (msg.text[head.end():] if head else args.get("comment", "")).strip() or None
    if comment is not None and len(comment) > COMMENT_MAX:
        return TextReply(f"意见有 {len(comment)} 字，太长了，请控制在 {COMMENT_MAX} 字以内再发（这次没有记下）。")
    told = acknowledge(ctx.session, report, ctx.member, comment, ctx.clock.now())
    if told is None:  # acknowledged by someone else a moment ago
        ctx.session.refresh(report)
        return _read_already(report)
    member = report.member
    what = f"已阅编号 {number}（{member.name}{period_name(report.period)}的思想汇报）"
    if not told:
        return TextReply(f"{what}。{member.name}没有绑定微信，请电话告诉本人（电话 {member.phone or '未登记'}）。")
    return TextReply(f"{what}，意见已转告{member.name}。" if comment else f"{what}，已告诉{member.name}。")


def _read_already(report: ThoughtReport) -> Reply:
    when = report.acknowledged_at.astimezone(SHANGHAI)
    said = f"，意见：{report.comment}" if report.comment else ""
    return TextReply(f"编号 {report.number} 的思想汇报已经阅过了（{report.acknowledger.name}{when.month}月{when.day}日阅"
                     f"{said}），不用再发。")


def unread(msg: Incoming, ctx: Context, args: dict[str, str]) -> Reply:
    """The reports waiting on the sender, oldest first."""
    scope = scope_of(ctx.session, ctx.member)
    reports, total = unread_in(ctx.session, scope.branch_ids, ctx.member.id, SHOWN)
    if not reports:
        return TextReply("现在没有等您阅的思想汇报。党员交了我会马上通知您。")
    lines = "\n".join(f"· {r.number} {r.member.name}（{_day(r)}交，{period_name(r.period)}）：{beginning(r.text, 30)}"
                      for r in reports)
    more = f"\n（只列出最早的 {SHOWN} 篇）" if total > SHOWN else ""
    return TextReply(f"等您阅的思想汇报（{total} 篇，最早的在前）：\n{lines}{more}\n"
                     f"看全文请回复编号，如“{reports[0].number}”；" + HOW.format(number="编号"))


def show(msg: Incoming, ctx: Context, args: dict[str, str]) -> Reply:
    """The whole report, for a reader who may acknowledge it; a member's own: where it stands."""
    number = PREFIX + (args.get("number") or args["bare"])
    report = report_numbered(ctx.session, number)
    if report is not None and report.member_id == ctx.member.id:
        return TextReply(f"您交的思想汇报 {where_it_stands(report)}")
    if report is None or not scope_of(ctx.session, ctx.member).covers(report.member):
        return TextReply(f"没有找到您能阅的编号 {number} 的思想汇报，请核对编号。发“待阅”可以看等您阅的思想汇报。")
    member = report.member
    state = f"{report.acknowledger.name}已阅" if report.acknowledged_at else "待阅"
    return TextReply(f"编号 {number}：{member.name}（{member.branch.name}，电话 {member.phone or '未登记'}）"
                     f"{_day(report)}交的{period_name(report.period)}思想汇报，共 {len(report.text)} 字，{state}：\n"
                     f"{report.text}\n" + (HOW.format(number=number) if report.acknowledged_at is None else ""))


def not_theirs(msg: Incoming, ctx: Context, args: dict[str, str]) -> Reply:
    """阅 or 待阅 from a member who reads no reports (阅 with the number of their own report:
    where it stands)."""
    report = report_numbered(ctx.session, PREFIX + args["number"]) if "number" in args else None
    if report is not None and report.member_id == ctx.member.id:
        return TextReply(f"您交的思想汇报 {where_it_stands(report)}")
    return TextReply("“阅”和“待阅”是支部书记阅党员思想汇报用的。您交的思想汇报，书记阅后我会告诉您意见；"
                     "发“我的思想汇报”可以查看。")


def own(msg: Incoming, ctx: Context, args: dict[str, str]) -> Reply:
    """A member quoting a report number: their own report's standing, or not found."""
    number = PREFIX + (args.get("number") or args["bare"])
    report = report_numbered(ctx.session, number)
    if report is None or report.member_id != ctx.member.id:
        return TextReply(f"没有找到您交的编号 {number} 的思想汇报，请核对编号。发“我的思想汇报”可以看交过的。")
    return TextReply(f"您交的思想汇报 {where_it_stands(report)}")


READ_USAGE = "阅 编号 意见 —— 阅党员的思想汇报，意见转告本人（意见可不写），如“阅 S20261129001 写得很实在”"
MEMBER = frozenset({Role.MEMBER})
# Tried in this order: the readers' first, then what every other member is told.
COMMANDS = (
    Command(name="thought_report_read", syntax=READ, roles=READER_ROLES, handle=read, usage=READ_USAGE),
    Command(name="thought_report_unread", syntax=UNREAD, roles=READER_ROLES, handle=unread,
            usage="待阅 —— 等您阅的思想汇报，最早的在前"),
    Command(name="thought_report_show", syntax=SHOW, roles=READER_ROLES, handle=show,
            usage="S编号 —— 看党员思想汇报的全文，如“S20261129001”"),
    Command(name="thought_report_read_refused", syntax=READ, roles=MEMBER, handle=not_theirs,
            usage="阅 —— 支部书记阅思想汇报用的"),
    Command(name="thought_report_unread_refused", syntax=UNREAD, roles=MEMBER, handle=not_theirs,
            usage="待阅 —— 支部书记看待阅思想汇报用的"),
    Command(name="thought_report_status", syntax=SHOW, roles=MEMBER, handle=own,
            usage="思想汇报编号 —— 问自己交的思想汇报阅了没有"),
)
