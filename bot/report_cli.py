"""``kiteline report …``: what staff need to see. ``report delivery``: how the outbox's
messages fared and which ones need a person (``models.delivery.report``)."""
from __future__ import annotations

import datetime as dt
import unicodedata

import click

from bot.startup import existing_runtime_from, org_subtree_or_exit
from models.delivery.purposes import purpose_name
from models.delivery.report import (
    STATUS_NAMES,
    attention_line,
    counts,
    needing_attention,
)


@click.group()
def report() -> None:
    """Reports for staff (报表)."""


@report.command("delivery")
@click.option("--days", type=click.IntRange(min=1), default=7, show_default=True,
              help="Messages queued in the last N days.")
@click.option("--org", "org_name", default=None, help="Only this organisation and those below it.")
@click.pass_context
def delivery(ctx: click.Context, days: int, org_name: str | None) -> None:
    """Counts by purpose and status, then every message that failed, was not delivered, has an
    unknown outcome or was left mid-send. Phones are masked."""
    rt = existing_runtime_from(ctx)
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


def pad(text: str, columns: int) -> str:
    """``text`` followed by spaces up to ``columns`` terminal columns (a Chinese character
    takes two), so the table lines up."""
    width = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(columns - width, 1)
