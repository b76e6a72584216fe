"""One access_token per account, shared by every process, refreshed by one at a time."""
from __future__ import annotations

import datetime as dt
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import event, func, select

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


def fetches(app) -> int:
    """How many stable_token calls the sandbox accepted."""
    counts = app.test_client().get("/sandbox/stats").get_json()
    return counts.get("stable_token", {}).get("accepted", 0)


def test_a_token_serves_to_its_last_seconds_and_is_fetched_once_it_has_expired(app, runtime, clock):
    client = wechat_client(runtime, app)
    first = client.access_token
    clock.advance(seconds=7200 - 3)
    assert [client.access_token for _ in range(5)] == [first] * 5
    assert fetches(app) == 1
    clock.advance(seconds=3)
    second = client.access_token
    assert second != first
    assert [client.access_token for _ in range(5)] == [second] * 5
    assert fetches(app) == 2
    with runtime.session() as s:
        row = s.get(SharedToken, KEY)
        assert row.expires_at == clock.now() + dt.timedelta(seconds=7200)
        assert row.refresh_lease_until is None


def test_in_its_last_two_seconds_a_token_waits_for_the_clock_to_pass_its_expiry(app, runtime, clock):
    client = wechat_client(runtime, app)
    first = client.access_token
    clock.advance(seconds=7200 - 1)  # a call sent now might land after it expired

    def expire_soon():  # a clock running at twice real time: 1 s of it passes in 0.5 s
        for _ in range(40):
            time.sleep(0.025)
            clock.advance(milliseconds=50)

    mover = threading.Thread(target=expire_soon)
    started = time.monotonic()
    mover.start()
    second = client.access_token
    waited = time.monotonic() - started
    mover.join()
    assert second != first
    assert 0.4 <= waited < 1.5
    assert fetches(app) == 2


def test_a_frozen_clock_in_the_last_two_seconds_keeps_the_token(app, runtime, clock):
    client = wechat_client(runtime, app)
    first = client.access_token
    clock.advance(seconds=7200 - 1)
    started = time.monotonic()
    assert client.access_token == first  # the platform, on the same stopped clock, still takes it
    assert time.monotonic() - started < 1.0
    assert fetches(app) == 1


def test_a_token_handed_back_is_not_asked_for_again_before_it_expires(app, runtime, clock):
    client = wechat_client(runtime, app)
    first = client.access_token
    with runtime.session() as s:  # a process that thought it would expire 100 s early
        s.get(SharedToken, KEY).expires_at -= dt.timedelta(seconds=100)
        s.commit()
    clock.advance(seconds=7100)
    assert client.access_token == first  # asked once: the platform hands back the same one
    for _ in range(3):
        clock.advance(seconds=30)
        assert client.access_token == first
    assert fetches(app) == 2
    clock.advance(seconds=11)  # its end, plus the second expires_in may have rounded away
    assert client.access_token != first
    assert fetches(app) == 3


def test_a_refused_token_is_replaced_at_once(app, runtime):
    client = wechat_client(runtime, app)
    first = client.access_token
    forced = app.test_client().post("/cgi-bin/stable_token", json={
        "grant_type": "client_credential", "appid": runtime.settings.wechat.app_id,
        "secret": runtime.settings.wechat.app_secret, "force_refresh": True}).get_json()
    assert client.menu.create({"button": [{"type": "click", "name": "学习", "key": "STUDY_TODAY"}]})
    assert client.access_token == forced["access_token"] != first
    stats = app.test_client().get("/sandbox/stats").get_json()
    assert stats["menu/create"] == {"accepted": 1, "refused": {"40001": 1}}
    assert fetches(app) == 3  # ours, the forced one, and ours again after the refusal


def test_a_refresh_already_done_elsewhere_is_reused(app, runtime):
    client = wechat_client(runtime, app)
    current = client.access_token

    def must_not_fetch():
        raise AssertionError("fetched although another process had refreshed")

    got = token_store.refresh_token(runtime.session, KEY, runtime.clock, must_not_fetch, stale="older")
    assert got == current


def test_only_one_process_holds_the_refresh_lease(runtime, clock):
    nothing = token_store.Seen(None, None)
    assert token_store._take_lease(runtime.session, KEY, clock.now(), nothing) is True
    assert token_store._take_lease(runtime.session, KEY, clock.now(), nothing) is False
    clock.advance(seconds=31)  # the holder crashed: its lease runs out
    assert token_store._take_lease(runtime.session, KEY, clock.now(), nothing) is True


def test_no_lease_for_a_process_that_saw_an_older_token(runtime, clock):
    token_store.refresh_token(runtime.session, KEY, clock, lambda: ("t-1", 7200))
    # It read the row before "t-1" arrived; fetching now would only fetch "t-1" again.
    assert token_store._take_lease(runtime.session, KEY, clock.now(), token_store.Seen(None, None)) is False


def test_failed_fetch_releases_the_lease(runtime):
    def down():
        raise ConnectionError("platform unreachable")

    with pytest.raises(ConnectionError):
        token_store.refresh_token(runtime.session, KEY, runtime.clock, down)
    got = token_store.refresh_token(runtime.session, KEY, runtime.clock, lambda: ("t-2", 7200))
    assert got == "t-2"


def test_menu_sync_command_reports_the_buttons(db_url):
    runner = CliRunner()

    config = Path(__file__).resolve().parents[1] / "config.yaml"
    result = runner.invoke(main, ["--config", str(config), "menu", "sync"],
                           env={"KITELINE_DATABASE__URL": db_url})
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "自定义菜单已推送：学习、求助、我的"


def test_a_client_reads_the_shared_token_at_most_once_a_second(app, runtime, clock):
    client = wechat_client(runtime, app)
    first = client.access_token
    reads = []

    def count(_conn, _cursor, statement, *_args):
        if "shared_tokens" in statement:
            reads.append(statement)

    event.listen(runtime.engine, "before_cursor_execute", count)
    try:
        for _ in range(5):
            assert client.access_token == first  # the row read a moment ago still serves
        assert reads == []
        clock.advance(seconds=2)  # later on the business clock: the row is read again
        assert client.access_token == first
        assert len(reads) == 1
    finally:
        event.remove(runtime.engine, "before_cursor_execute", count)
