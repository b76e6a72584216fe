"""Every try at a send is on record, retries are spread out, a row a crash interrupted is settled
by what its tries prove, and a message that did not arrive says why in words a secretary reads.
"""
from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner

from bot.cli import main
from models.delivery import attempts
from models.delivery.attempts import OutboxAttempt
from models.delivery.errcodes import Meaning
from models.delivery.outbox import OutboxMessage
from models.delivery.outcomes import MAX_ATTEMPTS, MAX_BACKOFF, back_off, backoff_wait
from tests.conftest import CONFIG_FILE
from tests.test_delivery_recovery import (
    LESSON,
    NOTICE,
    dead_holder,
    hold,
    queue,
    received,
    row,
)

pytestmark = pytest.mark.postgres


def fault(app, **spec) -> None:
    assert app.test_client().post("/sandbox/faults", json=spec).status_code == 200


def tries(runtime, key: str) -> list[OutboxAttempt]:
    with runtime.session() as s:
        return attempts.attempts_of(s, row(runtime, key).id)


def answered_attempt(runtime, key: str, holder: str, meaning: str | None, errcode: int | None) -> None:
    """The attempt a dispatcher wrote before its call, with the answer it recorded (or none)."""
    with runtime.session() as s:
        r = s.query(OutboxMessage).filter_by(idempotency_key=key).one()
        r.attempts = 1
        now = runtime.clock.now()
        s.add(OutboxAttempt(outbox_id=r.id, number=1, channel="custom", holder=holder, started_at=now,
                            ended_at=now if meaning else None, meaning=meaning, errcode=errcode))
        s.commit()


# -- backoff with full jitter -------------------------------------------------------------------
@pytest.mark.parametrize("n, ceiling", [(1, 30), (2, 60), (4, 240), (30, MAX_BACKOFF.total_seconds())])
def test_each_wait_is_drawn_between_zero_and_the_exponential_ceiling(n, ceiling):
    base = dt.timedelta(seconds=30)
    assert backoff_wait(n, base, lambda: 0.0) == dt.timedelta(0)
    assert backoff_wait(n, base, lambda: 0.5) == dt.timedelta(seconds=ceiling / 2)
    assert dt.timedelta(seconds=ceiling * 0.99) < backoff_wait(n, base, lambda: 0.999999) < dt.timedelta(seconds=ceiling)


def test_rows_that_failed_together_come_back_spread_out():
    now, base = dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc), dt.timedelta(seconds=30)
    draws = iter([0.1, 0.5, 0.9])
    due = []
    for _ in range(3):
        r = OutboxMessage(status="sending", attempts=1, next_attempt_at=now)
        back_off(r, now, "-1 system busy", base, lambda: next(draws))
        due.append(r.next_attempt_at - now)
    assert due == [dt.timedelta(seconds=3), dt.timedelta(seconds=15), dt.timedelta(seconds=27)]


# -- every attempt recorded ---------------------------------------------------------------------
def test_each_try_is_recorded_with_wechats_error_code(chat, app, runtime, send):
    chat.say("你好")
    fault(app, path="message/custom/send", errcode=-1)
    key = queue(runtime)
    assert send() == 0
    chat.advance(seconds=31)
    assert send() == 1
    first, second = tries(runtime, key)
    assert (first.number, first.errcode, first.meaning, first.description) == (1, -1, "transient", "-1 sandbox fault")
    assert (second.number, second.errcode, second.meaning, second.description) == (2, 0, "ok", None)
    assert first.channel == second.channel == "custom"
    assert first.holder and first.started_at <= first.ended_at <= second.started_at
    assert second.ended_at == runtime.clock.now()
    assert received(app) == [LESSON]


def test_report_shows_a_rows_attempts(chat, app, runtime, send, db_url):
    chat.say("你好")
    fault(app, path="message/custom/send", errcode=-1)
    key = queue(runtime)
    send()
    chat.advance(seconds=31)
    send()
    out = CliRunner().invoke(main, ["--config", str(CONFIG_FILE), "report", "delivery", "--row", str(row(runtime, key).id)],
                             env={"KITELINE_DATABASE__URL": db_url})
    assert out.exit_code == 0, out.output
    assert "第1次" in out.output and "错误码 -1" in out.output and "微信接口暂时繁忙" in out.output
    assert "第2次" in out.output and "微信已接收" in out.output


