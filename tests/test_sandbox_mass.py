"""The sandbox's mass send (群发 by openid list) keeps the platform's rules: 2–10,000 openids, 4 a
member a calendar month (Beijing time; over it a member is filtered and gets nothing),
``clientmsgid`` idempotence (45065 with the first msg_id), 60 calls a minute; and reports each
send to the webhook as the ``MASSSENDJOBFINISH`` event, in the account's encryption mode."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from bot.sandbox import push_finished, state
from bot.sandbox.pushes import MASS_HELPER
from models.follower import Follower
from models.inbound import InboundMessage
from tests.conftest import TEST_AES_KEY

MEMBERS = ["oKite_member_0001", "oKite_member_0002", "oKite_member_0003"]


@pytest.fixture
def api(app, settings, runtime):
    """A bare caller of the sandbox's mass-send API; the three members follow the account."""
    state.add_followers(runtime.engine, MEMBERS)

    class Api:
        http = app.test_client()

        def renew(self) -> None:
            self.token = self.http.get("/cgi-bin/token", query_string={
                "grant_type": "client_credential", "appid": settings.wechat.app_id,
                "secret": settings.wechat.app_secret}).get_json()["access_token"]

        def post(self, path: str, body: dict) -> dict:
            return self.http.post(f"/cgi-bin/{path}", query_string={"access_token": self.token},
                                  json=body).get_json()

        def mass(self, openids: list[str], content: str = "本周学习汇总", clientmsgid: str | None = None) -> dict:
            body = {"touser": openids, "msgtype": "text", "text": {"content": content}, "send_ignore_reprint": 0}
            if clientmsgid is not None:
                body["clientmsgid"] = clientmsgid
            return self.post("message/mass/send", body)

        def received(self, openid: str) -> list[tuple[str, str]]:
            return [(m["channel"], m["text"]) for m in self.http.get(f"/sandbox/messages/{openid}").get_json()]

    caller = Api()
    caller.renew()
    return caller


@pytest.mark.parametrize("count", [0, 1, 10_001])
def test_a_list_of_fewer_than_2_or_more_than_10000_openids_is_refused(api, count):
    answer = api.mass([f"oKite_x{n:05d}" for n in range(count)])
    assert answer["errcode"] == 40130
    assert api.received(MEMBERS[0]) == []


def test_each_follower_named_receives_the_text_on_channel_mass(api):
    answer = api.mass(MEMBERS[:2], "第48周学习汇总：3篇新课")
    assert answer["errcode"] == 0 and answer["msg_id"] > 0
    assert api.received(MEMBERS[0]) == [("mass", "第48周学习汇总：3篇新课")]
    assert api.received(MEMBERS[1]) == [("mass", "第48周学习汇总：3篇新课")]
    assert api.received(MEMBERS[2]) == []
    assert api.post("message/mass/get", {"msg_id": answer["msg_id"]}) == {
        "errcode": 0, "errmsg": "ok", "msg_id": answer["msg_id"], "msg_status": "SEND_SUCCESS"}
    assert api.post("message/mass/get", {"msg_id": 42})["errcode"] == 40059


@pytest.mark.parametrize("body, errcode", [
    ({"msgtype": "text", "text": {"content": ""}}, 44004),
    ({"msgtype": "mpnews", "mpnews": {"media_id": "m"}}, 40008),
    ({"msgtype": "text", "text": {"content": "x"}, "clientmsgid": "k" * 65}, 45067),
])
def test_a_malformed_send_is_refused(api, body, errcode):
    assert api.post("message/mass/send", {"touser": MEMBERS, **body})["errcode"] == errcode


def test_the_same_clientmsgid_within_24_hours_is_45065_with_the_first_msg_id(api, clock):
    first = api.mass(MEMBERS, clientmsgid="kiteline-mass-1-abc")
    again = api.mass(MEMBERS, clientmsgid="kiteline-mass-1-abc")
    assert again == {"errcode": 45065, "errmsg": "clientmsgid exist", "msg_id": first["msg_id"]}
    assert api.received(MEMBERS[0]) == [("mass", "本周学习汇总")]
    clock.advance(hours=24, seconds=1)
    api.renew()
    assert api.mass(MEMBERS, clientmsgid="kiteline-mass-1-abc")["errcode"] == 0
    assert len(api.received(MEMBERS[0])) == 2


