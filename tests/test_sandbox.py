"""The sandbox enforces what the WeChat platform enforces, learning from what members send."""
from __future__ import annotations

import pytest
import yaml
from wechatpy.exceptions import WeChatClientException

from bot.wechat_api import create_bind_qrcode, sync_menu, wechat_client
from handlers.settings_check import check_settings
from models.settings import ConfigError, load_settings
from tests.conftest import impatient_client

OPENID = "oKite_member_0001"


@pytest.fixture
def api(app, settings):
    """A bare HTTP caller of the sandbox with a fresh token, as any API user would be."""
    class Api:
        http = app.test_client()

        def token(self, **overrides) -> dict:
            query = {"grant_type": "client_credential", "appid": settings.wechat.app_id,
                     "secret": settings.wechat.app_secret, **overrides}
            return self.http.get("/cgi-bin/token", query_string=query).get_json()

        def stable(self, force: bool = False) -> dict:
            return self.http.post("/cgi-bin/stable_token", json={
                "grant_type": "client_credential", "appid": settings.wechat.app_id,
                "secret": settings.wechat.app_secret, "force_refresh": force}).get_json()

        def post(self, path: str, body: dict, token: str | None = None) -> dict:
            token = token or self.current
            return self.http.post(f"/cgi-bin/{path}", query_string={"access_token": token},
                                  json=body).get_json()

        def menu(self, token: str | None = None) -> dict:
            return self.http.get("/cgi-bin/menu/get",
                                 query_string={"access_token": token or self.current}).get_json()

        def text(self, content: str, openid: str = OPENID, token: str | None = None) -> int:
            return self.post("message/custom/send", {"touser": openid, "msgtype": "text",
                                                     "text": {"content": content}}, token)["errcode"]

        def received(self, openid: str = OPENID) -> list[str]:
            return [m["text"] for m in self.http.get(f"/sandbox/messages/{openid}").get_json()]

    caller = Api()
    caller.current = caller.token()["access_token"]
    return caller


def test_wrong_secret_gets_no_token(api):
    assert api.token(secret="guess")["errcode"] == 40125


def test_new_token_leaves_the_old_one_five_minutes(api, clock):
    old = api.current
    new = api.token()["access_token"]
    assert api.menu(old)["errcode"] == 46003  # accepted: no menu yet
    clock.advance(minutes=6)
    assert api.menu(old)["errcode"] == 40001
    assert api.menu(new)["errcode"] == 46003
    clock.advance(hours=2)
    assert api.menu(new)["errcode"] == 42001


def test_stable_token_is_the_same_until_it_expires_then_a_new_one(api, clock):
    first = api.stable()
    token = first["access_token"]
    clock.advance(seconds=first["expires_in"] - 61)
    assert api.stable() == {"errcode": 0, "errmsg": "ok", "access_token": token, "expires_in": 61}
    clock.advance(seconds=60)
    assert api.stable() == {"errcode": 0, "errmsg": "ok", "access_token": token, "expires_in": 1}
    assert api.menu(token)["errcode"] == 46003  # accepted: no menu yet
    clock.advance(seconds=1)
    assert api.menu(token)["errcode"] == 42001
    renewed = api.stable()
    assert renewed["access_token"] != token and renewed["expires_in"] == 7200
    assert api.menu(renewed["access_token"])["errcode"] == 46003


def test_forced_refresh_invalidates_the_previous_token_at_once(api):
    first = api.stable()["access_token"]
    forced = api.stable(force=True)["access_token"]
    assert forced != first
    assert api.menu(first)["errcode"] == 40001  # no overlap, unlike /cgi-bin/token
    assert api.menu(forced)["errcode"] == 46003
    assert api.stable()["access_token"] == forced


def test_stats_count_what_was_accepted_and_refused_by_api_and_code(chat, api):
    chat.say("你好")
    api.stable()
    api.stable()
    api.menu(token="not-a-token")
    api.http.post("/sandbox/faults", json={"path": "message/custom/send", "errcode": -1})
    assert [api.text("一"), api.text("二")] == [-1, 0]
    assert api.http.get("/sandbox/stats").get_json() == {
        "token": {"accepted": 1, "refused": {}},  # the fixture's token
        "stable_token": {"accepted": 2, "refused": {}},
        "menu/get": {"accepted": 0, "refused": {"40001": 1}},
        "message/custom/send": {"accepted": 1, "refused": {"-1": 1}},
    }
    api.http.delete("/sandbox/stats")
    assert api.http.get("/sandbox/stats").get_json() == {}


