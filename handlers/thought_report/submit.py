"""Handing a thought report in, as the member reads it: why one cannot be stored, or its
number, quarter, reader and points (``models.thought_reports``)."""
from __future__ import annotations

from handlers.context import Context
from handlers.people import who_to_contact
from models.clock import SHANGHAI
from models.points.rules import caps_text
from models.thought_reports import Fault, Filed, Refusal, period_name, refusal, submit
from models.thought_reports.filing import RULE

WHAT_TO_WRITE = "说说这段时间的工作、学习和思想情况"


def refused_text(refused: Refusal) -> str:
    """Why a report was not taken, kindly, and what to do instead. Nothing of it was stored."""
    if refused.fault is Fault.TOO_LONG:
        return (f"这篇思想汇报有 {refused.length} 字，超过了一篇最多 {refused.limit} 字的上限，没有收下。"
                f"请精简到 {refused.limit} 字以内再发。")
    if refused.fault is Fault.NO_WORDS:
        return (f"这条消息里只有表情或符号，没有文字，思想汇报没有收下。请用文字{WHAT_TO_WRITE}，"
                f"至少 {refused.limit} 个字。")
    return (f"思想汇报写得太短了（只有 {refused.length} 个字），没有收下。请至少写 {refused.limit} 个字，"
            f"{WHAT_TO_WRITE}。")


def hand_in(ctx: Context, text: str) -> str:
    """Store ``text`` as the sender's report when it may be stored and say what became of it;
    else say why not (nothing stored)."""
    limits = ctx.settings.thought_report
    refused = refusal(text, limits)
    if refused is not None:
        return refused_text(refused)
    filed = submit(ctx.session, ctx.member, text, ctx.clock.now(), limits=limits, points=ctx.settings.points,
                   template_id=ctx.settings.wechat.templates["thought_report"])
    return filed_text(ctx, filed)


def filed_text(ctx: Context, filed: Filed) -> str:
    """The reply to a report handed in: its number, quarter and length; who reads it; the
    points (or that the cap is reached); how to see it later."""
    report = filed.report
    if not filed.new:
        local = report.submitted_at.astimezone(SHANGHAI)
        return (f"这篇思想汇报您{local.month}月{local.day}日已经交过了（编号 {report.number}），不用再交。"
                "发“我的思想汇报”可以查看。")
    head = f"已收到您的思想汇报（编号 {report.number}，{period_name(report.period)}，共 {len(report.text)} 字）。"
    if filed.reader is not None:
        reader = f"已转给{filed.reader.role}{filed.reader.member.name}阅，阅后我会把意见告诉您。"
    else:
        reader = f"支部书记还没有开通微信通知，请把编号告诉支部书记。{who_to_contact(ctx)}"
    points = ctx.settings.points
    if filed.points:
        earned = f"记入积分 {filed.points} 分。"
    elif points.each(RULE) > 0:
        caps = caps_text(points, RULE)
        earned = f"思想汇报积分已到上限（{caps}），这次没有再加分。" if caps else ""
    else:
        earned = ""
    return f"{head}{reader}{earned}发“我的思想汇报”可以查看。"
