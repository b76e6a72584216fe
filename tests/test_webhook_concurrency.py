"""Two deliveries of one message at the same moment (WeChat's retry racing a slow first answer,
or two web workers): the handler runs once and both get its reply. SQLite and PostgreSQL.

Threads are the point of these tests; they synchronise on events, never on sleep."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

import bot.webhook
from bot.inflight import InFlight
from models.delivery.outbox import OutboxMessage
from models.inbound import InboundMessage

pytestmark = pytest.mark.postgres

WAIT = 20  # seconds; only reached if the code under test deadlocks


@pytest.fixture
def handled(monkeypatch):
    calls = []
    lock = threading.Lock()
    real = bot.webhook.dispatch

    def counting(msg, ctx, router):
        with lock:
            calls.append(msg.openid)
        return real(msg, ctx, router)

    monkeypatch.setattr(bot.webhook, "dispatch", counting)
    return calls


def test_a_retry_arriving_while_the_first_delivery_runs_waits_for_its_reply(app, make_chat, handled, monkeypatch):
    """Deterministic interleaving: the first delivery is held just before its handler until the
    retry is already waiting for the stored reply."""
    retry_waiting, release = threading.Event(), threading.Event()
    real_handle, real_wait = bot.webhook._handle, InFlight.wait

    def held_handle(rt, conn, incoming, key, delivery):
        assert release.wait(WAIT)
        return real_handle(rt, conn, incoming, key, delivery)

    def signalling_wait(delivery, seconds):
        retry_waiting.set()
        return real_wait(delivery, seconds)

    monkeypatch.setattr(bot.webhook, "_handle", held_handle)
    monkeypatch.setattr(InFlight, "wait", staticmethod(signalling_wait))
    first, retry = make_chat("oKite_member_0001"), make_chat("oKite_member_0001")
    xml = first.xml("text", "<Content>菜单</Content>", msg_id=True)

    with ThreadPoolExecutor(2) as pool:
        first_done = pool.submit(first.post, xml)
        retry_done = pool.submit(retry.post, xml, nonce="n2")
        assert retry_waiting.wait(WAIT)
        release.set()
        bodies = [first_done.result(WAIT).get_data(), retry_done.result(WAIT).get_data()]

    assert bodies[0] == bodies[1]
    assert "流动党员服务助手" in first._reply_text(first.last_response)
    assert handled == ["oKite_member_0001"]


def test_a_reply_too_late_for_every_retry_goes_out_through_the_outbox(app, make_chat, handled, session,
                                                                      monkeypatch):
    """The first delivery is held until the retry has given up waiting (WeChat then shows the
    member nothing): the reply is queued as a customer-service message, once."""
    first_held, retry_gave_up = threading.Event(), threading.Event()
    real_handle = bot.webhook._handle

    def held_handle(rt, conn, incoming, key, delivery):
        first_held.set()
        assert retry_gave_up.wait(WAIT)
        return real_handle(rt, conn, incoming, key, delivery)

    monkeypatch.setattr(bot.webhook, "_handle", held_handle)
    monkeypatch.setattr(bot.webhook, "RETRY_WAIT_SECONDS", 0)
    first, retry = make_chat("oKite_member_0001"), make_chat("oKite_member_0001")
    xml = first.xml("text", "<Content>菜单</Content>", msg_id=True)

    with ThreadPoolExecutor(1) as pool:
        first_done = pool.submit(first.post, xml)
        assert first_held.wait(WAIT)
        assert retry._reply_text(retry.post(xml, nonce="n2")) is None  # "success": nothing shown
        retry_gave_up.set()
        too_late = first._reply_text(first_done.result(WAIT))
    assert retry._reply_text(retry.post(xml, nonce="n3")) is None

    queued = session.scalars(select(OutboxMessage)).all()
    assert [(m.openid, m.purpose, m.payload) for m in queued] == [
        ("oKite_member_0001", "late_reply", {"content": too_late})]
    assert "流动党员服务助手" in too_late
    assert handled == ["oKite_member_0001"]


@pytest.mark.parametrize("mode", ["plain", "safe"])
def test_simultaneous_deliveries_run_each_handler_once(app, make_chat, handled, session, mode):
    """Free-running race: 6 messages from 3 followers, each delivered twice at once."""
    chats = [make_chat(f"oKite_member_000{i}", mode=mode) for i in range(1, 4)]
    deliveries = []
    for c in chats:
        for n, text in enumerate(("菜单", "帮助")):
            xml = c.xml("text", f"<Content>{text}</Content>", msg_id=True)
            twin = make_chat(c.openid, mode=mode)
            # WeChat's retry comes under a nonce of its own; no two messages share one
            deliveries += [(c, xml, f"{c.openid}-{n}-a"), (twin, xml, f"{c.openid}-{n}-b")]
    start = threading.Barrier(len(deliveries))

    def deliver(chat, xml, nonce):
        start.wait(WAIT)
        return chat._reply_text(chat.post(xml, nonce=nonce))

    with ThreadPoolExecutor(len(deliveries)) as pool:
        replies = list(pool.map(lambda d: deliver(*d), deliveries))

    assert all(replies), replies
    assert replies[0::2] == replies[1::2]  # each pair got the same answer
    assert len(handled) == 6
    assert session.scalar(select(func.count()).select_from(InboundMessage)) == 6


def test_a_retry_on_another_worker_racing_the_first_keeps_one_answer_and_one_ticket(settings, clock, session):
    """Two workers (two apps, each with its own in-flight table) get the same help request: the
    first is held in its handler while WeChat's retry, on the other worker, answers and commits.
    The first's work then rolls back and it answers with the retry's stored reply: one ticket,
    one recorded message, the same words on both connections."""
    from bot.app import create_app
    from models.tickets import Ticket
    from tests.conftest import Chat
    from tests.factories import make_branch, make_liaison, make_member

    branch = make_branch(session)
    make_member(session, branch, name="张某", openid="oKite_member_0001", status="away",
                liaison_id=make_liaison(session, branch).id)
    session.commit()
    first_app, other_app = create_app(settings, clock=clock), create_app(settings, clock=clock)
    first = Chat(first_app.test_client(), settings, clock, "oKite_member_0001")
    retry = Chat(other_app.test_client(), settings, clock, "oKite_member_0001")
    first.say("你好")  # the window is open: neither delivery writes it
    clock.advance(seconds=20)
    held, retry_done = threading.Event(), threading.Event()
    real, calls = bot.webhook.dispatch, []

    def holding(msg, ctx, router):
        calls.append(threading.current_thread().name)
        if len(calls) == 1:
            held.set()
            assert retry_done.wait(WAIT)
        return real(msg, ctx, router)

    xml = first.xml("text", "<Content>求助 老板拖欠了三个月工资</Content>", msg_id=True)
    try:
        bot.webhook.dispatch = holding
        with ThreadPoolExecutor(1) as pool:
            first_done = pool.submit(first.post, xml)
            assert held.wait(WAIT)
            answered = retry._reply_text(retry.post(xml, nonce="n2"))
            retry_done.set()
            assert first._reply_text(first_done.result(WAIT)) == answered
    finally:
        bot.webhook.dispatch = real
        for app in (first_app, other_app):
            app.extensions["kiteline"].engine.dispose()
    number = session.scalar(select(Ticket.number))
    assert len(calls) == 2  # both ran; only one run's work was kept
    assert [t.number for t in session.scalars(select(Ticket))] == [number] and number in answered
    assert session.scalar(select(func.count()).select_from(InboundMessage)
                          .where(InboundMessage.content == "求助 老板拖欠了三个月工资")) == 1
