"""A round told to stop: the calls under way finish and are settled, and the rows it claimed
ahead (PostgreSQL: ``models.delivery.ahead``) but never started are given back, pending."""
from __future__ import annotations

import dataclasses
import threading
import time

import pytest

from bot.dispatcher import dispatch_of
from bot.wechat_api import wechat_client
from models.delivery.outbox import OutboxMessage
from models.delivery.payloads import Text
from models.delivery.pool import drain, holding
from models.delivery.queue import enqueue

pytestmark = pytest.mark.postgres


def test_a_round_told_to_stop_gives_back_the_rows_it_has_not_started(make_chat, app, runtime, db_backend):
    openids = [f"oKite_member_{n:04d}" for n in range(1, 7)]
    for openid in openids:
        make_chat(openid).say("你好")
    with runtime.session() as s:
        for openid in openids:
            enqueue(s, openid=openid, payload=Text("第1课"), purpose="lesson_push",
                    idempotency_key=f"stop:{openid}", now=runtime.clock.now())
        s.commit()
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
