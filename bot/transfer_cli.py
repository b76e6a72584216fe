"""``kiteline transfer done NAME|PHONE`` (the branch marks a member's transfer of organisational
relationship done, the member is told) and ``kiteline report transfers [--org NAME]`` (every
request: open ones first, with whether the secretary was told by WeChat) —
``models.transfers``."""
from __future__ import annotations

import sys

import click

from bot.report_cli import pad
from bot.startup import existing_runtime_from, org_subtree_or_exit
from models.member import mask_phone
from models.member_file.history import find_members
from models.member_file.section import local_date
from models.transfers import (
    STATUS_NAMES,
    listed,
    mark_done,
    open_request,
    secretary_told,
)

CLI_DONE_BY = "命令行"


@click.group()
def transfer() -> None:
    """Transfer of organisational relationship (组织关系转接)."""


@transfer.command("done")
@click.argument("who")
@click.option("--org", "org_name", default=None, help="Look for the member in this organisation and below it.")
@click.option("--by", "done_by", default=CLI_DONE_BY, show_default=True, help="Who settled it (recorded).")
@click.pass_context
def done(ctx: click.Context, who: str, org_name: str | None, done_by: str) -> None:
    """Mark the open transfer request of the member WHO (name or phone) done and tell the member
    through WeChat. Exit 2 when nobody, or more than one member, has that name, or there is no
    open request."""
    rt = existing_runtime_from(ctx)
    with rt.session() as s:
        org_ids = org_subtree_or_exit(s, org_name)
        members = find_members(s, who, org_ids)
        if len(members) != 1:
            _say_who(members, who)
            sys.exit(2)
        member = members[0]
        request = open_request(s, member)
        if request is None:
            click.echo(f"{member.name}（{member.branch.name}）没有待办的组织关系转接申请。", err=True)
            sys.exit(2)
        told = mark_done(s, request, done_by, rt.clock.now())
        s.commit()
        tell = "已通过微信告诉本人" if told else "本人没有绑定微信，请电话告诉本人"
        click.echo(f"已把{member.name}（{member.branch.name}）的组织关系转接（转到{request.destination}）标为办结，{tell}。")


def _say_who(members, who: str) -> None:
    if not members:
        click.echo(f"没有找到“{who}”：请核对姓名或手机号（--org 限定的范围内）。", err=True)
        return
    click.echo(f"有{len(members)}位党员叫“{who}”，请用手机号指定：", err=True)
    for m in members:
        click.echo(f"  {m.name}  {m.phone or '未登记'}  {m.branch.name}", err=True)


@click.command("transfers")
@click.option("--org", "org_name", default=None, help="Only this organisation and those below it.")
@click.pass_context
def report_transfers(ctx: click.Context, org_name: str | None) -> None:
    """Every transfer request of the scope, open ones first: when asked, branch, member (masked
    phone), where to, status, and for open ones whether the secretary was told by WeChat;
    for done ones when and by whom."""
    rt = existing_runtime_from(ctx)
    with rt.session() as s:
        org_ids = org_subtree_or_exit(s, org_name)
        requests = listed(s, org_ids)
        click.echo(f"组织关系转接申请（{org_name or '全部党组织'}，{len(requests)} 条，日期为北京时间）")
        if not requests:
            click.echo("没有转接申请。")
            return
        click.echo(f"{pad('申请日期', 12)}{pad('党支部', 22)}{pad('党员', 24)}{pad('转往', 16)}{pad('状态', 20)}说明")
        for r in requests:
            m = r.member
            if r.status == "done":
                note = f"{local_date(r.done_at)} 由{r.done_by}办结"
            else:
                note = "书记已收到微信通知" if secretary_told(s, r) else "书记未收到微信通知，请电话联系书记"
            click.echo(f"{pad(local_date(r.requested_at), 12)}{pad(m.branch.name, 22)}"
                       f"{pad(f'{m.name} {mask_phone(m.phone)}', 24)}{pad(r.destination, 16)}"
                       f"{pad(STATUS_NAMES[r.status], 20)}{note}")
