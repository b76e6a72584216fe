"""``kiteline report points``: points per branch and per rule (``models.points.report``), for
the organisation department and branch secretaries — branch totals, never a ranking of people;
``--xlsx`` adds each member's points by rule in roster order (phones masked)."""
from __future__ import annotations

import sys

import click

from bot.report_cli import month_option, pad
from bot.startup import existing_runtime_from, org_subtree_or_exit
from models.clock import month_bounds
from models.points.report import BRANCH_HEADER, member_rows, points_report, write_xlsx

WIDTHS = (24, 6, 14, 6, 10, 10, 10, 10, 6, 12)


@click.command("points")
@click.option("--month", callback=month_option, default=None, metavar="YYYY-MM",
              help="Only points earned in this calendar month, Beijing time (default: all time).")
@click.option("--org", "org_name", default=None, help="Only this organisation and those below it.")
@click.option("--xlsx", "xlsx", type=click.Path(dir_okay=False), default=None,
              help="Also write the table and every member's points by rule to this .xlsx file.")
@click.pass_context
def report_points(ctx: click.Context, month: tuple[int, int] | None, org_name: str | None, xlsx: str | None) -> None:
    """Per branch: members, members who earned points, points by rule (study, meetings,
    volunteering, thought reports, corrections) and in all, and volunteer activity claims
    waiting for review."""
    rt = existing_runtime_from(ctx)
    start, end = month_bounds(*month) if month else (None, None)
    period = f"{month[0]}年{month[1]}月" if month else "全部时间"
    title = f"积分情况（{period}，{org_name or '全部党组织'}）"
    with rt.session() as s:
        org_ids = org_subtree_or_exit(s, org_name)
        result = points_report(s, org_ids, start, end)
        members = member_rows(s, org_ids, start, end) if xlsx else []
    click.echo(title)
    if not result.branches:
        click.echo("范围内没有党员。")
        return
    for row in [BRANCH_HEADER, *(b.cells for b in result.branches), result.total.cells]:
        click.echo("".join(pad(str(c), w) for c, w in zip(row, WIDTHS, strict=True)).rstrip())
    if not xlsx:
        click.echo("加 --xlsx 文件名 导出每位党员的积分明细。")
        return
    try:
        write_xlsx(result, members, xlsx, title=title, now=rt.clock.now())
    except OSError as exc:
        click.echo(f"无法写出 {xlsx}：{exc.strerror or exc}", err=True)
        sys.exit(2)
    click.echo(f"已写入 {xlsx}（含党员明细）。")