def test_a_fifth_send_in_a_calendar_month_is_filtered_until_the_next_month(api, app, clock, runtime):
    for week in range(4):
        assert api.mass(MEMBERS[:2], f"第{week + 1}周")["errcode"] == 0
    state.add_followers(runtime.engine, ["oKite_member_0004"])
    fifth = api.mass([*MEMBERS[:2], "oKite_member_0004"], "第5周")
    assert fifth["errcode"] == 0  # accepted; the two members over 4 are filtered
    assert [text for _, text in api.received(MEMBERS[0])] == ["第1周", "第2周", "第3周", "第4周"]
    assert api.received("oKite_member_0004") == [("mass", "第5周")]
    with runtime.engine.begin() as conn:
        job = conn.execute(select(state.mass_jobs).where(state.mass_jobs.c.body["content"].as_string() == "第5周")).one()
    assert (job.total, job.filtered, job.sent, job.errors) == (3, 1, 1, 0)
    # 2026-12-01 00:00 in Beijing is 2026-11-30 16:00 UTC: a new month, a new quota.
    clock.current = dt.datetime(2026, 11, 30, 15, 59, tzinfo=dt.timezone.utc)
    api.renew()
    api.mass(MEMBERS[:2], "十一月最后一分钟")
    assert len(api.received(MEMBERS[0])) == 4
    clock.current = dt.datetime(2026, 11, 30, 16, 0, tzinfo=dt.timezone.utc)
    api.mass(MEMBERS[:2], "十二月第1周")
    assert api.received(MEMBERS[0])[-1] == ("mass", "十二月第1周")


def test_unknown_and_unfollowed_openids_receive_nothing_and_count_as_errors(api, runtime, make_chat):
    make_chat(MEMBERS[1]).unfollow()
    api.mass([MEMBERS[0], MEMBERS[1], "oKite_nobody"])
    assert api.received(MEMBERS[1]) == [] and api.received("oKite_nobody") == []
    with runtime.engine.begin() as conn:
        job = conn.execute(select(state.mass_jobs)).one()
    assert (job.total, job.filtered, job.sent, job.errors) == (3, 3, 1, 2)


def test_more_than_60_sends_a_minute_are_refused(api, clock):
    answers = [api.mass(MEMBERS[:2], f"第{n}条")["errcode"] for n in range(61)]
    assert answers == [0] * 60 + [45011]
    clock.advance(minutes=1)
    assert api.mass(MEMBERS[:2])["errcode"] == 0


def test_stats_count_every_refusal_by_api_and_code(api, make_chat):
    api.http.delete("/sandbox/stats")
    api.mass(MEMBERS, clientmsgid="k1")
    api.mass(MEMBERS, clientmsgid="k1")
    api.mass(MEMBERS[:1])
    text = {"msgtype": "text", "text": {"content": "您好"}}
    api.post("message/custom/send", {"touser": MEMBERS[1], **text})  # no window: 45015
    make_chat(MEMBERS[0]).say("你好")  # a window of 5 messages
    for _ in range(6):
        api.post("message/custom/send", {"touser": MEMBERS[0], **text})
    api.post("message/template/send", {"touser": MEMBERS[0], "template_id": "TPL",
                                       "data": {"first": {"value": "第一行\n第二行"}}})
    stats = api.http.get("/sandbox/stats").get_json()
    assert stats["message/mass/send"] == {"accepted": 1, "refused": {"40130": 1, "45065": 1}}
    assert stats["message/custom/send"] == {"accepted": 5, "refused": {"45015": 1, "45047": 1}}
    assert stats["message/template/send"] == {"accepted": 0, "refused": {"47003": 1}}


@pytest.mark.parametrize("mode", ["plain", "compatible", "safe"])
def test_the_finish_report_reaches_the_webhook_once_in_the_account_mode(mode, request, api, app, runtime):
    request.getfixturevalue("settings").wechat.encryption = mode
    api.mass(MEMBERS)
    assert push_finished(app, due_only=True) == 0  # the job has not finished yet (sandbox clock)
    assert api.http.post("/sandbox/mass/finish").get_json() == {"pushed": 1}
    assert api.http.post("/sandbox/mass/finish").get_json() == {"pushed": 0}
    with runtime.session() as s:  # from the platform, not a member: no follower, no message
        assert s.get(Follower, MASS_HELPER) is None
        assert s.scalar(select(InboundMessage)) is None


@pytest.fixture
def settings_env(db_url):
    return {"KITELINE_DATABASE__URL": db_url, "KITELINE_WECHAT__ENCODING_AES_KEY": TEST_AES_KEY,
            "KITELINE_WECHAT__ENCRYPTION": "compatible"}
