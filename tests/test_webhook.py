"""The webhook as WeChat sees it: plain, compatible and safe mode, retried deliveries, the one
error path, and what goes back (size limit, escaping). Runs on SQLite and on PostgreSQL.
Refusals (403/400) are in test_webhook_refusals.py."""
from __future__ import annotations

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import OperationalError
from wechatpy import parse_message

import bot.answering
from bot import wire
from handlers.replies import TextReply
from models.follower import Follower
from models.inbound import InboundMessage
from tests.conftest import MODES, START
from tests.factories import make_branch, make_liaison, make_member

pytestmark = pytest.mark.postgres

MENU_TITLE = "流动党员服务助手"
HOTLINE = "0471-12345678"


@pytest.fixture
def handled(monkeypatch):
    """Every message that reached the handlers, in order (the dispatcher, counted)."""
    calls = []
    real = bot.answering.dispatch

    def counting(msg, ctx, router):
        calls.append(msg)
        return real(msg, ctx, router)

    monkeypatch.setattr(bot.answering, "dispatch", counting)
    return calls


def reply_with(monkeypatch, text: str) -> None:
    """Make every handler answer ``text`` (to test what the transport does with it)."""
    monkeypatch.setattr(bot.answering, "dispatch", lambda msg, ctx, router: TextReply(text))


def inbound_count(session) -> int:
    return session.scalar(select(func.count()).select_from(InboundMessage))


# -- the three modes ----------------------------------------------------------------------------

@pytest.mark.parametrize("mode", MODES)
def test_a_conversation_in_each_mode(make_chat, session, mode):
    branch = make_branch(session)
    make_liaison(session, branch)
    make_member(session, branch, name="张某", phone="13800001234", status="away")
    session.commit()
    chat = make_chat("oKite_member_0001", mode=mode)

    assert MENU_TITLE in chat.say("菜单")
    assert chat.say("绑定 张某 13800001234").startswith("绑定成功")
    assert MENU_TITLE in chat.click("MENU")
    if mode != "plain":
        assert "<Encrypt>" in chat.last_response.get_data(as_text=True)
        assert "绑定成功" not in chat.last_response.get_data(as_text=True)
    assert parse_message(chat.last_reply_xml).target == "oKite_member_0001"


def test_plain_messages_still_work_when_an_aes_key_is_configured(chat, settings):
    assert settings.wechat.encoding_aes_key
    assert MENU_TITLE in chat.say("菜单")
    assert "<Encrypt>" not in chat.last_response.get_data(as_text=True)


# -- retries: the first delivery's reply, never a second run -------------------------------------

@pytest.mark.parametrize("mode", MODES)
def test_a_retried_message_gets_the_first_reply_and_runs_once(make_chat, handled, session, mode):
    chat = make_chat("oKite_member_0001", mode=mode)
    xml = chat.xml("text", "<Content>菜单</Content>", msg_id=True)
    first = chat._reply_text(chat.post(xml))
    first_xml = chat.last_reply_xml
    chat.advance(seconds=5)  # WeChat retries after 5 s, with a new timestamp and nonce
    again = chat._reply_text(chat.post(xml, nonce="n2"))
    assert MENU_TITLE in first and again == first
    assert chat.last_reply_xml == first_xml  # byte for byte (re-encrypted in the AES modes)
    assert len(handled) == 1
    assert inbound_count(session) == 1


def test_a_retried_event_gets_the_first_reply_and_runs_once(chat, handled, session):
    xml = chat.xml("event", "<Event><![CDATA[CLICK]]></Event><EventKey><![CDATA[MENU]]></EventKey>")
    first = chat.post(xml).get_data()
    chat.advance(seconds=5)
    assert chat.post(xml, nonce="n2").get_data() == first
    assert len(handled) == 1


def test_new_messages_with_the_same_text_are_each_answered(chat, handled):
    assert chat.say("菜单") == chat.say("菜单")
    # Two events in the same second are told apart by their Event.
    chat.click("MENU")
    chat.follow()
    assert len(handled) == 4


def test_a_failing_handler_gets_the_apology_once_and_its_retry_too(chat, monkeypatch, caplog, session):
    calls = []

    def broken(msg, ctx, router):
        calls.append(msg)
        raise RuntimeError(f"bug while answering {msg.openid}")

    monkeypatch.setattr(bot.answering, "dispatch", broken)
    xml = chat.xml("text", "<Content>菜单</Content>", msg_id=True)
    apology = f"抱歉，系统刚才开了个小差，您的消息我们已经收到。请稍后再发一次，或拨打服务热线 {HOTLINE}。"
    assert chat._reply_text(chat.post(xml)) == apology
    assert chat._reply_text(chat.post(xml, nonce="n2")) == apology
    assert len(calls) == 1
    assert "oKit…0001" in caplog.text and "RuntimeError" in caplog.text
    assert "oKite_member_0001" not in caplog.text
    assert session.scalar(select(InboundMessage.content)) == "菜单"


