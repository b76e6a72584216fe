"""``kiteline liaisons list|assign|move``: the red liaisons (红色联络员) of the 1+N contact
scheme, as district and township staff keep them — who looks after whom, every away member given
one, members moved from one liaison to another (``models.liaisons``)."""
from __future__ import annotations

import re
import sys

import click

from bot.report_cli import pad
from bot.startup import existing_runtime_from, org_subtree_or_exit, runtime_from
from models.liaisons.balance import balance
from models.liaisons.listing import liaisons_by_branch
from models.liaisons.moves import MoveRefused, find_liaison, move_members
from models.member import mask_phone

CLI_BY = "命令行"
DRY_RUN_NOTE = "试运行（--dry-run）：以下是会做的事，没有写入任何数据，也没有发出任何通知。"
# --members 张某,赵某 / 张某、赵某 / repeated --members
MEMBER_SEPARATORS = re.compile(r"[,，、;；\s]+")


@click.group()
def liaisons() -> None:
    """Red liaisons (红色联络员) and the members each looks after (1+N)."""


@liaisons.command("list")
@click.option("--org", "org_name", default=None, help="Only this organisation and those below it.")
@click.pass_context
def list_command(ctx: click.Context, org_name: str | None) -> None:
    """Each branch's liaisons with how many members each looks after (away ones among them),
    their open help requests and whether WeChat reaches them; and each branch's away members
    still without a liaison. Phones are masked."""
    rt = existing_runtime_from(ctx)
    with rt.session() as s:
        branches = liaisons_by_branch(s, org_subtree_or_exit(s, org_name))
    total = sum(len(b.liaisons) for b in branches)
    click.echo(f"红色联络员（{org_name or '全部党组织'}：党支部 {len(branches)} 个，联络员 {total} 人）")
    if not branches:
        click.echo("没有联络员，也没有流动党员。")
        return
    for b in branches:
        if not b.liaisons:
            click.echo(f"{b.branch}：没有红色联络员，流动党员 {b.away} 人都没有联络员")
            continue
        click.echo(f"{b.branch}：联络员 {len(b.liaisons)} 人，流动党员 {b.away} 人，其中没有联络员的 {b.unassigned} 人")
        for li in b.liaisons:
            click.echo(f"  {pad(li.name, 10)}{pad(mask_phone(li.phone) or '无手机号', 13)}"
                       f"{pad('已绑定微信' if li.bound else '未绑定微信', 12)}"
                       f"{pad(f'负责 {li.members} 人（流动 {li.away} 人）', 24)}未办结求助 {li.open_tickets} 件")


@liaisons.command("assign")
@click.option("--org", "org_name", default=None, help="A branch, or a township and every branch under it.")
@click.option("--by", "changed_by", default=CLI_BY, show_default=True, help="Who made the assignment (recorded).")
@click.option("--dry-run", is_flag=True, help="Print what would be assigned and write nothing.")
@click.pass_context
def assign_command(ctx: click.Context, org_name: str | None, changed_by: str, dry_run: bool) -> None:
    """Give every away member without a liaison one of their branch's liaisons, balanced (the
    liaison with the fewest members first; ties to the one named first). Members assigned are
    told their liaison's name, liaisons the members they got, by WeChat.

    Exit status 0 when every away member in scope has a liaison afterwards; 1 when some branch
    has none to give (those branches are named; the others are assigned and saved); 2 for an
    --org no organisation has."""
    rt = runtime_from(ctx)
    with rt.session() as s:
        org_ids = org_subtree_or_exit(s, org_name)
        outcomes, handover = balance(s, org_ids, now=rt.clock.now(), changed_by=changed_by,
                                     template_id=rt.settings.wechat.templates["liaison_handover"])
        if dry_run:
            s.rollback()
        else:
            s.commit()
    if dry_run:
        click.echo(DRY_RUN_NOTE)
    if not outcomes:
        click.echo(f"{org_name or '全部党组织'}的流动党员都已有红色联络员，没有要分配的。")
        return
    for o in outcomes:
        given = [f"{g.name} +{g.added}（共 {g.total} 人）" for g in o.given if g.added]
        if given:
            click.echo(f"{o.branch}：{o.waiting - o.left} 名流动党员分配了联络员 —— " + "、".join(given))
        if o.left:
            why = "本支部还没有红色联络员" if not o.given else "本支部唯一的联络员就是他们本人"
            click.echo(f"{o.branch}：{o.left} 名流动党员没有分配，{why}；请在组织架构表“红色联络员”一列"
                       "或用 kiteline import liaisons 指定联络员后再运行")
    left = sum(o.left for o in outcomes)
    click.echo(f"共分配 {sum(o.waiting - o.left for o in outcomes)} 人" + (f"，{left} 人没有联络员可分配。" if left else "。"))
    for line in handover.lines():
        click.echo(line)
    if left:
        sys.exit(1)


@liaisons.command("move")
@click.option("--from", "source", required=True, help="The liaison now: 姓名, 手机号 or 姓名/手机号.")
@click.option("--to", "target", required=True,
              help="The liaison taking over (姓名, 手机号 or 姓名/手机号); a member of the same branch becomes one.")
@click.option("--members", "members", multiple=True,
              help="Only these of their members (姓名 or 姓名/手机号, comma-separated or repeated); default: all.")
@click.option("--by", "changed_by", default=CLI_BY, show_default=True, help="Who made the change (recorded).")
@click.option("--dry-run", is_flag=True, help="Print what would be moved and write nothing.")
@click.pass_context
def move_command(ctx: click.Context, source: str, target: str, members: tuple[str, ...], changed_by: str,
                 dry_run: bool) -> None:
    """Move members from one liaison to another. The history is kept; their open help requests
    go to the new liaison (who can answer them by number); both liaisons are told by WeChat, and
    each member their new liaison's name. Exit status 2, nothing changed, when a liaison or a
    member cannot be found as written."""
    rt = runtime_from(ctx)
    named = [who for item in members for who in MEMBER_SEPARATORS.split(item) if who]
    with rt.session() as s:
        try:
            old = find_liaison(s, source)
            old_name = old.member.name
            moved = move_members(s, old, target, named or None, now=rt.clock.now(), changed_by=changed_by,
                                 template_id=rt.settings.wechat.templates["liaison_handover"])
        except MoveRefused as refused:
            click.echo(str(refused), err=True)
            sys.exit(2)
        if dry_run:
            s.rollback()
        else:
            s.commit()
    if dry_run:
        click.echo(DRY_RUN_NOTE)
    made = "（已设为本支部红色联络员）" if moved.made_liaison else ""
    click.echo(f"已把{old_name}负责的 {len(moved.members)} 名党员改由{moved.target}{made}联系：" + "、".join(moved.members))
    if moved.kept:
        click.echo("、".join(moved.kept) + f"是新联络员本人，仍由{old_name}联系。")
    for line in moved.handover.lines():
        click.echo(line)
