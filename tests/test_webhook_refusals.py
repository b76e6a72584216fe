"""Every way the webhook refuses a request: 403 for anything not from WeChat (signature, replay
window, msg_signature), 400 for a body it cannot read (XML, AES, AppID, size). Never a 500, never
HTML, nothing recorded, and the log names the follower only by a masked openid. SQLite and
PostgreSQL."""
from __future__ import annotations

import hashlib

import pytest
import xmltodict
from sqlalchemy import func, select
from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto

from models.inbound import InboundMessage
from tests.conftest import sign

pytestmark = pytest.mark.postgres

MENU_TITLE = "流动党员服务助手"


def inbound_count(session) -> int:
    return session.scalar(select(func.count()).select_from(InboundMessage))


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


def test_an_absurdly_large_timestamp_is_refused_like_any_replay(chat, session, caplog):
    huge = "9" * 400
    refused(chat.post(chat.xml("text", "<Content>菜单</Content>", msg_id=True), timestamp=huge), 403, caplog)
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


def test_a_body_far_larger_than_any_wechat_message_is_400(chat, session, caplog):
    text = "党" * 30000  # 90 KB
    refused(_post_bytes(chat, chat.xml("text", f"<Content>{text}</Content>", msg_id=True).encode()), 400, caplog)
    assert inbound_count(session) == 0


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
    return body.encode(), msg_signature_for(chat.settings.wechat.token, ts, "n1", encrypt)


def msg_signature_for(token: str, ts: str, nonce: str, encrypt: str) -> str:
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