def test_window_after_a_message_is_48_hours_and_5_messages(chat, api, clock):
    assert api.text("早上好") == 40003  # never seen: no such follower
    chat.say("你好")
    assert [api.text(f"第{n}条") for n in range(1, 7)] == [0, 0, 0, 0, 0, 45047]
    chat.say("收到")
    clock.advance(hours=48)
    api.current = api.token()["access_token"]  # the old one expired after 2 h
    assert api.text("晚了") == 45015
    assert api.received() == ["第1条", "第2条", "第3条", "第4条", "第5条"]


def test_the_sandbox_learns_only_from_what_wechat_delivered(chat, make_chat, api):
    """WeChat's retry of a message (the same MsgId under a new nonce) is no second interaction,
    an encrypted message counts like one in clear, and a request not signed with the account's
    token is none of WeChat's deliveries."""
    hello = chat.xml("text", "<Content><![CDATA[你好]]></Content>", msg_id=True)
    chat.post(hello)
    assert [api.text(f"第{n}条") for n in range(1, 6)] == [0, 0, 0, 0, 0]
    assert chat.post(hello).status_code == 200
    assert api.text("第6条") == 45047
    safe = make_chat("oKite_member_0002", mode="safe")
    safe.say("你好")
    assert api.text("收到", openid="oKite_member_0002") == 0
    forged = make_chat("oKite_member_0003")
    assert forged.post(forged.xml("text", "<Content><![CDATA[你好]]></Content>", msg_id=True),
                       signature="0" * 40).status_code == 403
    assert api.text("你好", openid="oKite_member_0003") == 40003


def test_menu_click_or_follow_opens_one_minute_and_3_messages(chat, api, clock):
    chat.follow()
    assert [api.text(f"第{n}条") for n in range(1, 5)] == [0, 0, 0, 45047]
    chat.click("STUDY_TODAY")
    clock.advance(seconds=61)
    assert api.text("晚了") == 45015


def test_unfollowed_user_gets_nothing(chat, api):
    chat.say("你好")
    chat.unfollow()
    assert api.text("还在吗") == 43004
    template = {"touser": OPENID, "template_id": "TPL", "data": {"first": {"value": "通知"}}}
    assert api.post("message/template/send", template)["errcode"] == 43004


@pytest.mark.parametrize("value, errcode", [
    ("您的求助有了回复", 0),
    ("一二三四五六七八九十一二三四五六七八九十", 0),      # 20 characters
    ("一二三四五六七八九十一二三四五六七八九十一", 47003),  # 21
    ("第一行\n第二行", 47003),
])
def test_template_fields_are_at_most_20_characters_on_one_line(chat, api, value, errcode):
    chat.say("你好")
    body = {"touser": OPENID, "template_id": "TPL", "data": {"first": {"value": value}}}
    assert api.post("message/template/send", body)["errcode"] == errcode


def test_stale_token_is_refused_on_every_api(api):
    assert api.text("你好", token="not-a-token") == 40001


def test_faults_fail_the_next_calls_then_clear(chat, api):
    chat.say("你好")
    assert api.http.post("/sandbox/faults", json={"path": "message/custom/send"}).status_code == 400
    api.http.post("/sandbox/faults", json={"path": "message/custom/send", "errcode": -1, "count": 2})
    assert [api.text("一"), api.text("二"), api.text("三")] == [-1, -1, 0]
    api.http.post("/sandbox/faults", json={"path": "message/custom/send", "errcode": 45009})
    api.http.delete("/sandbox/faults")
    assert api.text("四") == 0
    assert api.received() == ["三", "四"]


@pytest.mark.parametrize("body, error", [
    ({"path": "message/custom/send", "errcode": "x"}, "errcode must be an integer (a WeChat error code), not 'x'"),
    ({"path": "message/custom/send", "errcode": -1, "count": "two"}, "count must be an integer, not 'two'"),
    ({"path": "message/custom/send", "latency_ms": "slow"}, "latency_ms must be an integer, not 'slow'"),
    ({"path": "message/custom/send", "errcode": -1, "rate": "often"}, "rate must be a number, not 'often'"),
    (["message/custom/send"], "the body must be a JSON object such as"),
])
def test_a_bad_fault_says_which_key_is_wrong(api, body, error):
    resp = api.http.post("/sandbox/faults", json=body)
    assert resp.status_code == 400
    assert error in resp.get_json()["error"]


