"""``kiteline export invitations FILE.xlsx``: each unbound member's invitation QR code, for the
branch to print or send. Scanning it follows the account and binds that member in one step
(scene ``bind_<code>``)."""
from __future__ import annotations

import click
from openpyxl import Workbook
from sqlalchemy import select

from bot.runtime import Runtime
from bot.startup import runtime_from
from bot.wechat_api import create_bind_qrcode, in_process_sandbox, wechat_client
from models.binding import new_bind_code
from models.member import Member, mask_phone
from models.org import Organization
from models.org_tree import branch_labels

HEADERS = ("姓名", "所属党支部", "手机号", "绑定码", "邀请二维码链接")


@click.group("export")
def export_group() -> None:
    """Write files for branch staff."""


@export_group.command("invitations")
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
@click.option("--branch", default=None, help="Only this branch (its full name, e.g. 白杨村党支部).")
@click.pass_context
def export_invitations(ctx: click.Context, file: str, branch: str | None) -> None:
    """An .xlsx of unbound members with their invitation QR code links (permanent codes)."""
    rt = runtime_from(ctx)
    rows = invitation_rows(rt, branch)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "邀请二维码"
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    workbook.save(file)
    click.echo(f"已导出 {len(rows)} 名未绑定党员的邀请二维码：{file}")


def invitation_rows(rt: Runtime, branch: str | None = None) -> list[tuple[str, str, str, str, str]]:
    """(name, branch, masked phone, bind code, QR link) for every unbound member, by branch.
    ``branch`` may be named as a ledger names it (白杨村党支部 or 红柳镇白杨村党支部).

    Members without a bind code get one first. The QR codes are created through the WeChat API
    (the sandbox in sandbox mode), after the database transaction has ended. Raises
    ``click.UsageError`` for a branch that does not exist."""
    with rt.session() as s:
        branches = {b.id: b for b in s.scalars(select(Organization).where(Organization.kind == "branch"))
                    if branch is None or branch in branch_labels(b)}
        if branch and not branches:
            raise click.UsageError(f"找不到党支部“{branch}”")
        members = s.scalars(select(Member).where(Member.openid.is_(None), Member.branch_id.in_(branches))
                            .order_by(Member.branch_id, Member.id)).all()
        for member in members:
            member.bind_code = member.bind_code or new_bind_code(s)
        found = [(m, _ledger_name(branches[m.branch_id])) for m in members]
        s.commit()
    app = in_process_sandbox(rt)
    client = wechat_client(rt, app)
    return [(m.name, branch_name, mask_phone(m.phone), m.bind_code, create_bind_qrcode(rt, m.bind_code, client))
            for m, branch_name in found]


def _ledger_name(branch: Organization) -> str:
    """How ledgers write a branch: its township, then its own name (红柳镇白杨村党支部)."""
    township = next((n.name for n in branch.path() if n.kind == "township"), "")
    return township + branch.name
