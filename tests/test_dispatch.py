"""Outbound delivery: outbox rows reach members through the sandbox by WeChat's window rules.

Each test is a member talking to the bot (the ``chat`` fixture), messages queued in the outbox,
the dispatcher run by hand, and what reached the member read back from the sandbox.
"""
from __future__ import annotations

import datetime as dt

import pytest

from bot.dispatcher import dispatch_due
from bot.wechat_api import wechat_client
from models.delivery.claims import claim_due
from models.delivery.outbox import OutboxMessage
from models.delivery.payloads import Article, News, Payload, TemplateNotice, Text
from models.delivery.queue import enqueue
from models.follower import Follower

pytestmark = pytest.mark.postgres  # claiming rows differs most between the two databases

OPENID = "oKite_member_0001"
LESSON = "今日学习：《中国共产党纪律处分条例》修订要点，点开即可学习。"


@pytest.fixture
def wx(app, runtime):
    """The API client, reaching the app's sandbox in-process."""
    return wechat_client(runtime, app)


@pytest.fixture
def queue(runtime):
    """``queue(text)`` puts one text message for the member in the outbox; returns its key."""
    def _queue(content: str = LESSON, key: str | None = None, payload: Payload | None = None,
               openid: str = OPENID) -> str:
        key = key or f"test:{content}:{runtime.clock.now().isoformat()}"
        with runtime.session() as s:
            enqueue(s, openid=openid, payload=payload or Text(content),
                    purpose="lesson_push", idempotency_key=key, now=runtime.clock.now())
            s.commit()
        return key
    return _queue


def received(app, openid: str = OPENID) -> list[str]:
    return [m["text"] for m in app.test_client().get(f"/sandbox/messages/{openid}").get_json()]


def row(runtime, key: str) -> OutboxMessage:
    with runtime.session() as s:
        return s.query(OutboxMessage).filter_by(idempotency_key=key).one()


def fault(app, **spec) -> None:
    assert app.test_client().post("/sandbox/faults", json=spec).status_code == 200


def test_message_goes_out_while_the_window_is_open(chat, app, runtime, wx, queue):
    chat.say("你好")
    key = queue()
    assert dispatch_due(runtime, client=wx) == 1
    assert received(app) == [LESSON]
    assert row(runtime, key).status == "sent"
    assert row(runtime, key).sent_at == runtime.clock.now()


def test_closed_window_defers_until_the_members_next_message(chat, app, runtime, wx, queue):
    chat.say("你好")
    chat.advance(hours=49)
    key = queue()
    assert dispatch_due(runtime, client=wx) == 0
    assert row(runtime, key).status == "deferred"
    assert received(app) == []

    chat.advance(hours=30)
    assert dispatch_due(runtime, client=wx) == 0  # still waiting, never retried blindly
    chat.say("我回来了")
    assert dispatch_due(runtime, client=wx) == 1
    assert received(app) == [LESSON]


def test_five_messages_per_window_then_three_after_a_menu_click(chat, app, runtime, wx, queue):
    chat.say("你好")
    keys = [queue(f"第{n}课") for n in range(1, 10)]
    assert dispatch_due(runtime, client=wx) == 5
    assert received(app) == ["第1课", "第2课", "第3课", "第4课", "第5课"]
    assert [row(runtime, k).status for k in keys[5:]] == ["deferred"] * 4

    chat.click("MENU")  # a click opens 1 minute / 3 messages
    assert dispatch_due(runtime, client=wx) == 3
    assert received(app)[5:] == ["第6课", "第7课", "第8课"]
    assert row(runtime, keys[8]).status == "deferred"


def test_platform_saying_the_budget_is_spent_defers_and_closes_the_window(chat, app, runtime, wx, queue):
    chat.say("你好")
    fault(app, path="message/custom/send", errcode=45047)
    first, second = queue("第1课"), queue("第2课")
    assert dispatch_due(runtime, client=wx) == 0
    assert row(runtime, first).status == row(runtime, second).status == "deferred"
    assert row(runtime, first).last_error.startswith("45047")
    with runtime.session() as s:
        assert s.get(Follower, OPENID).window_budget == 0

    chat.say("在吗")
    assert dispatch_due(runtime, client=wx) == 2
    assert received(app) == ["第1课", "第2课"]


