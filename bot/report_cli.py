"""``kiteline report …``: what staff need to see. ``report delivery``: how the outbox's
messages fared and which ones need a person (``models.delivery.report``); ``report
verification``: how the verification rounds' asks ended, per branch (``models.verification``);
``report broadcast [ID]``: what became of a scheduled broadcast (``models.broadcasts.report``);
``report study``: a month's study per branch and member (``models.study_report``); ``report
tickets``: the help desk per branch — open, late, escalated, response times, satisfaction
(``models.tickets.report``); ``report points`` is ``bot.points_cli``'s."""
from __future__ import annotations

import datetime as dt
import re
import sys
import unicodedata

import click

from bot.startup import existing_runtime_from, org_subtree_or_exit
from models.broadcasts.report import (
    VIA_NAMES,
    BroadcastReport,
    broadcast_report,
    recent,
)
from models.clock import SHANGHAI
from models.delivery.attempts import attempts_of
from models.delivery.outbox import OutboxMessage
from models.delivery.purposes import purpose_name
from models.delivery.report import (
    STATUS_NAMES,
    attempt_line,
    attention_line,
    counts,
    local_time,
    needing_attention,
)
from models.study_report import BRANCH_HEADER, study_report
from models.study_report import write_xlsx as write_study_xlsx
from models.tickets import report as ticket_report
from models.tickets.sla import Sla
from models.verification import report as verification_report


@click.group()
def report() -> None:
    """Reports for staff (报表)."""


@report.command("delivery")
@click.option("--days", type=click.IntRange(min=1), default=7, show_default=True,
              help="Messages queued in the last N days.")
@click.option("--org", "org_name", default=None, help="Only this organisation and those below it.")
@click.option("--row", "row_id", type=int, default=None,
              help="Only this outbox message: its status, reason and every attempt with WeChat's answer.")
@click.pass_context
def delivery(ctx: click.Context, days: int, org_name: str | None, row_id: int | None) -> None:
    """Counts by purpose and status, then every message that failed, was not delivered, has an
    unknown outcome or was left mid-send. Phones are masked. With --row ID: that message's
    attempts."""
    rt = existing_runtime_from(ctx)
    if row_id is not None:
        with rt.session() as s:
            one_row(s, row_id)
        return
    now = rt.clock.now()
    since = now - dt.timedelta(days=days)
    with rt.session() as s:
        org_ids = org_subtree_or_exit(s, org_name)
        scope = org_name or "全部党组织"
        click.echo(f"消息发送情况（最近 {days} 天，{scope}）")
        click.echo(f"{pad('用途', 14)}{pad('状态', 22)}条数")
        for purpose, status, n in counts(s, since, org_ids):
            click.echo(f"{pad(purpose_name(purpose), 14)}{pad(STATUS_NAMES.get(status, status), 22)}{n}")
        rows = needing_attention(s, since, org_ids)
        if not rows:
            click.echo("没有需要处理的消息。")
            return
        click.echo(f"需要处理的消息（{len(rows)} 条，时间为北京时间）：")
        for row in rows:
            click.echo(attention_line(s, row))


def one_row(session, row_id: int) -> None:
    """``report delivery --row ID``: the row on one line, then each attempt."""
    row = session.get(OutboxMessage, row_id)
    if row is None:
        click.echo(f"没有编号为 {row_id} 的消息。", err=True)
        sys.exit(2)
    click.echo(f"消息 {row.id}（北京时间）：")
    click.echo(attention_line(session, row))
    tries = attempts_of(session, row.id)
    click.echo(f"发送尝试（{len(tries)} 次）：" if tries else "还没有发送尝试。")
    for attempt in tries:
        click.echo(attempt_line(attempt))


@report.command("verification")
@click.option("--days", type=click.IntRange(min=1), default=None,
              help="Asks made in the last N days (default: verification.interval_days, one round).")
@click.option("--org", "org_name", default=None, help="Only this organisation and those below it.")
@click.option("--xlsx", "xlsx", type=click.Path(dir_okay=False), default=None,
              help="Also write the table and the members who did not confirm to this .xlsx file.")
