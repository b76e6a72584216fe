"""``kiteline import members FILE [--create-orgs] [--dry-run] [--errors FILE.xlsx]``: load a
branch's ledger (台账) into the roster. ``kiteline import orgs FILE [--dry-run]``: load the
district's org file (组织架构表) into the org tree. ``kiteline import liaisons FILE [--dry-run]``:
name each branch's red liaisons and the members they look after (红色联络员名单).
``kiteline import lessons FILE [--dry-run]``: fill the lesson library (学习资料) from a list.
``kiteline import stations FILE [--dry-run]``: add or update the sunshine stations (阳光驿站名单).
``kiteline import dues FILE [--org NAME] [--dry-run]``: a branch's dues sheet (党费收缴表)."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from bot.startup import runtime_from
from models.dues.sheet_import import import_dues
from models.ledger import CellError
from models.ledger_files import RejectedRows, TableError, open_table
from models.ledger_import import import_members
from models.lesson_file import read_lesson_file
from models.lesson_import import import_lessons
from models.liaisons.sheet_import import import_liaisons
from models.org_file import read_org_rows
from models.org_import import import_orgs
from models.org_tree import subtree_ids
from models.stations.sheet_import import import_stations

DRY_RUN_NOTE = "试导入（--dry-run）：以下是导入会做的事，没有写入任何数据。"


@click.group("import")
def import_group() -> None:
    """Load data from the files branches keep."""


@import_group.command("members")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--create-orgs", is_flag=True,
              help="Create townships/branches the ledger names but the database lacks, under district.name.")
@click.option("--dry-run", is_flag=True, help="Print the report and write nothing to the database.")
@click.option("--errors", "errors_file", type=click.Path(dir_okay=False),
              help="Write the rows left out, as the ledger had them plus a 问题 column, to this .xlsx.")
@click.pass_context
def import_members_command(ctx: click.Context, file: str, create_orgs: bool, dry_run: bool,
                           errors_file: str | None) -> None:
    """Import members from an .xlsx or .csv ledger.

    Every good row is imported in one transaction; every bad row is listed with its reason and
    left out (and, with --errors, written to a file staff correct and import). Importing the same
    file again adds nobody twice. --dry-run rolls everything back: the report is the one a real
    import would give. Exit status 0 when the file was read (bad rows are listed, not fatal), 2
    when it cannot be read at all."""
    rt = runtime_from(ctx)
    rejected = RejectedRows(errors_file) if errors_file else None
    try:
        with open_table(file) as table, rt.session() as session:
            progress = Progress(table.size) if sys.stderr.isatty() else None
            try:
                report = import_members(session, table.rows, district=rt.settings.district.name,
                                        create_orgs=create_orgs, now=rt.clock.now(),
                                        changed_by=Path(file).name, rejected=rejected,
                                        progress=progress,
                                        handover_template=rt.settings.wechat.templates["liaison_handover"])
            except CellError as exc:
                click.echo(f"{file}：{exc}，没有导入任何人。", err=True)
                sys.exit(2)
            finally:
                if progress is not None:
                    progress.done()
            if dry_run:
                session.rollback()
            else:
                session.commit()
    except (TableError, OSError) as exc:
        _unreadable(file, exc)
    if dry_run:
        click.echo(DRY_RUN_NOTE)
    summary = report.summary()
    click.echo(summary.replace("导入完成：", "试导入结果：", 1) if dry_run else summary)
    if rejected is not None:
        _save_rejected(rejected, errors_file)


@import_group.command("orgs")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Print the report and write nothing to the database.")
@click.pass_context
def import_orgs_command(ctx: click.Context, file: str, dry_run: bool) -> None:
    """Import townships, branches, secretaries and township contacts from an .xlsx or .csv org
    file (乡镇（街道）, 党支部, 书记, 书记电话, 支部电话, 乡镇联系人, 乡镇联系电话).

    All or nothing: a file with a bad row stores nothing and lists every bad row. Importing the
    same file again changes nothing and says so. --dry-run rolls everything back. Exit status 0
    when imported, 2 when the file cannot be read or has a bad row (nothing stored)."""
    _import_list(ctx, file, dry_run, "组织架构", lambda session, rows, rt: import_orgs(
        session, rows, district=rt.settings.district.name, now=rt.clock.now()))


@import_group.command("liaisons")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Print the report and write nothing to the database.")
@click.pass_context
def import_liaisons_command(ctx: click.Context, file: str, dry_run: bool) -> None:
    """Import each branch's red liaisons from an .xlsx or .csv list (所属党支部, 联络员姓名,
    联络员电话, and optionally 负责党员: the members each looks after, by name or 姓名 手机号).

    A liaison not on the roster, written with a phone, is added as a home member. A member
    whose liaison changes keeps the history, their open help requests go to the new liaison,
    and both liaisons and the member are told by WeChat. All or nothing: a file with a bad row
    stores nothing and lists every bad row. Importing the same file again changes nothing.
    --dry-run rolls everything back. Exit status 0 when imported, 2 when the file cannot be read
    or has a bad row (nothing stored)."""
    _import_list(ctx, file, dry_run, "联络员名单", lambda session, rows, rt: import_liaisons(
        session, rows, district=rt.settings.district.name, now=rt.clock.now(), changed_by=Path(file).name,
        template_id=rt.settings.wechat.templates["liaison_handover"]))


@import_group.command("stations")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Print the report and write nothing to the database.")
@click.pass_context
def import_stations_command(ctx: click.Context, file: str, dry_run: bool) -> None:
    """Import sunshine stations from an .xlsx or .csv list (驿站名称, 省份, 城市, 区县, 地址, 经度,
    纬度 or one 经纬度 column, 咨询热线, 服务时间, 服务内容). Coordinates are GCJ-02, as AMap's and
    Tencent Maps' coordinate pickers give them.

    A station is known by its name and city: importing again updates it, never adds it twice;
    stations the file does not name are left alone. Latitude and longitude in each other's
    columns are swapped and listed to check. All or nothing: a file with a bad row stores
    nothing and lists every bad row. --dry-run rolls everything back. Exit status 0 when
    imported, 2 when the file cannot be read or has a bad row (nothing stored)."""
    _import_list(ctx, file, dry_run, "阳光驿站", lambda session, rows, rt: import_stations(session, rows))
@import_group.command("dues")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--org", "org_name", help="The branch (or organisation) the sheet is of, for names without phone or branch.")
@click.option("--dry-run", is_flag=True, help="Print the report and write nothing to the database.")
@click.pass_context
def import_dues_command(ctx: click.Context, file: str, org_name: str | None, dry_run: bool) -> None:
    """Import a branch's dues sheet (党费) from an .xlsx or .csv: one row per member and month
    (姓名, 手机号, 所属党组织, 缴费月份, 缴纳金额（元）, 缴费日期, 缴费方式, 月缴纳标准) or one row per
    member with a column per month (1月 2月 …: the amount, or ✓ for the standard).

    A member is matched by name and phone, else by name within the row's branch (or --org). A
    month on record is updated, never added twice; a month the member reported (我交了) is
    confirmed and they are told. All or nothing: a file with a bad row stores nothing and lists
    every bad row. --dry-run rolls everything back. Exit status 0 when imported, 2 when the file
    cannot be read or has a bad row (nothing stored)."""
    def run(session, rows, rt):
        scope = subtree_ids(session, org_name) if org_name else None
        if org_name and not scope:
            raise CellError(f"没有叫“{org_name}”的党组织")
        return import_dues(session, rows, district=rt.settings.district.name, scope=scope,
                           start_month=rt.settings.dues.start_month, now=rt.clock.now(), changed_by=Path(file).name)
    _import_list(ctx, file, dry_run, "党费表", run)


def _import_list(ctx: click.Context, file: str, dry_run: bool, what: str, run) -> None:
    """Read a list a branch keeps (``models.org_file.read_org_rows``: the org file, the liaison
    list), import it with ``run(session, rows, runtime)`` and keep or roll back; an unreadable
    file or a bad row (``CellError``) ends with exit status 2 and ``what`` (组织架构 …) named."""
    rt = runtime_from(ctx)
    try:
        rows = read_org_rows(file)
    except (TableError, OSError) as exc:
        _unreadable(file, exc)
    with rt.session() as session:
        try:
            report = run(session, rows, rt)
        except CellError as exc:
            click.echo(f"{file}：{exc}，{what}没有导入。", err=True)
            sys.exit(2)
        _keep_or_roll_back(session, report, dry_run, f"{what}导入完成：")


@import_group.command("lessons")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Print the report and write nothing to the database.")
@click.pass_context
def import_lessons_command(ctx: click.Context, file: str, dry_run: bool) -> None:
    """Import lessons from an .xlsx, .csv or .yaml list (编号, 标题, 类别, 简介, 链接, 类型, 时长,
    标签, 发布日期, 面向组织).

    All or nothing: a file with a bad row stores nothing and lists every bad row with what to
    fix. A lesson is matched by 编号 (without one, by 链接): importing again updates what changed
    and never adds a lesson twice. --dry-run rolls everything back. Exit status 0 when imported,
    2 when the file cannot be read or has a bad row (nothing stored)."""
    rt = runtime_from(ctx)
    try:
        source = read_lesson_file(file)
    except (TableError, OSError) as exc:
        _unreadable(file, exc)
    with rt.session() as session:
        report = import_lessons(session, source, now=rt.clock.now())
        _keep_or_roll_back(session, report, dry_run, "学习资料导入完成：")


def _keep_or_roll_back(session, report, dry_run: bool, heading: str) -> None:
    """The end of an all-or-nothing import: commit ``report``'s work only when no row was bad and
    it is not a dry run, then print its summary (``heading`` becomes 试导入结果： on a dry run);
    with bad rows, list them and exit 2."""
    if dry_run or report.errors:
        session.rollback()
    else:
        session.commit()
    if report.errors:
        click.echo(report.summary(), err=True)
        sys.exit(2)
    if dry_run:
        click.echo(DRY_RUN_NOTE)
    summary = report.summary()
    click.echo(summary.replace(heading, "试导入结果：", 1) if dry_run else summary)


def _unreadable(file: str, exc: TableError | OSError) -> None:
    """Say why ``file`` could not be read, in the words staff act on, and exit 2."""
    why = exc if isinstance(exc, TableError) else "文件打不开，请确认它没有被其他程序占用、本账号有权读取。"
    click.echo(f"无法读取 {file}：{why}", err=True)
    sys.exit(2)


def _save_rejected(rejected: RejectedRows, path: str) -> None:
    try:
        rejected.save()
    except OSError as exc:
        click.echo(f"无法写出 {path}：{exc.strerror or exc}", err=True)
        sys.exit(2)
    click.echo(f"未导入的 {rejected.count} 行已写入 {path}（原样各列，加“问题”一列）；"
               "在表里改正后直接导入这个文件即可。")


class Progress:
    """The rows read so far, rewritten in place on stderr (the CLI shows it only on a terminal,
    so logs and pipes get the report alone)."""

    def __init__(self, size: int | None) -> None:
        self.total = f" / {size:,}" if size else ""
        self.shown = False

    def __call__(self, rows: int) -> None:
        click.echo(f"\r已读 {rows:,}{self.total} 行…", err=True, nl=False)
        self.shown = True

    def done(self) -> None:
        """End the line, so the report starts on its own."""
        if self.shown:
            click.echo("", err=True)