def test_unfollowed_member_is_dropped_not_retried(chat, app, runtime, wx, queue):
    chat.say("你好")
    chat.unfollow()
    key = queue()
    dispatch_due(runtime, client=wx)
    assert row(runtime, key).status == "dropped"
    chat.advance(hours=1)
    assert dispatch_due(runtime, client=wx) == 0
    assert received(app) == []


def test_retry_after_platform_busy_sends_exactly_once(chat, app, runtime, wx, queue):
    chat.say("你好")
    fault(app, path="message/custom/send", errcode=-1)
    key = queue()
    assert dispatch_due(runtime, client=wx) == 0
    busy = row(runtime, key)
    assert (busy.status, busy.attempts, busy.last_error) == ("pending", 1, "-1 sandbox fault")
    # Full jitter: due again some time within the first back-off (30 s), not at a fixed moment.
    assert runtime.clock.now() < busy.next_attempt_at <= runtime.clock.now() + dt.timedelta(seconds=30)

    assert dispatch_due(runtime, client=wx) == 0  # not due yet
    chat.advance(seconds=31)
    assert dispatch_due(runtime, client=wx) == 1
    assert dispatch_due(runtime, client=wx) == 0
    queue(key=key)  # the same job enqueuing again changes nothing
    assert dispatch_due(runtime, client=wx) == 0
    assert received(app) == [LESSON]
    assert row(runtime, key).attempts == 2


def test_stale_token_is_refreshed_once_and_the_message_still_goes(chat, app, runtime, wx, queue):
    chat.say("你好")
    fault(app, path="message/custom/send", errcode=40001)
    queue()
    assert dispatch_due(runtime, client=wx) == 1
    assert received(app) == [LESSON]


def test_rotated_token_works_five_minutes_then_the_client_picks_up_the_new_one(
        chat, app, runtime, wx, queue, settings):
    chat.say("你好")
    queue("第1课")
    dispatch_due(runtime, client=wx)
    old = wx.access_token
    # Someone else (an admin tool) fetches a token with the classic endpoint: a rotation.
    new = app.test_client().get("/cgi-bin/token", query_string={
        "grant_type": "client_credential", "appid": settings.wechat.app_id,
        "secret": settings.wechat.app_secret}).get_json()["access_token"]
    queue("第2课")
    assert dispatch_due(runtime, client=wx) == 1  # the old token is still good for 5 minutes
    assert wx.access_token == old

    chat.advance(minutes=6)
    queue("第3课")
    assert dispatch_due(runtime, client=wx) == 1
    assert wx.access_token == new
    assert received(app) == ["第1课", "第2课", "第3课"]


def test_daily_quota_pauses_the_channel_until_midnight_beijing_time(chat, app, runtime, wx, queue):
    chat.say("你好")
    fault(app, path="message/custom/send", errcode=45009)
    first = queue("第1课")
    assert dispatch_due(runtime, client=wx) == 0
    midnight = dt.datetime(2026, 11, 29, 16, 0, tzinfo=dt.timezone.utc)  # 11-30 00:00 in Beijing
    assert row(runtime, first).next_attempt_at == midnight

    queue("第2课")
    chat.advance(hours=1)
    assert dispatch_due(runtime, client=wx) == 0  # the whole channel waits
    chat.advance(hours=14)  # 16:00 UTC
    assert dispatch_due(runtime, client=wx) == 2
    assert received(app) == ["第1课", "第2课"]


def test_template_message_reaches_a_member_outside_the_window(chat, app, runtime, wx, queue):
    chat.say("你好")
    chat.advance(hours=72)
    payload = TemplateNotice("TPL_TICKET_REPLY", {"first": "您的求助有了回复", "keyword1": "HR-0001"})
    key = queue(payload=payload, key="ticket_reply:1")
    assert dispatch_due(runtime, client=wx) == 1
    assert received(app) == ["first: 您的求助有了回复\nkeyword1: HR-0001"]
    assert row(runtime, key).status == "sent"