@click.pass_context
def verification(ctx: click.Context, days: int | None, org_name: str | None, xlsx: str | None) -> None:
    """Per branch: members asked to confirm their info, and how many confirmed, corrected it,
    did not answer in time, or may still answer. ``--xlsx`` adds the list of who did not
    confirm (phones masked)."""
    rt = existing_runtime_from(ctx)
    days = days or rt.settings.verification.interval_days
    now = rt.clock.now()
    since = now - dt.timedelta(days=days)
    with rt.session() as s:
        org_ids = org_subtree_or_exit(s, org_name)
        title = f"信息核对情况（最近 {days} 天询问的，{org_name or '全部党组织'}）"
        if xlsx:
            try:
                result = verification_report.write_xlsx(s, xlsx, since=since, org_ids=org_ids, title=title,
                                                        now=now)
            except OSError as exc:
                click.echo(f"无法写出 {xlsx}：{exc.strerror or exc}", err=True)
                sys.exit(2)
        else:
            result = verification_report.counts(s, since, org_ids)
    click.echo(title)
    if not result.branches:
        click.echo("这段时间没有询问过任何党员。")
        return
    widths = (20, 8, 8, 8, 8, 8)
    click.echo("".join(pad(h, w) for h, w in zip(verification_report.HEADER, widths, strict=True)).rstrip())
    for row in [*result.branches, result.total]:
        click.echo("".join(pad(str(c), w) for c, w in zip(row.cells, widths, strict=True)).rstrip())
    if xlsx:
        click.echo(f"已写入 {xlsx}（含未确认名单）。")


@report.command("broadcast")
@click.argument("broadcast_id", type=int, required=False)
@click.option("--last", type=click.IntRange(min=1), default=20, show_default=True,
              help="Without an ID: how many recent broadcasts to list.")
@click.pass_context
def broadcast(ctx: click.Context, broadcast_id: int | None, last: int) -> None:
    """What became of scheduled broadcast ID: planned, sent by channel, deferred, on request,
    unknown, read, failed with reasons. Without ID: the recent broadcasts."""
    rt = existing_runtime_from(ctx)
    with rt.session() as s:
        if broadcast_id is None:
            runs = recent(s, last)
            if not runs:
                click.echo("还没有学习推送记录。")
                return
            click.echo(f"{pad('编号', 8)}{pad('推送计划', 20)}{pad('时间（北京时间）', 20)}{pad('计划', 8)}已发送")
            for run, sent in runs:
                click.echo(f"{pad(str(run.id), 8)}{pad(run.schedule_id, 20)}{pad(local_time(run.run_at), 20)}"
                           f"{pad(str(run.planned), 8)}{sent}")
            click.echo("查看一次推送的详情：kiteline report broadcast 编号")
            return
        found = broadcast_report(s, broadcast_id)
        if found is None:
            click.echo(f"没有编号为 {broadcast_id} 的学习推送；不带编号运行可列出最近的推送。", err=True)
            sys.exit(2)
        for line in broadcast_lines(found):
            click.echo(line)


def broadcast_lines(found: BroadcastReport) -> list[str]:
    """``kiteline report broadcast ID`` as lines."""
    run = found.broadcast
    state = "已排定" if run.status == "planned" else "排定中（未完成，下次运行会接着排）"
    lines = [f"学习推送 {run.id}：{run.schedule_id}，{local_time(run.run_at)}（北京时间）",
             f"内容：{run.content}", f"对象：{run.audience}",
             f"计划：{found.planned} 条（{state}）",
             f"已发送：{sum(found.sent.values())} 条" + "".join(
                 f"，{name} {found.sent[via]}" for via, name in VIA_NAMES.items() if found.sent[via])]
    lines += [f"{name}：{n} 条" for name, n in (
        ("暂缓（等对方发消息）", found.deferred), ("等对方回复“学习”领取", found.on_request),
        ("待发送", found.waiting), ("结果未知（可能已送到，不再重发）", found.unknown)) if n]
    lines.append("已读：" + ("（汇总消息不统计）" if found.read is None else f"{found.read} 人"))
    for title, reasons in (("未送达", found.dropped), ("失败", found.failed)):
        if reasons:
            lines.append(f"{title}：{sum(reasons.values())} 条")
            lines += [f"  {why}：{n} 条" for why, n in reasons.most_common()]
    return lines


def month_option(_ctx: click.Context, _param: click.Parameter, value: str | None) -> tuple[int, int] | None:
    """``--month 2026-12`` as (year, month); ``None`` without the option."""
    if value is None:
        return None
    match = re.fullmatch(r"\s*(\d{4})-(\d{1,2})\s*", value)
    if match is None or not 1 <= int(match[2]) <= 12:
        raise click.BadParameter(f"“{value}”不是月份，请写成 2026-12 这样")
    return int(match[1]), int(match[2])


