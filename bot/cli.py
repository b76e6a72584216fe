"""The ``kiteline`` command. Each part registers its own sub-commands here (see the bottom)."""
from __future__ import annotations

import logging
import sys

import click
from sqlalchemy.exc import OperationalError

from bot.config import ConfigError, Settings, load_settings
from bot.runtime import Runtime, build_runtime
from models.migrations import schema


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


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@click.pass_context
def db_upgrade(ctx: click.Context) -> None:
    """Apply Alembic migrations up to the newest revision."""
    rt = runtime_or_exit(load_or_exit(ctx.obj["config"]))
    migrate_or_exit(rt)
    click.echo(f"数据库已升级到最新结构：{rt.engine.url.render_as_string(hide_password=True)}")


def run() -> None:
    """Console-script entry point: import every part that registers commands, then run."""
    import bot.chat_cli  # noqa: F401  (registers ``chat``)
    import bot.dialogs_cli  # noqa: F401  (registers ``dialogs``)
    import bot.dispatcher  # noqa: F401  (registers ``dispatcher``)
    import bot.export_cli  # noqa: F401  (registers ``export members``)
    import bot.import_cli  # noqa: F401  (registers ``import members``)
    import bot.invitations_cli  # noqa: F401  (registers ``export invitations``)
    import bot.nlu_cli  # noqa: F401  (registers ``nlu eval`` / ``nlu explain``)
    import bot.report_cli  # noqa: F401  (registers ``report delivery``)
    import bot.scheduler_cli  # noqa: F401  (registers ``scheduler``)
    import bot.serve  # noqa: F401  (registers ``serve``)
    import bot.wechat_api  # noqa: F401  (registers ``menu sync``)

    main()
