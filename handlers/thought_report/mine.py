"""我的思想汇报: the reports a member handed in, newest first — quarter, date, read or not and
the comment."""
from __future__ import annotations

from handlers.context import Context
from models.clock import SHANGHAI
from models.thought_reports import ThoughtReport, period_name, reports_of

SHOWN = 10


def where_it_stands(report: ThoughtReport) -> str:
    """``S20261129001 2026年第4季度（11月29日交）：王某已阅，意见：写得很实在`` — or 待阅."""
    local = report.submitted_at.astimezone(SHANGHAI)
    line = f"{report.number} {period_name(report.period)}（{local.month}月{local.day}日交）："
    if report.acknowledged_at is None:
        return line + "待阅"
    said = f"，意见：{report.comment}" if report.comment else ""
    return f"{line}{report.acknowledger.name}已阅{said}"


def mine_text(ctx: Context) -> str:
    """The sender's reports, newest first (at most :data:`SHOWN`), or how to hand one in."""
    reports, total = reports_of(ctx.session, ctx.card.id, SHOWN)
    if not reports:
        return "您还没有交过思想汇报。发“思想汇报”就能开始写，也可以一条消息发“思想汇报：”加上全文。"
    more = f"\n（只列出最近 {SHOWN} 篇）" if total > SHOWN else ""
    lines = "\n".join(f"· {where_it_stands(r)}" for r in reports)
    return f"您交过的思想汇报（共 {total} 篇，新的在前）：\n{lines}{more}\n想再交一篇，发“思想汇报”。"
