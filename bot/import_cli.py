"""``kiteline import members FILE [--create-orgs]``: load a branch's ledger (台账) into the roster."""
from __future__ import annotations

import sys

import click

from bot.startup import runtime_from
from models.ledger import CellError
from models.ledger_import import import_members, read_table


@click.group("import")
def import_group() -> None:
    """Load data from the files branches keep."""


@import_group.command("members")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--create-orgs", is_flag=True,
              help="Create townships/branches the ledger names but the database lacks, under district.name.")
@click.pass_context
def import_members_command(ctx: click.Context, file: str, create_orgs: bool) -> None:
    """Import members from an .xlsx or .csv ledger.

    Every good row is imported in one transaction; every bad row is listed with its reason and
    left out. Importing the same file again adds nobody twice. Exit status 0 when the file was
    read (bad rows are listed, not fatal), 2 when it cannot be read at all."""
    rt = runtime_from(ctx)
    try:
        rows = read_table(file)
    except ValueError as exc:
        click.echo(f"无法读取 {file}：{exc}", err=True)
        sys.exit(2)
    except OSError:
        click.echo(f"无法读取 {file}：文件打不开，请确认它没有被其他程序占用、本账号有权读取。", err=True)
        sys.exit(2)
    with rt.session() as session:
        try:
            report = import_members(session, rows, district=rt.settings.district.name,
                                    create_orgs=create_orgs, now=rt.clock.now())
        except CellError as exc:
            click.echo(f"{file}：{exc}，没有导入任何人。", err=True)
            sys.exit(2)
        session.commit()
    click.echo(report.summary())