def test_template_with_a_line_break_fails_with_the_platforms_reason(chat, app, runtime, wx, queue):
    chat.say("你好")
    payload = TemplateNotice("TPL_TICKET_REPLY", {"first": "第一行\n第二行"})
    key = queue(payload=payload, key="ticket_reply:2")
    assert dispatch_due(runtime, client=wx) == 0
    assert row(runtime, key).status == "failed"
    assert row(runtime, key).last_error == "47003 argument invalid! data.first.value exceeds limit"


def test_news_message_delivers_its_article(chat, app, runtime, wx, queue):
    chat.say("你好")
    article = Article("一图读懂条例修订要点", "三分钟读完", "https://kiteline.example.invalid/lessons/1")
    queue(payload=News(article), key="lesson:1")
    assert dispatch_due(runtime, client=wx) == 1
    assert received(app) == ["一图读懂条例修订要点"]


def test_member_who_never_wrote_waits_for_a_first_message(make_chat, app, runtime, wx, queue):
    key = queue(openid="oKite_member_0002")
    assert dispatch_due(runtime, client=wx) == 0
    assert row(runtime, key).status == "deferred"
    make_chat("oKite_member_0002").say("你好")
    assert dispatch_due(runtime, client=wx) == 1
    assert received(app, "oKite_member_0002") == [LESSON]


def test_two_dispatchers_never_claim_the_same_row(make_chat, runtime, queue, db_backend):
    if db_backend != "postgresql":
        pytest.skip("SQLite serialises writers: a second claim simply waits for the first")

    openids = [f"oKite_member_{n:04d}" for n in range(1, 4)]
    keys = [queue(openid=openid, key=f"lesson:{openid}") for openid in openids]
    with runtime.session() as first, runtime.session() as second:
        mine = claim_due(first, runtime.clock.now(), "host-a:1:aaaaaa", limit=2).rows  # uncommitted: rows locked
        theirs = claim_due(second, runtime.clock.now(), "host-b:2:bbbbbb", limit=10).rows
        second.commit()
        first.commit()
    assert len(mine) == 2 and len(theirs) == 1
    assert {c.row_id for c in mine}.isdisjoint(c.row_id for c in theirs)
    assert {row(runtime, k).status for k in keys} == {"claimed"}


def test_one_member_has_one_row_claimed_at_a_time(runtime, queue):
    queue("第1课"), queue("第2课")
    with runtime.session() as s:
        assert [c.openid for c in claim_due(s, runtime.clock.now(), "host-a:1:aaaaaa", limit=10).rows] == [OPENID]
        s.commit()
    with runtime.session() as s:
        assert claim_due(s, runtime.clock.now(), "host-b:2:bbbbbb", limit=10).rows == []  # its first is in flight


def test_message_with_a_broken_payload_fails_visibly_and_the_rest_go(chat, app, runtime, wx, queue):
    chat.say("你好")
    broken = "broken:1"  # a row enqueue would refuse: left by an older version, or written by hand
    with runtime.session() as s:
        s.add(OutboxMessage(openid=OPENID, kind="text", payload={"text": "内容放错了字段"}, purpose="lesson_push",
                            idempotency_key=broken, next_attempt_at=runtime.clock.now(),
                            created_at=runtime.clock.now()))
        s.commit()
    queue("第1课")
    assert dispatch_due(runtime, client=wx) == 1
    assert row(runtime, broken).status == "failed"
    assert row(runtime, broken).last_error == "ValueError: payload of a text message lacks 'content'"
    assert received(app) == ["第1课"]


def test_a_message_the_platform_refused_does_not_use_up_the_members_window(chat, app, runtime, wx, queue):
    chat.say("你好")  # 5 messages within 48 hours
    fault(app, path="message/custom/send", errcode=-1)
    keys = [queue(f"第{n}课") for n in range(1, 6)]
    assert dispatch_due(runtime, client=wx) == 4
    chat.advance(seconds=31)
    assert dispatch_due(runtime, client=wx) == 1  # -1 sent nothing, so its place was still free
    assert row(runtime, keys[0]).status == "sent"
    assert sorted(received(app)) == ["第1课", "第2课", "第3课", "第4课", "第5课"]
