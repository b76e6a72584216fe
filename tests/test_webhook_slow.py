"""A handler slower than all of WeChat's retries (it waits 5 s per delivery and tries three
times): every retry still answers in time, never waiting on the slow handler's database writes,
and the member gets the late reply through the outbox — on SQLite (one writer at a time) and on
PostgreSQL. Real threads and a real lock: the slow handler holds its transaction open."""
from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

import bot.answering
from models.delivery.outbox import OutboxMessage
from tests.factories import make_branch, make_member

pytestmark = pytest.mark.postgres

WAIT = 30  # seconds; reached only if the code under test deadlocks


def test_retries_answer_in_time_while_a_slow_handler_writes_and_the_reply_comes_late(
        app, make_chat, session, monkeypatch, send):
    make_member(session, make_branch(session), name="张某", openid="oKite_member_0001")
    session.commit()
    started, finish = threading.Event(), threading.Event()
    real = bot.answering.dispatch

    def slow(msg, ctx, router):
        reply = real(msg, ctx, router)   # the handler's own writes are in its transaction now
        ctx.session.flush()
        started.set()
        assert finish.wait(WAIT)
        return reply

    monkeypatch.setattr(bot.answering, "dispatch", slow)
    monkeypatch.setattr(bot.answering, "RETRY_WAIT_SECONDS", 0.3)
    first = make_chat("oKite_member_0001")
    xml = first.xml("text", "<Content>菜单</Content>", msg_id=True)
    with ThreadPoolExecutor(1) as pool:
        slow_done = pool.submit(first.post, xml, nonce="n0")
        assert started.wait(WAIT)
        for nonce in ("n1", "n2", "n3"):  # WeChat's three retries, each under a new nonce
            t0 = time.monotonic()
            retry = make_chat("oKite_member_0001")
            assert retry._reply_text(retry.post(xml, nonce=nonce)) is None  # "success", in time
            assert time.monotonic() - t0 < 3.0
        finish.set()
        assert slow_done.result(WAIT).status_code == 200
    late = session.scalars(select(OutboxMessage).where(OutboxMessage.purpose == "late_reply")).all()
    assert len(late) == 1 and "流动党员服务助手" in late[0].payload["content"]
    assert send() == 1
    inbox = app.test_client().get("/sandbox/messages/oKite_member_0001").get_json()
    assert [m["text"] for m in inbox] == [late[0].payload["content"]]
