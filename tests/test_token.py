"""One access_token per account, shared by every process, refreshed by one at a time."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from bot.cli import main
from bot.sandbox.state import tokens
from bot.wechat_api import wechat_client
from models import token as token_store
from models.token import SharedToken

pytestmark = pytest.mark.postgres

KEY = "wxkiteline0sandbox_access_token"


def issued(runtime) -> int:
    with runtime.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(tokens))


def test_two_processes_share_one_token(app, runtime):
    web, dispatcher = wechat_client(runtime, app), wechat_client(runtime, app)
    assert web.access_token == dispatcher.access_token
    assert issued(runtime) == 1


def test_expired_token_is_fetched_again(app, runtime, clock):
    client = wechat_client(runtime, app)
    first = client.access_token
    clock.advance(seconds=7200 - 30)  # inside the 60-second safety margin
    assert client.access_token != first
    with runtime.session() as s:
        row = s.get(SharedToken, KEY)
        assert row.expires_at == clock.now() + dt.timedelta(seconds=7200)
        assert row.refresh_lease_until is None


def test_a_refresh_already_done_elsewhere_is_reused(app, runtime):
    client = wechat_client(runtime, app)
    current = client.access_token

    def must_not_fetch():
        raise AssertionError("fetched although another process had refreshed")

    got = token_store.refresh_token(runtime.session, KEY, runtime.clock, must_not_fetch, stale="older")
    assert got == current


def test_only_one_process_holds_the_refresh_lease(runtime, clock):
    assert token_store._take_lease(runtime.session, KEY, clock.now()) is True
    assert token_store._take_lease(runtime.session, KEY, clock.now()) is False
    clock.advance(seconds=31)  # the holder crashed: its lease runs out
    assert token_store._take_lease(runtime.session, KEY, clock.now()) is True


def test_failed_fetch_releases_the_lease(runtime):
    def down():
        raise ConnectionError("platform unreachable")

    with pytest.raises(ConnectionError):
        token_store.refresh_token(runtime.session, KEY, runtime.clock, down)
    got = token_store.refresh_token(runtime.session, KEY, runtime.clock, lambda: ("t-2", 7200))
    assert got == "t-2"


def test_menu_sync_command_reports_the_buttons(db_url):
    runner = CliRunner()
    import bot.wechat_api  # noqa: F401  (registers ``menu sync``)

    config = Path(__file__).resolve().parents[1] / "config.yaml"
    result = runner.invoke(main, ["--config", str(config), "menu", "sync"],
                           env={"KITELINE_DATABASE__URL": db_url})
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "自定义菜单已推送：学习、求助、我的"