def test_menu_sync_pushes_the_configured_menu(app, runtime, api):
    sync_menu(runtime, wechat_client(runtime, app))
    menu = api.menu()["menu"]["button"]
    assert [b["name"] for b in menu] == ["学习", "求助", "我的"]
    assert menu[0]["name"] == "学习"
    assert [(s["name"], s["key"]) for s in menu[0]["sub_button"]] == [
        ("今日学习", "STUDY_TODAY"), ("下一课", "STUDY_NEXT"), ("我的学习记录", "STUDY_RECORD")]
    assert [s["key"] for s in menu[2]["sub_button"]] == ["MY_INFO", "UPDATE_INFO", "MY_LIAISON", "STATIONS", "MENU"]


def test_menu_beyond_platform_limits_is_refused(api):
    buttons = [{"type": "click", "name": f"按钮{n}", "key": "MENU"} for n in range(4)]
    assert api.post("menu/create", {"button": buttons})["errcode"] == 40016
    assert api.post("menu/create", {"button": [{"type": "click", "name": "过长的菜单名字", "key": "MENU"}]})[
        "errcode"] == 40018


def test_bind_qrcode_is_permanent_and_carries_the_scene(app, runtime, settings):
    url = create_bind_qrcode(runtime, "K7Q2", wechat_client(runtime, app))
    assert url.startswith(settings.server.public_base_url + "/sandbox/qrcodes/")
    scanned = app.test_client().get(url.removeprefix(settings.server.public_base_url)).get_json()
    assert scanned["scene"] == {"scene_str": "bind_K7Q2"}
    assert scanned["permanent"] is True


def test_qrcode_scene_longer_than_64_characters_is_refused(app, runtime):
    with pytest.raises(WeChatClientException) as err:
        create_bind_qrcode(runtime, "x" * 60, wechat_client(runtime, app))
    assert err.value.errcode == 40097


@pytest.mark.parametrize("buttons, message", [
    ([{"name": "学习", "key": "STUDY"}], "menu.buttons.0.key"),
    ([{"name": "学习", "key": "STUDY_TODAY", "url": "https://example.invalid"}], "exactly one of"),
    ([{"name": "学习资料大全", "key": "STUDY_TODAY"}], "longer than 16 bytes"),
    ([{"name": f"按钮{n}", "key": "MENU"} for n in range(4)], "menu.buttons"),
])
def test_bad_menu_in_config_names_the_problem(tmp_path, buttons, message):
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump({"menu": {"buttons": buttons}}, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        check_settings(load_settings(path, env={}))  # menu keys: checked as a process starts


def test_a_fault_rate_fails_about_that_share_of_calls_until_cleared(chat, api):
    chat.say("你好")
    body = {"path": "message/template/send", "errcode": -1, "rate": 0.5}
    assert api.http.post("/sandbox/faults", json={**body, "rate": 1.5}).status_code == 400
    assert api.http.post("/sandbox/faults", json=body).status_code == 200
    template = {"touser": OPENID, "template_id": "TPL", "data": {"first": {"value": "通知"}}}
    codes = [api.post("message/template/send", template)["errcode"] for _ in range(200)]
    assert set(codes) == {0, -1}
    assert 60 <= codes.count(-1) <= 140
    api.http.delete("/sandbox/faults")
    assert api.post("message/template/send", template)["errcode"] == 0


def test_a_fault_after_acceptance_delivers_then_answers_too_late(chat, app, runtime, settings):
    import requests

    chat.say("你好")
    client = wechat_client(runtime, app)  # the configured timeout, which a loaded machine keeps to
    impatient = impatient_client(runtime, app, 0.2)
    app.test_client().post("/sandbox/faults", json={"path": "message/custom/send", "after_accept": True,
                                                     "latency_ms": 600})
    with pytest.raises(requests.ReadTimeout):
        impatient.message.send_text(OPENID, "到了吗")
    assert app.test_client().get(f"/sandbox/messages/{OPENID}").get_json()[0]["text"] == "到了吗"
    client.message.send_text(OPENID, "第二条")  # the fault was used up: answered
