"""A dispatcher that dies mid-send (``kill -9``, a crash, a lost host) loses nothing.

Rows it held are recovered when the next round starts: a row it had only claimed goes out once;
a row it was sending when it died has an unknown outcome — a lesson is recorded ``unknown`` and
never sent again (at most once), a notice to a liaison is sent again and the resend counted (at
least once). A holder is gone when its lease ran out, or at once when it ran on this host and
its process no longer exists.
"""
from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from bot.dispatcher import dispatch_due
from bot.wechat_api import wechat_client
from models.delivery.claims import this_host
from models.delivery.outbox import OutboxMessage
from models.delivery.payloads import Text
from models.delivery.queue import enqueue

pytestmark = pytest.mark.postgres  # claims and recovery are SQL that differs between databases

OPENID = "oKite_member_0001"
LESSON = "今日学习：《中国共产党纪律处分条例》修订要点，点开即可学习。"
NOTICE = "【新求助 Q20261129001】张某求助欠薪：“老板拖欠了三个月工资”。请在24小时内电话联系张某。"


def wall_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def dead_holder() -> str:
    """The holder id a dispatcher on this host had, whose process has exited."""
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    return f"{this_host()}:{int(done.stdout)}:dead01"


def queue(runtime, content: str = LESSON, purpose: str = "lesson_push", key: str = "k1") -> str:
    with runtime.session() as s:
        enqueue(s, openid=OPENID, payload=Text(content), purpose=purpose,
                idempotency_key=key, now=runtime.clock.now())
        s.commit()
    return key


def hold(runtime, key: str, status: str, holder: str, lease_left: dt.timedelta) -> None:
    """Leave ``key``'s row as a dispatcher holding it would have left it."""
    with runtime.session() as s:
        s.query(OutboxMessage).filter_by(idempotency_key=key).update(
            {"status": status, "claimed_by": holder, "claimed_until": wall_now() + lease_left})
        s.commit()


def row(runtime, key: str) -> OutboxMessage:
    with runtime.session() as s:
        return s.query(OutboxMessage).filter_by(idempotency_key=key).one()


def received(app) -> list[str]:
    return [m["text"] for m in app.test_client().get(f"/sandbox/messages/{OPENID}").get_json()]


def test_a_lesson_claimed_by_a_process_that_died_reaches_the_member_exactly_once(chat, app, runtime, send):
    chat.say("你好")
    key = queue(runtime)
    hold(runtime, key, "claimed", dead_holder(), dt.timedelta(minutes=5))  # lease still running
    assert send() == 1
    assert received(app) == [LESSON]
    assert (row(runtime, key).status, row(runtime, key).resends, row(runtime, key).claimed_by) == ("sent", 0, None)
    chat.advance(hours=1)
    assert send() == 0
    assert received(app) == [LESSON]


def test_a_lesson_being_sent_when_its_process_died_is_recorded_unknown_and_not_sent_again(
        chat, app, runtime, send):
    chat.say("你好")
    key = queue(runtime)
    hold(runtime, key, "sending", dead_holder(), dt.timedelta(minutes=5))
    assert send() == 0
    lost = row(runtime, key)
    assert lost.status == "unknown"
    assert "ended while sending" in lost.last_error
    chat.advance(hours=1)
    assert send() == 0
    assert received(app) == []  # it may or may not have reached WeChat: never a second copy


def test_a_liaison_notice_being_sent_when_its_process_died_is_sent_again_and_counted(
        chat, app, runtime, send):
    chat.say("你好")
    key = queue(runtime, NOTICE, purpose="liaison_notice")
    hold(runtime, key, "sending", dead_holder(), dt.timedelta(minutes=5))
    assert send() == 1
    assert received(app) == [NOTICE]
    assert (row(runtime, key).status, row(runtime, key).resends) == ("sent", 1)


def test_a_claim_whose_lease_ran_out_on_another_host_is_recovered(chat, app, runtime, send):
    chat.say("你好")
    key = queue(runtime)
    hold(runtime, key, "claimed", "elsewhere-host:4242:abc123", -dt.timedelta(seconds=1))
    assert send() == 1
    assert received(app) == [LESSON]


def test_a_claim_another_live_dispatcher_holds_is_left_alone(chat, app, runtime, send):
    chat.say("你好")
    key = queue(runtime)
    hold(runtime, key, "sending", "elsewhere-host:4242:abc123", dt.timedelta(minutes=1))
    assert send() == 0
    assert row(runtime, key).status == "sending"
    assert received(app) == []


def test_an_unexpected_error_while_sending_leaves_an_unknown_lesson_and_the_rest_go(
        chat, app, runtime, monkeypatch):
    chat.say("你好")
    first, second = queue(runtime, "第1课", key="k1"), queue(runtime, "第2课", key="k2")
    wx, calls = wechat_client(runtime, app), []
    real_send = wx.send_text

    def flaky(openid, content):
        calls.append(content)
        if len(calls) == 1:
            raise ZeroDivisionError("a bug between writing the request and reading the answer")
        real_send(openid, content)

    monkeypatch.setattr(wx, "send_text", flaky)
    assert dispatch_due(runtime, client=wx) == 1
    assert row(runtime, first).status == "unknown"
    assert row(runtime, second).status == "sent"
    assert received(app) == ["第2课"]


def test_enqueue_refuses_a_purpose_without_a_declared_delivery_guarantee(runtime):
    with runtime.session() as s, pytest.raises(ValueError, match="ticket_reply"):
        enqueue(s, openid=OPENID, payload=Text("你好"), purpose="ticket_reply",
                idempotency_key="x", now=runtime.clock.now())
