"""The ``kiteline`` command: the group and its options, and every sub-command added to it here,
from the module that holds it (none of them imports this module back)."""
from __future__ import annotations

import logging

import click

from bot.chat_cli import chat
from bot.db_cli import db
from bot.dialogs_cli import dialogs
from bot.dispatcher import dispatcher_command
from bot.export_cli import (
    export_lessons_command,
    export_members_command,
    export_orgs_command,
    export_stations_command,
)
from bot.import_cli import import_group
from bot.invitations_cli import export_group
from bot.liaisons_cli import liaisons
from bot.meetings_cli import import_meetings_command, meeting, report_meetings
from bot.member_cli import member
from bot.menu_cli import menu
from bot.nlu_cli import nlu
from bot.points_cli import report_points
from bot.report_cli import report
from bot.scheduler_cli import scheduler_role
from bot.serve import serve
from bot.transfer_cli import report_transfers, transfer


@click.group()
@click.option("--config", "config", envvar="KITELINE_CONFIG", default=None,
              help="Path to config.yaml (default: ./config.yaml, or $KITELINE_CONFIG).")
@click.option("-v", "--verbose", is_flag=True, help="Log debug detail.")
@click.pass_context
def main(ctx: click.Context, config: str | None, verbose: bool) -> None:
    """kiteline — 流动党员服务助手 (WeChat official-account bot)."""
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if not verbose:  # "Context impl SQLiteImpl" on every command helps no one
        logging.getLogger("alembic").setLevel(logging.WARNING)
    ctx.obj = {"config": config}


export_group.add_command(export_members_command)
export_group.add_command(export_orgs_command)
export_group.add_command(export_lessons_command)
export_group.add_command(export_stations_command)
report.add_command(report_transfers)
report.add_command(report_points)
for command in (serve, db, import_group, export_group, chat, scheduler_role, dispatcher_command,
                report, menu, nlu, dialogs, member, transfer, liaisons):
    main.add_command(command)
import_group.add_command(import_meetings_command)
report.add_command(report_meetings)
main.add_command(meeting)


def run() -> None:
    """Console-script entry point (``kiteline``)."""
    main()
