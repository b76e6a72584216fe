"""``kiteline chat`` as someone at a terminal uses it: what they type reaches the bot as WeChat
would deliver it, and they read the reply. The CLI's HTTP calls go to the test app in-process."""
import datetime as dt
from urllib.parse import urlsplit

import pytest
import requests
from click.testing import CliRunner

from bot.cli import main
from bot.demo import STATIONS
from models.stations import Station
from tests.conftest import ManualClock
from tests.test_help_request import setup_roster


@pytest.fixture
def clock() -> ManualClock:
    # The CLI signs with the real time, and the webhook checks it against the app's clock.
    return ManualClock(dt.datetime.now(dt.timezone.utc))


class _Response:
    def __init__(self, resp) -> None:
        self.status_code, self.text = resp.status_code, resp.get_data(as_text=True)
        self._json = resp.get_json(silent=True)

    def json(self):
        return self._json


@pytest.fixture
def kiteline_chat(app, settings_env, monkeypatch):
    """Run ``kiteline chat ARGS…`` against the test app; returns what the terminal shows."""
    client = app.test_client()

    def request(method, url, timeout=None, params=None, data=None):
        return _Response(client.open(urlsplit(url).path, method=method.upper(), query_string=params,
                                     data=data, content_type="text/xml"))

    monkeypatch.setattr(requests, "request", request)

    def run(*args: str) -> str:
        result = CliRunner().invoke(main, ["chat", *args], env=settings_env)
        assert result.exit_code == 0, result.output
        return result.output

    return run


def test_terminal_control_characters_are_left_out_and_the_member_gets_a_reply(kiteline_chat, session):
    setup_roster(session)
    shown = kiteline_chat("--openid", "oKite_member_0001", "求助\x07\x1b[31m 工资没发")
    assert shown.startswith("公众号> 已收到您的求助（欠薪），编号 ")


def test_an_empty_text_is_sent_as_an_empty_message_not_a_prompt(kiteline_chat, session):
    setup_roster(session)
    shown = kiteline_chat("--openid", "oKite_member_0001", "")
    assert shown.startswith("公众号> ") and len(shown.splitlines()) == 1


def test_a_location_is_sent_as_wechat_sends_one(kiteline_chat, session):
    session.add_all(Station(**fields) for fields in STATIONS)
    session.commit()
    assert kiteline_chat("--openid", "oKite_stranger", "附近的阳光驿站").startswith("公众号> 想找离您最近的阳光驿站")
    shown = kiteline_chat("--openid", "oKite_stranger", "--location", "39.9,116.4,北京市东城区")
    assert shown.splitlines()[:2] == ["公众号> 离您最近的阳光驿站：", "1. 北京丰台阳光驿站（北京，约11公里）"]


def test_chatting_goes_on_after_the_sandbox_clock_was_moved_a_day_ahead(kiteline_chat, app, session):
    setup_roster(session)
    assert app.test_client().post("/sandbox/clock", json={"advance_seconds": 86400}).status_code == 200

    shown = kiteline_chat("--openid", "oKite_member_0001", "求助 工资没发")

    assert shown.startswith("公众号> 已收到您的求助（欠薪），编号 ")  # signed with the sandbox's time


def test_port_picks_the_server_to_talk_to(app, settings_env, monkeypatch, session):
    setup_roster(session)
    client, urls = app.test_client(), []

    def request(method, url, timeout=None, params=None, data=None):
        urls.append(url)
        return _Response(client.open(urlsplit(url).path, method=method.upper(), query_string=params,
                                     data=data, content_type="text/xml"))

    monkeypatch.setattr(requests, "request", request)
    result = CliRunner().invoke(main, ["chat", "--port", "9123", "菜单"], env=settings_env)
    assert result.exit_code == 0, result.output
    assert urls and all(u.startswith("http://127.0.0.1:9123/") for u in urls)


@pytest.mark.parametrize("failure", [requests.ConnectionError("refused"), requests.ReadTimeout("slow")])
def test_a_server_that_cannot_be_reached_is_named_with_what_to_try(settings_env, monkeypatch, failure):
    def request(method, url, **_kw):
        raise failure

    monkeypatch.setattr(requests, "request", request)
    result = CliRunner().invoke(main, ["chat", "--port", "9124", "菜单"], env=settings_env)
    assert result.exit_code == 1
    assert "http://127.0.0.1:9124/wechat" in result.output
    assert "--port" in result.output
    assert "Traceback" not in result.output
