"""``kiteline db upgrade``: apply the Alembic migrations (``serve`` does it on start too)."""
from __future__ import annotations

import click

from bot.startup import load_or_exit, migrate_or_exit, runtime_or_exit


@click.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@click.pass_context
def db_upgrade(ctx: click.Context) -> None:
    """Apply Alembic migrations up to the newest revision."""
    rt = runtime_or_exit(load_or_exit(ctx.obj["config"]))
    migrate_or_exit(rt)
    click.echo(f"数据库已升级到最新结构：{rt.engine.url.render_as_string(hide_password=True)}")
