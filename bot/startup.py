"""What a ``kiteline`` command does before its own work: settings, the runtime, the newest schema —
each, when it cannot be had, a one-line message naming the cause and exit status 2."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from bot.runtime import Runtime, build_runtime
from models.migrations import schema
from models.org_tree import subtree_ids
from models.settings import ConfigError, Settings, load_settings


def load_or_exit(config_path: str | None, env: dict[str, str] | None = None) -> Settings:
    """Settings, or a one-line message naming the bad key and exit status 2."""
    try:
        return load_settings(config_path, env)
    except ConfigError as exc:
        click.echo(f"配置错误 (configuration error): {exc}", err=True)
        sys.exit(2)


def runtime_from(ctx: click.Context) -> Runtime:
    """The runtime for this invocation, with the database migrated to the newest schema."""
    rt = runtime_or_exit(load_or_exit(ctx.obj["config"]))
    migrate_or_exit(rt)
    return rt


def existing_runtime_from(ctx: click.Context) -> Runtime:
    """:func:`runtime_from` for commands that only read what is there (reports, exports): a
    SQLite file that does not exist yet — a relative ``database.url`` run from another folder —
    is a one-line message and exit 2, not an empty database reporting "nothing to do"."""
    settings = load_or_exit(ctx.obj["config"])
    url = make_url(settings.database.url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        path = Path(url.database)
        if not path.exists():
            click.echo(f"找不到数据库文件 {path.resolve()}（database.url: {settings.database.url}）："
                       "请在运行 kiteline serve 的目录里执行，或在 database.url 里写绝对路径。", err=True)
            sys.exit(2)
    rt = runtime_or_exit(settings)
    migrate_or_exit(rt)
    return rt


def org_subtree_or_exit(session: Session, org_name: str | None) -> set[int] | None:
    """``--org NAME``: the ids of that organisation and all below it, ``None`` without the
    option; a name no organisation has is a one-line message and exit 2."""
    if not org_name:
        return None
    org_ids = subtree_ids(session, org_name)
    if not org_ids:
        click.echo(f"没有名为“{org_name}”的党组织，请核对名称（与台账、组织架构里写法一致）。", err=True)
        sys.exit(2)
    return org_ids


def runtime_or_exit(settings: Settings) -> Runtime:
    """The runtime, or a one-line message naming what in the configuration stops it, exit 2."""
    try:
        return build_runtime(settings)
    except ConfigError as exc:
        click.echo(f"配置错误 (configuration error): {exc}", err=True)
        sys.exit(2)


def migrate_or_exit(rt: Runtime) -> None:
    """Apply migrations; an unreachable or unusable database is a one-line message and exit 2."""
    try:
        schema.upgrade(rt.engine)
    except OperationalError as exc:
        where = rt.engine.url.render_as_string(hide_password=True)
        click.echo(f"无法连接数据库 {where}（database.url）：{str(exc.orig).strip().splitlines()[0]}", err=True)
        sys.exit(2)
