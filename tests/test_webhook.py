"""The webhook as WeChat sees it: plain, compatible and safe mode, retries, limits, and every way
a request can be refused. Runs on SQLite and on PostgreSQL."""
from __future__ import annotations

import hashlib

import pytest
import xmltodict
from sqlalchemy import func, insert, select
from sqlalchemy.exc import OperationalError
from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto

import bot.webhook
from bot import wire
from handlers.replies import TextReply
from models.follower import Follower
from models.inbound import InboundMessage
from tests.conftest import MODES, START, sign
from tests.factories import make_branch, make_liaison, make_member

pytestmark = pytest.mark.postgres

MENU_TITLE = "流动党员服务助手"
HOTLINE = "0471-12345678"


@pytest.fixture
def handled(monkeypatch):
    """Every message that reached the handlers, in order (the dispatcher, counted)."""
    calls = []
    real = bot.webhook.dispatch

    def counting(msg, ctx, router):
        calls.append(msg)
        return real(msg, ctx, router)

    monkeypatch.setattr(bot.webhook, "dispatch", counting)
    return calls


def reply_with(monkeypatch, text: str) -> None:
    """Make every handler answer ``text`` (to test what the transport does with it)."""
    monkeypatch.setattr(bot.webhook, "dispatch", lambda msg, ctx, router: TextReply(text))


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


# -- refused: 403 for anything not from WeChat, 400 for what cannot be read -------------------

def refused(resp, status: int, caplog) -> None:
    assert resp.status_code == status
    assert resp.mimetype == "text/plain"
    assert b"<html" not in resp.get_data().lower()
    assert "oKit…0001" in caplog.text
    assert "oKite_member_0001" not in caplog.text


@pytest.mark.parametrize("change", [
    {"signature": "0" * 40},
    {"signature": None},
    {"timestamp": None},
    {"nonce": None},
    {"timestamp": "yesterday"},
])
def test_forged_or_missing_signature_is_403(chat, session, caplog, change):
    query = {"signature": None, "timestamp": str(int(chat.clock.now().timestamp())), "nonce": "n1",
             "openid": chat.openid}
    query["signature"] = sign(chat.settings.wechat.token, query["timestamp"], query["nonce"])
    query.update(change)
    resp = chat.client.post("/wechat", query_string={k: v for k, v in query.items() if v is not None},
                            data=chat.xml("text", "<Content>菜单</Content>", msg_id=True).encode(),
                            content_type="text/xml")
    refused(resp, 403, caplog)
    assert inbound_count(session) == 0


@pytest.mark.parametrize("seconds", [-301, 301, -86400 * 365])
def test_a_timestamp_outside_the_window_is_a_replay(chat, session, caplog, seconds):
    stale = str(int(chat.clock.now().timestamp()) + seconds)
    refused(chat.post(chat.xml("text", "<Content>菜单</Content>", msg_id=True), timestamp=stale), 403, caplog)
    assert "window" in caplog.text
    assert inbound_count(session) == 0


def test_a_timestamp_inside_the_window_is_accepted(chat):
    recent = str(int(chat.clock.now().timestamp()) - 299)
    resp = chat.post(chat.xml("text", "<Content>菜单</Content>", msg_id=True), timestamp=recent)
    assert MENU_TITLE in parse_message(resp.get_data(as_text=True)).content


@pytest.mark.parametrize("body", [
    b"",
    b"not xml at all",
    b"<xml><ToUserName>gh</ToUserName>",
    b"<xml><ToUserName>gh</ToUserName><CreateTime>1</CreateTime><MsgType>text</MsgType></xml>",
    b"<xml><FromUserName>oKite_member_0001</FromUserName><MsgType>text</MsgType></xml>",
    b"<xml><ToUserName>gh</ToUserName><FromUserName>oKite_member_0001</FromUserName>"
    b"<CreateTime>soon</CreateTime><MsgType>text</MsgType><MsgId>1</MsgId></xml>",
    b"<xml><ToUserName>gh</ToUserName><FromUserName><a>1</a></FromUserName>"
    b"<CreateTime>1</CreateTime><MsgType>text</MsgType></xml>",
    b"<xml><ToUserName>gh</ToUserName><FromUserName>oKite_member_0001</FromUserName>"
    b"<CreateTime>1</CreateTime><MsgType>event</MsgType></xml>",
    b"<xml><ToUserName>gh</ToUserName><FromUserName>" + b"o" * 65 + b"</FromUserName>"
    b"<CreateTime>1</CreateTime><MsgType>text</MsgType><MsgId>1</MsgId></xml>",
    b"\xff\xfe<xml/>",
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
    b"<xml><ToUserName>gh</ToUserName><FromUserName>oKite_member_0001</FromUserName>"
    b"<CreateTime>1</CreateTime><MsgType>text</MsgType><Content>&b;</Content><MsgId>1</MsgId></xml>",
], ids=["empty", "not-xml", "unclosed", "no-sender", "no-receiver", "bad-createtime",
        "nested-sender", "event-without-event", "sender-too-long", "not-utf8", "entities"])
def test_an_unreadable_body_is_400(chat, session, caplog, body):
    refused(_post_bytes(chat, body), 400, caplog)
    assert inbound_count(session) == 0


def _post_bytes(chat, body: bytes, **extra):
    ts = str(int(chat.clock.now().timestamp()))
    query = {"signature": sign(chat.settings.wechat.token, ts, "n1"), "timestamp": ts, "nonce": "n1",
             "openid": chat.openid, **extra}
    return chat.client.post("/wechat", query_string=query, data=body, content_type="text/xml")


def test_an_unknown_encrypt_type_is_400(chat, caplog):
    refused(_post_bytes(chat, chat.xml("text", "<Content>菜单</Content>", msg_id=True).encode(),
                        encrypt_type="rot13"), 400, caplog)


