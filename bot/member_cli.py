"""``kiteline member show NAME|PHONE [--org NAME]``: the member file (一人一档) for the branch
secretary until the console exists — the ledger record with the phone in full (it is the
branch's own ledger), the file's sections, and every change ever recorded."""
from __future__ import annotations

import logging
import sys

import click

from bot.startup import existing_runtime_from, org_subtree_or_exit
from models.member import mask_phone
from models.member_file import render
from models.member_file.history import (
    find_members,
    history_lines,
    ledger_lines,
    phone_in,
)

log = logging.getLogger(__name__)


@click.group()
def member() -> None:
    """Members' files (一人一档)."""


@member.command("show")
@click.argument("who")
@click.option("--org", "org_name", default=None, help="Only members of this organisation and those below it.")
@click.pass_context
def show(ctx: click.Context, who: str, org_name: str | None) -> None:
    """Print the file of the member WHO (name, or phone in any spelling). Exit 2 when nobody
    matches, or when several do (they are listed: by name, to ask again by phone; by phone, with
    their names and branches)."""
    rt = existing_runtime_from(ctx)
    with rt.session() as s:
        org_ids = org_subtree_or_exit(s, org_name)
        found = find_members(s, who, org_ids)
        if not found:
            click.echo(f"没有找到“{who}”：请核对姓名或手机号" + ("（在 --org 的范围内）。" if org_name else "。"), err=True)
            sys.exit(2)
        if len(found) > 1:
            phone = phone_in(who)
            click.echo(f"有{len(found)}位党员登记了手机号 {phone}：" if phone is not None
                       else f"有{len(found)}位党员叫“{who}”，请用手机号再查：", err=True)
            for m in found:
                click.echo(f"  {m.name}  {m.phone or '未登记'}  {m.branch.name}", err=True)
            sys.exit(2)
        m = found[0]
        # DESIGN.md §5: every read of a member file is in the audit log (phone masked there).
        log.info("member file read: %s %s (%s)", m.name, mask_phone(m.phone), m.branch.name)
        click.echo(f"【{m.name}的档案】")
        click.echo("\n".join(ledger_lines(m)))
        click.echo("\n".join(render(s, m, rt.clock.now(), leave_out=("info",))))
        changes = history_lines(s, m)
        click.echo(f"【变更记录】共 {len(changes)} 条（北京时间）")
        click.echo("\n".join(changes) if changes else "没有变更记录。")