# -- recovery by evidence -----------------------------------------------------------------------
def test_a_lesson_wechat_accepted_before_the_crash_counts_as_sent_and_is_not_sent_again(chat, app, runtime, send):
    chat.say("你好")
    key = queue(runtime)
    holder = dead_holder()
    answered_attempt(runtime, key, holder, "ok", 0)
    hold(runtime, key, "sending", holder, dt.timedelta(minutes=5))
    assert send() == 0
    assert (row(runtime, key).status, row(runtime, key).reason) == ("sent", None)
    assert received(app) == []  # (the sandbox never saw it here: no second copy was sent)


def test_a_lesson_wechat_refused_before_the_crash_goes_again_once(chat, app, runtime, send):
    chat.say("你好")
    key = queue(runtime)
    holder = dead_holder()
    answered_attempt(runtime, key, holder, Meaning.TRANSIENT.value, -1)
    hold(runtime, key, "sending", holder, dt.timedelta(minutes=5))
    assert send() == 1
    assert received(app) == [LESSON]
    assert [t.errcode for t in tries(runtime, key)] == [-1, 0]


def test_a_lesson_written_without_an_answer_is_unknown_with_a_reason(chat, app, runtime, send):
    chat.say("你好")
    key = queue(runtime)
    holder = dead_holder()
    answered_attempt(runtime, key, holder, None, None)
    hold(runtime, key, "sending", holder, dt.timedelta(minutes=5))
    assert send() == 0
    lost = row(runtime, key)
    assert lost.status == "unknown"
    assert lost.reason == "发送途中程序中断，可能已送到，为免重复没有再发"
    assert received(app) == []


def test_a_notice_written_without_an_answer_is_sent_again(chat, app, runtime, send):
    chat.say("你好")
    key = queue(runtime, NOTICE, purpose="liaison_notice")
    holder = dead_holder()
    answered_attempt(runtime, key, holder, None, None)
    hold(runtime, key, "sending", holder, dt.timedelta(minutes=5))
    assert send() == 1
    assert (row(runtime, key).status, row(runtime, key).resends) == ("sent", 1)
    assert received(app) == [NOTICE]


# -- readable reasons ---------------------------------------------------------------------------
def test_a_member_who_unfollowed_is_named_so(chat, app, runtime, send):
    chat.say("你好")
    key = queue(runtime)
    chat.unfollow()
    send()
    dropped = row(runtime, key)
    assert (dropped.status, dropped.reason) == ("dropped", "对方已取消关注公众号")


def test_a_platform_busy_every_time_fails_after_the_last_try_saying_so(chat, app, runtime, send):
    chat.say("你好")
    fault(app, path="message/custom/send", errcode=-1, rate=1.0)
    key = queue(runtime)
    for _ in range(MAX_ATTEMPTS):
        send()
        chat.advance(hours=1)
    failed = row(runtime, key)
    assert failed.status == "failed"
    assert failed.reason == f"微信接口暂时繁忙，已重试{MAX_ATTEMPTS}次仍失败"
    assert failed.last_error == "-1 sandbox fault"  # the technical code stays beside it
    assert [t.errcode for t in tries(runtime, key)] == [-1] * MAX_ATTEMPTS


def test_a_message_waiting_for_the_member_says_so(chat, app, runtime, send):
    key = queue(runtime)  # the member never wrote: no window
    send()
    waiting = row(runtime, key)
    assert (waiting.status, waiting.reason) == ("deferred", "48小时内未互动，等他下次发消息")


def test_a_message_waiting_because_the_window_is_used_up_says_so(chat, app, runtime, send):
    chat.say("你好")  # the window is open: 5 customer-service messages (客服消息 docs)
    for n in range(6):
        queue(runtime, f"{NOTICE}（{n + 1}）", purpose="liaison_addition", key=f"k{n}")
    assert send() == 5

    waiting = row(runtime, "k5")
    assert (waiting.status, waiting.reason) == (
        "deferred", "这次互动可发的客服消息条数已用完，等他下次发消息")
    assert len(received(app)) == 5