@pytest.mark.parametrize("mode", ["safe", "compatible"])
def test_a_wrong_msg_signature_is_403(make_chat, session, caplog, mode):
    chat = make_chat("oKite_member_0001", mode=mode)
    ts = str(int(chat.clock.now().timestamp()))
    body, _ = chat.encrypt(chat.xml("text", "<Content>菜单</Content>", msg_id=True), ts, "n1")
    for msg_signature in ("f" * 40, None):
        resp = _post_bytes(chat, body.encode(), encrypt_type="aes",
                           **({"msg_signature": msg_signature} if msg_signature else {}))
        refused(resp, 403, caplog)
    assert inbound_count(session) == 0


def _signed_encrypt(chat, encrypt: str, ts: str) -> tuple[bytes, str]:
    body = f"<xml><ToUserName><![CDATA[gh_3f9a2c1d7e88]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>"
    return body.encode(), wire_msg_signature(chat.settings.wechat.token, ts, "n1", encrypt)


def wire_msg_signature(token: str, ts: str, nonce: str, encrypt: str) -> str:
    return hashlib.sha1("".join(sorted([token, ts, nonce, encrypt])).encode()).hexdigest()


@pytest.mark.parametrize("encrypt", ["", "bm90IGFlcw==", "!!!not base64!!!", "QUJD" * 8, "A" * 64])
def test_garbage_in_encrypt_is_400(chat, session, caplog, encrypt):
    ts = str(int(chat.clock.now().timestamp()))
    body, msg_signature = _signed_encrypt(chat, encrypt, ts)
    refused(_post_bytes(chat, body, encrypt_type="aes", msg_signature=msg_signature), 400, caplog)
    assert inbound_count(session) == 0


def test_a_message_encrypted_for_another_appid_is_400(chat, session, caplog):
    other = WeChatCrypto(chat.settings.wechat.token, chat.settings.wechat.encoding_aes_key, "wxsomeoneelse0001")
    ts = str(int(chat.clock.now().timestamp()))
    wrapped = xmltodict.parse(other.encrypt_message(chat.xml("text", "<Content>菜单</Content>", msg_id=True), "n1", ts))["xml"]
    body, msg_signature = _signed_encrypt(chat, wrapped["Encrypt"], ts)
    refused(_post_bytes(chat, body, encrypt_type="aes", msg_signature=msg_signature), 400, caplog)
    assert "AppID" in caplog.text
    assert inbound_count(session) == 0


def test_an_encrypted_message_without_a_configured_key_is_400(make_chat, app, caplog, monkeypatch):
    chat = make_chat("oKite_member_0001", mode="safe")
    monkeypatch.setattr(app.extensions["kiteline"], "crypto", None)
    ts = str(int(chat.clock.now().timestamp()))
    body, msg_signature = chat.encrypt(chat.xml("text", "<Content>菜单</Content>", msg_id=True), ts, "n1")
    refused(_post_bytes(chat, body.encode(), encrypt_type="aes", msg_signature=msg_signature), 400, caplog)


def test_url_verification(chat):
    ts = str(int(chat.clock.now().timestamp()))
    good = {"signature": sign("kiteline", ts, "n1"), "timestamp": ts, "nonce": "n1", "echostr": "12345"}
    assert chat.client.get("/wechat", query_string=good).get_data(as_text=True) == "12345"
    forged = chat.client.get("/wechat", query_string={**good, "signature": "0" * 40})
    assert forged.status_code == 403 and forged.mimetype == "text/plain"


def test_other_methods_get_plain_text_not_html(chat):
    resp = chat.client.put("/wechat")
    assert resp.status_code == 405
    assert resp.mimetype == "text/plain" and b"<html" not in resp.get_data().lower()


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

    monkeypatch.setattr(bot.webhook, "dispatch", broken)
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

    monkeypatch.setattr(bot.webhook, "dispatch", duplicate_follower)
    assert chat.say("菜单").startswith("抱歉，系统刚才开了个小差")
    assert "IntegrityError" in caplog.text
    assert "oKite_member_0001" not in caplog.text


def test_a_database_outage_gets_a_clear_answer_not_a_500(chat, runtime, monkeypatch, caplog):
    def down():
        raise OperationalError("connect", {}, ConnectionRefusedError("database is down"))

    monkeypatch.setattr(runtime, "session", down)
    assert chat.say("菜单") == f"抱歉，系统正忙，这条消息没能处理。请稍后再发一次，或拨打服务热线 {HOTLINE}。"
    assert "oKite_member_0001" not in caplog.text


# -- what goes back: size limit and escaping ------------------------------------------------------

@pytest.mark.parametrize("mode", MODES)
def test_a_long_reply_is_cut_to_2048_bytes(make_chat, monkeypatch, mode):
    reply_with(monkeypatch, "学" * 5000)
    text = make_chat("oKite_member_0001", mode=mode).say("学习")
    assert len(text.encode("utf-8")) <= wire.MAX_REPLY_BYTES
    assert text == "学" * 681 + "…"  # 681 × 3 bytes + the 3-byte ellipsis = 2046


@pytest.mark.parametrize("mode", MODES)
def test_cdata_terminators_in_a_reply_survive_the_round_trip(make_chat, monkeypatch, mode):
    text = "a]]>b <c> & ]]]]>> 结束]]>"
    reply_with(monkeypatch, text)
    assert make_chat("oKite_member_0001", mode=mode).say("菜单") == text


def test_characters_xml_cannot_carry_are_dropped_from_a_reply(chat, monkeypatch):
    reply_with(monkeypatch, "您好\x00\x07，张某\x1f")
    assert chat.say("菜单") == "您好，张某"
