"""A round that stops — told to, or because rows could not be started: the calls under way
finish and are settled, and the rows it claimed ahead (PostgreSQL: ``models.delivery.ahead``)
but never started are given back, pending."""
from __future__ import annotations

import dataclasses
import threading
import time

import pytest

from bot.dispatcher import dispatch_of
from bot.wechat_api import wechat_client
from models.delivery import ahead
from models.delivery.outbox import OutboxMessage
from models.delivery.payloads import Text
from models.delivery.pool import drain, holding
from models.delivery.queue import enqueue
from models.delivery.refresh import Refreshers

pytestmark = pytest.mark.postgres


def queue_texts(runtime, openids: list[str], purpose: str = "lesson_push") -> None:
    with runtime.session() as s:
        for openid in openids:
            enqueue(s, openid=openid, payload=Text("第1课"), purpose=purpose,
                    idempotency_key=f"stop:{purpose}:{openid}", now=runtime.clock.now())
        s.commit()


def test_a_round_told_to_stop_gives_back_the_rows_it_has_not_started(make_chat, app, runtime, db_backend):
    openids = [f"oKite_member_{n:04d}" for n in range(1, 7)]
    for openid in openids:
        make_chat(openid).say("你好")
    queue_texts(runtime, openids)
    stop, client = threading.Event(), wechat_client(runtime, app)

    def claimed_ahead() -> bool:
        with runtime.session() as s:
            return s.query(OutboxMessage).filter_by(status="claimed").count() > 0

    class StopsTheRound:
        """The API client, but its first send tells the round to stop — on PostgreSQL once the
        round has claimed the next row ahead."""

        def __getattr__(self, name):
            return getattr(client, name)

        def send_text(self, openid: str, content: str) -> None:
            deadline = time.monotonic() + 10
            while db_backend == "postgresql" and not claimed_ahead():
                assert time.monotonic() < deadline, "nothing was claimed ahead"
                time.sleep(0.01)
            stop.set()
            client.send_text(openid, content)

    d = dispatch_of(runtime)
    with holding() as holder:
        outcomes = drain(dataclasses.replace(d, pace=dataclasses.replace(d.pace, concurrency=1)),
                         StopsTheRound, holder, stop)
    with runtime.session() as s:
        rows = s.query(OutboxMessage).all()
    assert outcomes["sent"] == sum(r.status == "sent" for r in rows) >= 1
    assert {r.status for r in rows} == {"sent", "pending"}
    assert all(r.claimed_by is None and r.claimed_until is None for r in rows)


def test_rows_that_cannot_be_started_end_the_round_after_the_others_calls(make_chat, app, runtime, db_backend,
                                                                           monkeypatch):
    if db_backend != "postgresql":
        pytest.skip("SQLite starts a turn's rows in one transaction: all of them or none")
    make_chat("oKite_member_0001").say("你好")
    make_chat("oKite_member_0002").say("你好")
    queue_texts(runtime, ["oKite_member_0001"])
    queue_texts(runtime, ["oKite_member_0002"], purpose="bind_alert")  # rendered again: started row by row

    def broken(*_args):
        raise RuntimeError("a bug starting a row")

    monkeypatch.setattr(ahead, "start", broken)
    d = dataclasses.replace(dispatch_of(runtime), refreshers=Refreshers().on("bind_alert", lambda *_: None))
    with holding() as holder, pytest.raises(RuntimeError, match="a bug starting a row"):
        drain(d, lambda: wechat_client(runtime, app), holder)
    with runtime.session() as s:
        status = {r.purpose: (r.status, r.claimed_by) for r in s.query(OutboxMessage)}
    # The lesson was committed sending with the other row's start failing: its call was made.
    assert status == {"lesson_push": ("sent", None), "bind_alert": ("pending", None)}
