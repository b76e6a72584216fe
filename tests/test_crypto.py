"""The public WeChat test vectors (../shared/wechat/vectors.json) through the real webhook.

The vectors carry their own token, AppID and EncodingAESKey, so each test builds an app configured
with them (as an operator would, through ``KITELINE_WECHAT__*``), and a clock set to the vector's
own timestamp: the replay window stays on, it is time that is moved."""
from __future__ import annotations

import datetime as dt
import json

import pytest
import xmltodict
from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto

from bot import wire
from bot.app import create_app
from models.settings import load_settings
from tests.conftest import CONFIG_FILE, SHARED, ManualClock

VECTORS = json.loads((SHARED / "wechat" / "vectors.json").read_text(encoding="utf-8"))
# The safe-mode vector is a real account's (its AppID has WeChat's shape): configured as an
# operator configures one, sandbox off, with an AppSecret (a fictional one: no API is called).
REAL_ACCOUNT = {"sandbox": "false", "app_secret": "0123456789abcdef0123456789abcdef"}
URL = VECTORS["url_verification"]
PLAIN = VECTORS["plain_post_signature"]
SAFE = VECTORS["safe_mode_decrypt"]


def at(timestamp: str) -> dt.datetime:
    return dt.datetime.fromtimestamp(int(timestamp), dt.timezone.utc)


@pytest.fixture
def vector_app(db_url):
    """``vector_app(token=..., timestamp=...)``: the app configured with a vector's account."""
    built = []

    def build(timestamp: str, **wechat: str):
        env = {"KITELINE_DATABASE__URL": db_url,
               **{f"KITELINE_WECHAT__{k.upper()}": v for k, v in wechat.items()}}
        app = create_app(load_settings(CONFIG_FILE, env=env), clock=ManualClock(at(timestamp)))
        built.append(app)
        return app.test_client()

    yield build
    for app in built:
        app.extensions["kiteline"].engine.dispose()


def test_url_verification_vector(vector_app):
    client = vector_app(URL["timestamp"], token=URL["token"])
    query = {k: URL[k] for k in ("signature", "timestamp", "nonce", "echostr")}
    resp = client.get("/wechat", query_string=query)
    assert (resp.status_code, resp.get_data(as_text=True)) == (200, URL["echostr"])


def test_url_verification_vector_replayed_a_day_later_is_refused(vector_app):
    client = vector_app(str(int(URL["timestamp"]) + 86400), token=URL["token"])
    query = {k: URL[k] for k in ("signature", "timestamp", "nonce", "echostr")}
    assert client.get("/wechat", query_string=query).status_code == 403


def test_plain_post_signature_vector():
    now = at(PLAIN["timestamp"])
    wire.verify_signature(PLAIN["token"], PLAIN["signature"], PLAIN["timestamp"], PLAIN["nonce"], now, 300)
    with pytest.raises(wire.Forbidden):
        wire.verify_signature("BBBBB", PLAIN["signature"], PLAIN["timestamp"], PLAIN["nonce"], now, 300)


def test_plain_post_signature_vector_through_the_webhook(vector_app):
    client = vector_app(PLAIN["timestamp"], token=PLAIN["token"])
    xml = ("<xml><ToUserName><![CDATA[gh_3f9a2c1d7e88]]></ToUserName><FromUserName><![CDATA[oKite_member_0001]]>"
           f"</FromUserName><CreateTime>{PLAIN['timestamp']}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
           "<Content><![CDATA[菜单]]></Content><MsgId>24371928374650009</MsgId></xml>")
    query = {k: PLAIN[k] for k in ("signature", "timestamp", "nonce")}
    resp = client.post("/wechat", query_string=query, data=xml.encode(), content_type="text/xml")
    assert "流动党员服务助手" in parse_message(resp.get_data(as_text=True)).content


def test_safe_mode_decrypt_vector():
    crypto = WeChatCrypto(SAFE["token"], SAFE["encoding_aes_key"], SAFE["app_id"])
    body = f"<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><Encrypt><![CDATA[{SAFE['encrypt']}]]></Encrypt></xml>"
    plain = wire.decrypt(crypto, body.encode(), SAFE["msg_signature"], SAFE["timestamp"], SAFE["nonce"])
    assert plain == SAFE["expected_plaintext"]
    assert wire.parse(plain).text == "abcdteT"


def _safe_vector_post(client):
    # As in the vector's note: compatible mode, plain fields and <Encrypt> side by side.
    plain = SAFE["expected_plaintext"]
    body = plain.replace("</xml>", f"<Encrypt><![CDATA[{SAFE['encrypt']}]]></Encrypt>\n</xml>")
    query = {"signature": SAFE["url_signature"], "timestamp": SAFE["timestamp"], "nonce": SAFE["nonce"],
             "openid": "oyORnuP8q7ou2gfYjqLzSIWZf0rs", "encrypt_type": "aes",
             "msg_signature": SAFE["msg_signature"]}
    return client.post("/wechat", query_string=query, data=body.encode(), content_type="text/xml")


def test_safe_mode_vector_through_the_webhook_gets_an_encrypted_reply(vector_app):
    client = vector_app(SAFE["timestamp"], token=SAFE["token"], app_id=SAFE["app_id"],
                        encoding_aes_key=SAFE["encoding_aes_key"], **REAL_ACCOUNT)
    resp = _safe_vector_post(client)
    assert resp.status_code == 200
    outer = xmltodict.parse(resp.get_data(as_text=True))["xml"]
    crypto = WeChatCrypto(SAFE["token"], SAFE["encoding_aes_key"], SAFE["app_id"])
    reply = parse_message(crypto.decrypt_message(resp.get_data(as_text=True), outer["MsgSignature"],
                                                 outer["TimeStamp"], outer["Nonce"]))
    assert (reply.source, reply.target) == ("gh_10f6c3c3ac5a", "oyORnuP8q7ou2gfYjqLzSIWZf0rs")
    assert reply.content.startswith("抱歉，这句话我还没看懂")  # "abcdteT" means nothing to the router


def test_safe_mode_vector_replayed_today_is_refused(vector_app):
    client = vector_app("1764380000", token=SAFE["token"], app_id=SAFE["app_id"],
                        encoding_aes_key=SAFE["encoding_aes_key"], **REAL_ACCOUNT)
    assert _safe_vector_post(client).status_code == 403


def test_safe_mode_vector_for_another_account_is_refused(vector_app):
    client = vector_app(SAFE["timestamp"], token=SAFE["token"], app_id="wxkiteline0sandbox",
                        encoding_aes_key=SAFE["encoding_aes_key"])
    assert _safe_vector_post(client).status_code == 400
