"""``kiteline menu sync``: push the custom menu (自定义菜单) in ``config.yaml`` to WeChat, or to
the sandbox in sandbox mode."""
from __future__ import annotations

import click
import requests
from wechatpy.exceptions import WeChatClientException

from bot.startup import runtime_from
from bot.wechat_api import in_process_sandbox, sync_menu, wechat_client


@click.group()
def menu() -> None:
    """The custom menu (自定义菜单)."""


@menu.command("sync")
@click.pass_context
def menu_sync(ctx: click.Context) -> None:
    """Push menu.buttons from config.yaml to WeChat (or to the sandbox in sandbox mode)."""
    rt = runtime_from(ctx)
    app = in_process_sandbox(rt)
    try:
        sync_menu(rt, wechat_client(rt, app))
    except ValueError as exc:
        raise click.ClickException(f"没有可推送的菜单：{exc}") from exc
    except WeChatClientException as exc:
        raise click.ClickException(
            f"微信拒绝了菜单（{exc.errcode} {exc.errmsg}），请检查 config.yaml 的 menu。") from exc
    except requests.RequestException as exc:
        raise click.ClickException(
            f"连不上微信接口 {rt.settings.wechat.api_base_url}，请检查网络后再试。") from exc
    names = "、".join(b.name for b in rt.settings.menu.buttons)
    click.echo(f"自定义菜单已推送：{names}")