def test_a_database_error_in_a_handler_keeps_personal_data_out_of_the_log(chat, monkeypatch, caplog):
    def duplicate_follower(msg, ctx, router):
        ctx.session.execute(insert(Follower).values(openid=msg.openid, first_seen_at=START,
                                                    last_interaction_at=START))

    monkeypatch.setattr(bot.answering, "dispatch", duplicate_follower)
    assert chat.say("菜单").startswith("抱歉，系统刚才开了个小差")
    assert "IntegrityError" in caplog.text
    assert "oKite_member_0001" not in caplog.text


def test_a_database_outage_gets_a_clear_answer_not_a_500(chat, runtime, monkeypatch, caplog):
    def down():
        raise OperationalError("connect", {}, ConnectionRefusedError("database is down"))

    monkeypatch.setattr(runtime.engine, "connect", down)
    monkeypatch.setattr(runtime, "session", down)
    assert chat.say("菜单") == f"抱歉，系统正忙，这条消息没能处理。请稍后再发一次，或拨打服务热线 {HOTLINE}。"
    assert "oKite_member_0001" not in caplog.text


# -- what goes back: size limit and escaping ------------------------------------------------------

@pytest.mark.parametrize("mode", MODES)
def test_a_long_reply_comes_in_pages_of_at_most_2048_bytes(make_chat, monkeypatch, mode):
    reply_with(monkeypatch, "学" * 5000)
    chat = make_chat("oKite_member_0001", mode=mode)
    pages = [chat.say("学习")]
    while pages[-1].endswith("回复“更多”看下一页）"):
        pages.append(chat.say("更多"))
    assert all(len(p.encode("utf-8")) <= wire.MAX_REPLY_BYTES for p in pages)
    total = len(pages)  # 15,000 bytes: 8 pages
    assert total == 8
    assert [p.splitlines()[-1] for p in pages[:-1]] == [f"（第{n}/{total}页，回复“更多”看下一页）"
                                                        for n in range(1, total)]
    assert "".join(p.splitlines()[0] for p in pages) == "学" * 5000


@pytest.mark.parametrize("mode", MODES)
def test_cdata_terminators_in_a_reply_survive_the_round_trip(make_chat, monkeypatch, mode):
    text = "a]]>b <c> & ]]]]>> 结束]]>"
    reply_with(monkeypatch, text)
    assert make_chat("oKite_member_0001", mode=mode).say("菜单") == text


def test_characters_xml_cannot_carry_are_dropped_from_a_reply(chat, monkeypatch):
    reply_with(monkeypatch, "您好\x00\x07，张某\x1f")
    assert chat.say("菜单") == "您好，张某"


# -- events that look alike -----------------------------------------------------------------------

def test_two_menu_taps_in_one_second_each_get_their_own_answer(chat, handled, session):
    branch = make_branch(session)
    make_liaison(session, branch)
    make_member(session, branch, name="张某", openid="oKite_member_0001")
    session.commit()
    liaison = chat.click("MY_LIAISON")
    stations = chat.click("STATIONS")  # same CreateTime: the clock did not move
    assert "联络员" in liaison and "驿站" in stations
    assert liaison != stations
    assert [m.event_key for m in handled] == ["MY_LIAISON", "STATIONS"]
    assert chat.click("STATIONS") == stations  # WeChat's retry of the second tap: stored reply
    assert len(handled) == 2


def test_a_location_report_opens_no_window_and_wakes_no_deferred_message(chat, session, send, app):
    from models.delivery import window
    from models.delivery.outbox import OutboxMessage
    from models.delivery.payloads import Text
    from models.delivery.queue import enqueue

    make_member(session, make_branch(session), name="张某", openid="oKite_member_0001")
    session.commit()
    chat.say("你好")
    chat.advance(hours=49)
    with app.extensions["kiteline"].session() as s:
        enqueue(s, openid=chat.openid, payload=Text("今日学习"), purpose="lesson_push",
                idempotency_key="lesson:1", now=chat.clock.now())
        s.commit()
    assert send() == 0
    for _ in range(3):  # WeChat reports the location every few seconds while the chat is open
        chat._event("LOCATION", "<Latitude>23.1</Latitude><Longitude>113.3</Longitude><Precision>30</Precision>")
        chat.advance(seconds=5)
        assert send() == 0
    with app.extensions["kiteline"].session() as s:
        row = s.scalars(select(OutboxMessage)).one()
        assert (row.status, row.attempts, row.last_error) == ("deferred", 0, None)
        assert not window.is_open(s.get(Follower, chat.openid), chat.clock.now())
    chat.say("在吗")
    assert send() == 1
