"""``kiteline export members FILE.xlsx [--org NAME]``: the ledger (台账) as the branch keeps it,
one row per member, ready to edit in Excel and import again (``models.ledger_export``).
``kiteline export orgs FILE.xlsx``: the org file, the same way (``models.org_export``).
``kiteline export lessons FILE.xlsx|FILE.yaml``: the lesson library (``models.lesson_export``).
``kiteline export stations FILE.xlsx``: the sunshine stations (``models.stations.export``)."""
from __future__ import annotations

import logging
import sys

import click

from bot.startup import existing_runtime_from, org_subtree_or_exit
from models.ledger_export import export_members
from models.lesson_export import export_lessons
from models.org_export import export_orgs
from models.stations.export import export_stations

log = logging.getLogger(__name__)


@click.command("members")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--org", "org_name", default=None, help="Only this organisation and those below it.")
@click.pass_context
def export_members_command(ctx: click.Context, file: str, org_name: str | None) -> None:
    """An .xlsx of every member (of --org's subtree): the columns the import reads — a file
    exported and imported again changes nothing — then 红色联络员, 状态, 最近核实, 最近联系 and
    积分. Phones are written in full: keep the file as safely as the paper ledger. Exit status 2
    when no organisation has that name or the file cannot be written."""
    rt = existing_runtime_from(ctx)
    with rt.session() as session:
        org_ids = org_subtree_or_exit(session, org_name)
        title = f"{org_name or rt.settings.district.name}流动党员台账"
        try:
            count = export_members(session, file, org_ids=org_ids, title=title, now=rt.clock.now())
        except OSError as exc:
            click.echo(f"无法写出 {file}：{exc.strerror or exc}", err=True)
            sys.exit(2)
    log.info("ledger exported: %d members of %s to %s", count, org_name or "every organisation", file)
    click.echo(f"已导出 {count} 人到 {file}（{org_name or '全部党组织'}）。"
               "表中手机号是完整号码，请像纸质台账一样妥善保管。")


@click.command("orgs")
@click.argument("file", type=click.Path(dir_okay=False))
@click.pass_context
def export_orgs_command(ctx: click.Context, file: str) -> None:
    """An .xlsx of the district's townships and branches under the headers ``import orgs``
    reads (a file exported and imported again changes nothing): 乡镇（街道）, 党支部, 书记, 书记电话,
    支部电话, 乡镇联系人, 乡镇联系电话. Phones in full. Exit status 2 when the file cannot be
    written."""
    rt = existing_runtime_from(ctx)
    with rt.session() as session:
        try:
            townships, branches = export_orgs(session, file, district=rt.settings.district.name)
        except OSError as exc:
            click.echo(f"无法写出 {file}：{exc.strerror or exc}", err=True)
            sys.exit(2)
    log.info("org file exported: %d townships, %d branches to %s", townships, branches, file)
    click.echo(f"已导出 {townships} 个乡镇（街道）、{branches} 个党支部到 {file}。"
               "表中手机号是完整号码，请妥善保管；改好后用 kiteline import orgs 导入。")


@click.command("lessons")
@click.argument("file", type=click.Path(dir_okay=False))
@click.pass_context
def export_lessons_command(ctx: click.Context, file: str) -> None:
    """The lesson library as an .xlsx (or, for a .yaml name, YAML) under the columns ``import
    lessons`` reads, in library order: a file exported and imported again changes nothing. Exit
    status 2 when the file cannot be written."""
    count = _export_list(ctx, file, export_lessons)
    log.info("lesson library exported: %d lessons to %s", count, file)
    click.echo(f"已导出 {count} 篇学习资料到 {file}。改好后用 kiteline import lessons 导入。")


@click.command("stations")
@click.argument("file", type=click.Path(dir_okay=False))
@click.pass_context
def export_stations_command(ctx: click.Context, file: str) -> None:
    """An .xlsx of every sunshine station under the headers ``import stations`` reads (a file
    exported and imported again changes nothing). Exit status 2 when the file cannot be
    written."""
    count = _export_list(ctx, file, export_stations)
    log.info("station list exported: %d stations to %s", count, file)
    click.echo(f"已导出 {count} 个阳光驿站到 {file}。改好后用 kiteline import stations 导入。")


def _export_list(ctx: click.Context, file: str, export) -> int:
    """Run ``export(session, file)`` (a list the matching import reads back) and return how many
    rows it wrote; a file that cannot be written is said so, exit status 2."""
    rt = existing_runtime_from(ctx)
    with rt.session() as session:
        try:
            return export(session, file)
        except OSError as exc:
            click.echo(f"无法写出 {file}：{exc.strerror or exc}", err=True)
            sys.exit(2)
