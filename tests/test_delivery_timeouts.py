"""Timeouts, by what a member would notice.

A call that times out after WeChat accepted it has an unknown outcome: a lesson is not sent
again (at most once, recorded ``unknown``); a notice to a liaison is (at least once, the resend
counted). A connection that never opened sent nothing, so every kind is retried. Timed-out calls
wait side by side, not one after another, within each channel's rate limit.
"""
from __future__ import annotations

import time

import pytest

from bot.dispatcher import dispatch_due
from bot.wechat_api import KitelineClient, wechat_client
from models.delivery.outbox import OutboxMessage
from models.delivery.payloads import Text
from models.delivery.queue import enqueue
from tests.conftest import impatient_client

pytestmark = pytest.mark.postgres

OPENID = "oKite_member_0001"
LESSON = "今日学习：《中国共产党纪律处分条例》修订要点，点开即可学习。"
NOTICE = "【新求助 Q20261129001】张某求助欠薪：“老板拖欠了三个月工资”。请在24小时内电话联系张某。"
# How long the impatient client waits for an answer; the faults below answer later than this.
TIMEOUT = 0.3


def impatient(runtime, app):
    """Run the dispatcher once with a client that gives up after :data:`TIMEOUT` (the token
    fetched patiently first, ``tests.conftest.impatient_client``); returns how many it sent."""
    return dispatch_due(runtime, client=impatient_client(runtime, app, TIMEOUT))


def queue(runtime, content: str = LESSON, purpose: str = "lesson_push", openid: str = OPENID) -> str:
    key = f"{purpose}:{openid}:{content}"
    with runtime.session() as s:
        enqueue(s, openid=openid, payload=Text(content), purpose=purpose,
                idempotency_key=key, now=runtime.clock.now())
        s.commit()
    return key


def row(runtime, key: str) -> OutboxMessage:
    with runtime.session() as s:
        return s.query(OutboxMessage).filter_by(idempotency_key=key).one()


def received(app, openid: str = OPENID) -> list[str]:
    return [m["text"] for m in app.test_client().get(f"/sandbox/messages/{openid}").get_json()]


def fault(app, **spec) -> None:
    answer = app.test_client().post("/sandbox/faults", json=spec)
    assert answer.status_code == 200, answer.get_json()


def test_a_lesson_that_timed_out_after_wechat_accepted_it_is_not_sent_again(chat, app, runtime, send):
    chat.say("你好")
    key = queue(runtime)
    fault(app, path="message/custom/send", after_accept=True, latency_ms=900)
    assert impatient(runtime, app) == 0
    lesson = row(runtime, key)
    assert (lesson.status, lesson.attempts, lesson.resends) == ("unknown", 1, 0)
    assert lesson.last_error.startswith("ReadTimeout")
    assert received(app) == [LESSON]  # WeChat had delivered it
    chat.advance(hours=2)
    assert send() == 0
    assert received(app) == [LESSON]


def test_a_liaison_notice_that_timed_out_is_sent_again_and_the_resend_counted(chat, app, runtime, send):
    chat.say("你好")
    key = queue(runtime, NOTICE, purpose="liaison_notice")
    fault(app, path="message/custom/send", after_accept=True, latency_ms=900)
    assert impatient(runtime, app) == 0
    notice = row(runtime, key)
    assert (notice.status, notice.attempts, notice.resends) == ("pending", 1, 1)
    chat.advance(seconds=31)
    assert send() == 1
    assert (row(runtime, key).status, row(runtime, key).resends) == ("sent", 1)
    # At least once: the liaison may read it twice, never not at all.
    assert received(app) == [NOTICE, NOTICE]


def test_a_connection_that_never_opened_is_retried_even_for_a_lesson(chat, app, runtime, send):
    chat.say("你好")
    key = queue(runtime)
    wechat_client(runtime, app).access_token  # a token in the shared store, as any running bot has
    nowhere = KitelineClient(runtime, "http://127.0.0.1:9/cgi-bin/")  # nothing listens there
    assert dispatch_due(runtime, client=nowhere) == 0
    refused = row(runtime, key)
    assert (refused.status, refused.attempts, refused.resends) == ("pending", 1, 0)
    assert refused.last_error.startswith("ConnectionError")
    chat.advance(seconds=31)
    assert send() == 1
    assert received(app) == [LESSON]


def test_twenty_timed_out_calls_wait_side_by_side(make_chat, app, runtime):
    openids = [f"oKite_member_{n:04d}" for n in range(1, 21)]
    for openid in openids:
        make_chat(openid).say("你好")
        queue(runtime, openid=openid)
    fault(app, path="message/custom/send", rate=1.0, after_accept=True, latency_ms=1200)
    started = time.monotonic()
    assert impatient(runtime, app) == 0
    elapsed = time.monotonic() - started
    # One after another they would take at least 20 × 0.3 s = 6 s.
    assert elapsed < 4.5, elapsed
    with runtime.session() as s:
        assert {m.status for m in s.query(OutboxMessage)} == {"unknown"}
    assert all(received(app, openid) == [LESSON] for openid in openids)


def test_each_channel_keeps_to_its_rate_limit(make_chat, app, runtime, send, settings):
    settings.delivery.rate_per_second = {"custom": 10, "template": 10}
    openids = [f"oKite_member_{n:04d}" for n in range(1, 7)]
    for openid in openids:
        make_chat(openid).say("你好")
        queue(runtime, openid=openid)
    started = time.monotonic()
    assert send() == 6
    # 10 a second: the sixth may start 0.5 s after the first at the earliest.
    assert time.monotonic() - started >= 0.45


def test_one_members_messages_go_out_in_order_while_others_go_alongside(make_chat, app, runtime):
    client = wechat_client(runtime, app)  # the configured timeout: this test is about order
    make_chat(OPENID).say("你好")
    make_chat("oKite_member_0002").say("你好")
    for n in range(1, 5):
        queue(runtime, f"第{n}课")
        queue(runtime, f"第{n}课", openid="oKite_member_0002")
    assert dispatch_due(runtime, client=client) == 8
    assert received(app) == received(app, "oKite_member_0002") == ["第1课", "第2课", "第3课", "第4课"]


def test_the_api_timeout_is_validated(db_url):
    from models.settings import ConfigError, load_settings
    from tests.conftest import CONFIG_FILE

    with pytest.raises(ConfigError, match="wechat.api_timeout_seconds"):
        load_settings(CONFIG_FILE, env={"KITELINE_WECHAT__API_TIMEOUT_SECONDS": "0"})
    assert load_settings(CONFIG_FILE, env={}).wechat.api_timeout_seconds <= 5