@report.command("study")
@click.option("--month", callback=month_option, default=None, metavar="YYYY-MM",
              help="The calendar month, Beijing time (default: this month).")
@click.option("--org", "org_name", default=None, help="Only this organisation and those below it.")
@click.option("--xlsx", "xlsx", type=click.Path(dir_okay=False), default=None,
              help="Also write every member's month and who studied nothing to this .xlsx file.")
@click.pass_context
def study(ctx: click.Context, month: tuple[int, int] | None, org_name: str | None, xlsx: str | None) -> None:
    """Per branch: members, lessons received, opened through their links and finished (学完了),
    study points, and how many members studied (opened or finished a lesson) or not. ``--xlsx`` adds every member's month and
    the list of who studied nothing, for the branch to follow up (phones masked)."""
    rt = existing_runtime_from(ctx)
    now = rt.clock.now()
    local = now.astimezone(SHANGHAI)
    year, month_no = month or (local.year, local.month)
    with rt.session() as s:
        org_ids = org_subtree_or_exit(s, org_name)
        result = study_report(s, year, month_no, org_ids)
    title = f"学习情况（{year}年{month_no}月，{org_name or '全部党组织'}）"
    click.echo(title)
    if not result.members:
        click.echo("范围内没有党员。")
        return
    widths = (24, 6, 12, 10, 10, 10, 10, 8, 8)
    for row in [BRANCH_HEADER, *(b.cells for b in result.branches), result.total.cells]:
        click.echo("".join(pad(str(c), w) for c, w in zip(row, widths, strict=True)).rstrip())
    idle = result.not_studied
    if xlsx:
        try:
            write_study_xlsx(result, xlsx, title=title, now=now)
        except OSError as exc:
            click.echo(f"无法写出 {xlsx}：{exc.strerror or exc}", err=True)
            sys.exit(2)
        click.echo(f"本月没有学习的党员 {len(idle)} 人。已写入 {xlsx}（含党员明细和未学习名单）。")
    else:
        click.echo(f"本月没有学习的党员 {len(idle)} 人。加 --xlsx 文件名 导出党员明细和未学习名单。")


@report.command("tickets")
@click.option("--days", type=click.IntRange(min=1), default=None,
              help="Only help requests filed in the last N days (default: all).")
@click.option("--org", "org_name", default=None, help="Only this organisation and those below it.")
@click.option("--xlsx", "xlsx", type=click.Path(dir_okay=False), default=None,
              help="Also write the table and the list of late help requests to this .xlsx file.")
@click.pass_context
def tickets(ctx: click.Context, days: int | None, org_name: str | None, xlsx: str | None) -> None:
    """Per branch: help requests, open, late now, escalated, median hours to the first answer
    and to settling, average satisfaction and how many rated. ``--xlsx`` adds the late ones, for
    the branch to follow up (phones masked)."""
    rt = existing_runtime_from(ctx)
    now, cfg = rt.clock.now(), rt.settings.liaison
    with rt.session() as s:
        org_ids = org_subtree_or_exit(s, org_name)
        result = ticket_report.ticket_report(s, now, Sla.of(cfg, rt.settings.scheduler.timezone),
                                             cfg.escalation_chain, org_ids=org_ids,
                                             since=now - dt.timedelta(days=days) if days else None)
    title = f"求助办理情况（{f'最近 {days} 天提交的' if days else '全部'}，{org_name or '全部党组织'}）"
    click.echo(title)
    if not result.branches:
        click.echo("范围内没有求助。")
        return
    widths = (24, 6, 8, 6, 8, 20, 16, 12, 8)
    for row in [ticket_report.HEADER, *(b.cells for b in result.branches), result.total.cells]:
        click.echo("".join(pad(str(c), w) for c, w in zip(row, widths, strict=True)).rstrip())
    if xlsx:
        try:
            ticket_report.write_xlsx(result, xlsx, title=title, now=now)
        except OSError as exc:
            click.echo(f"无法写出 {xlsx}：{exc.strerror or exc}", err=True)
            sys.exit(2)
        click.echo(f"超时未办的求助 {len(result.late)} 件。已写入 {xlsx}（含超时求助名单）。")
    else:
        click.echo(f"超时未办的求助 {len(result.late)} 件。加 --xlsx 文件名 导出超时求助名单。")


def pad(text: str, columns: int) -> str:
    """``text`` followed by spaces up to ``columns`` terminal columns (a Chinese character
    takes two), so the table lines up."""
    width = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(columns - width, 1)
