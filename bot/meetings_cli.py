"""Organisational life (组织生活, ``models.meetings``) for branch staff:

- ``kiteline meeting add --org 白杨村党支部 --kind 主题党日 --title … --start "2026-12-20 19:30"
  [--place … | --link …] [--code 4821]`` adds a meeting, prints its check-in code and sends the
  notice to the branch's members;
- ``kiteline meeting list [--org NAME]``: meetings not yet over, with who asked for leave;
- ``kiteline import meetings FILE [--dry-run]``: a list of meetings (.xlsx / .csv);
- ``kiteline report meetings [--org NAME] [--month YYYY-MM]``: each meeting of a month with who
  checked in, who was on leave and who was absent.
"""
from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

import click

from bot.import_cli import _import_list
from bot.startup import existing_runtime_from, org_subtree_or_exit, runtime_from
from models.clock import SHANGHAI, month_bounds
from models.ledger import CellError
from models.meetings.fields import (
    branches,
    find_branch,
    parse_code,
    parse_kind,
    parse_start,
    parse_title,
    parse_where,
)
from models.meetings.notices import queue_notices
from models.meetings.report import (
    attendance_of_meetings,
    meetings_between,
    upcoming_meetings,
)
from models.meetings.schedule import add_meeting
from models.meetings.sheet_import import import_meetings
from models.meetings.wording import checkin_times, day_and_time, named

CLI_BY = "命令行"


@click.group()
def meeting() -> None:
    """Organisational life (组织生活): branch meetings and check-in codes."""


@meeting.command("add")
@click.option("--org", "org_name", required=True, help="The branch (党支部), as the ledger names it.")
@click.option("--kind", required=True,
              help="支部党员大会, 支部委员会, 党小组会, 党课 (三会一课), 主题党日 or 组织生活会.")
@click.option("--title", default=None, help="The meeting's title (default: the kind's name).")
@click.option("--start", required=True, help='Start in Beijing time, e.g. "2026-12-20 19:30".')
@click.option("--place", default=None, help="Where members meet.")
@click.option("--link", default=None, help="The online meeting's link or number (for members away).")
@click.option("--code", default=None, help="The 4-digit check-in code (default: a new one).")
@click.option("--by", "created_by", default=CLI_BY, show_default=True, help="Who added it (recorded).")
@click.pass_context
def add(ctx: click.Context, org_name: str, kind: str, title: str | None, start: str, place: str | None,
        link: str | None, code: str | None, created_by: str) -> None:
    """Add a meeting of one branch, print its check-in code and queue the notice for every member
    of the branch bound to WeChat. Exit 2 for a value that cannot be read (named), a branch
    with a meeting of that kind that day, or a code another meeting not yet over uses."""
    rt = runtime_from(ctx)
    now = rt.clock.now()
    with rt.session() as s:
        resolver = branches(s)
        fields, problems = {}, []
        for name, read in (("org_id", lambda: find_branch(resolver, org_name)), ("kind", lambda: parse_kind(kind)),
                           ("starts_at", lambda: parse_start(start)), ("where", lambda: parse_where(place, link)),
                           ("code", lambda: parse_code(code))):
            try:
                fields[name] = read()
            except CellError as exc:
                problems.append(str(exc))
        try:
            if problems:
                raise CellError("；".join(problems))
            place_text, link_text = fields.pop("where")
            added = add_meeting(s, **fields, title=parse_title(title, fields["kind"]), place=place_text,
                                link=link_text, created_by=created_by, now=now, org_life=rt.settings.org_life)
        except CellError as exc:
            click.echo(f"没有添加会议：{exc}。", err=True)
            sys.exit(2)
        told = queue_notices(s, added, now)
        s.commit()
        click.echo(f"已添加：{day_and_time(added.starts_at)} {added.org.name} {named(added)}")
        if added.checkin_closes_at < now:
            click.echo(f"签到码：{added.code}。会议时间已过，没有发通知（只作记录）。")
        else:
            click.echo(f"签到码：{added.code}（签到时间 {checkin_times(added)}，请在会上公布；"
                       f"党员发“签到 {added.code}”签到）")
            click.echo(f"已给本支部 {told} 名绑定微信的党员发通知（窗口已关的，随其下条消息送达）。")


@meeting.command("list")
@click.option("--org", "org_name", default=None, help="Only this organisation and those below it.")
@click.pass_context
def list_meetings(ctx: click.Context, org_name: str | None) -> None:
    """Meetings not yet over, soonest first: time, place or link, code, who checked in and who
    asked for leave (with the reason)."""
    rt = existing_runtime_from(ctx)
    now = rt.clock.now()
    with rt.session() as s:
        org_ids = org_subtree_or_exit(s, org_name)
        meetings = upcoming_meetings(s, org_ids, now)
        if not meetings:
            click.echo("没有还没开完的会议。用 kiteline meeting add 或 kiteline import meetings 添加。")
            return
        for one in attendance_of_meetings(s, meetings, now):
            click.echo("\n".join(one.lines()))


@click.command("meetings")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Print the report and write nothing to the database.")
@click.pass_context
def import_meetings_command(ctx: click.Context, file: str, dry_run: bool) -> None:
    """Import meetings from an .xlsx or .csv list (所属党支部, 会议类型, 会议主题, 开始时间 — or
    会议日期 and 时间 —, 会议地点, 会议链接, 签到码).

    All or nothing: a file with a bad row stores nothing and lists every bad row. A meeting is
    matched by branch, kind and day: importing again updates what changed (members are told of
    a new time, place or link) and adds nothing twice. A new meeting without 签到码 gets one;
    the report prints them. --dry-run rolls everything back. Exit status 0 when imported, 2
    when the file cannot be read or has a bad row (nothing stored)."""
    _import_list(ctx, file, dry_run, "会议", lambda session, rows, rt: import_meetings(
        session, rows, now=rt.clock.now(), created_by=Path(file).name,
        org_life=rt.settings.org_life, dry_run=dry_run))


@click.command("meetings")
@click.option("--org", "org_name", default=None, help="Only this organisation and those below it.")
@click.option("--month", default=None, help="YYYY-MM (Beijing time; default: this month).")
@click.pass_context
def report_meetings(ctx: click.Context, org_name: str | None, month: str | None) -> None:
    """Each meeting of the month: who checked in (and when), who was on leave (and why), who was
    absent — a branch member with neither, once the meeting is over (for meetings added before
    they started)."""
    rt = existing_runtime_from(ctx)
    now = rt.clock.now()
    year, number = _month(month, now)
    start, end = month_bounds(year, number)
    with rt.session() as s:
        org_ids = org_subtree_or_exit(s, org_name)
        meetings = meetings_between(s, org_ids, start, end)
        click.echo(f"组织生活签到情况（{year}年{number}月，{org_name or '全部党组织'}，北京时间）")
        if not meetings:
            click.echo("这个月没有会议。")
            return
        for one in attendance_of_meetings(s, meetings, now):
            click.echo("\n".join(one.lines(codes=False)))


def _month(text: str | None, now: dt.datetime) -> tuple[int, int]:
    if text is None:
        local = now.astimezone(SHANGHAI)
        return local.year, local.month
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", text.strip())
    if match is None or not 1 <= int(match[2]) <= 12:
        click.echo(f"--month 应写成 2026-12 这样的年-月，不是“{text}”。", err=True)
        sys.exit(2)
    return int(match[1]), int(match[2])

