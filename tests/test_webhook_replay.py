"""A captured signed request cannot carry another body, and an account set to WeChat's safe mode
(安全模式) takes nothing in clear — while WeChat's own retries (the identical request resent, or
the same message under a new nonce) still get the first reply. SQLite and PostgreSQL."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from models.inbound import InboundMessage
from tests.conftest import TEST_AES_KEY

pytestmark = pytest.mark.postgres

MENU_TITLE = "流动党员服务助手"


def inbound_count(session) -> int:
    return session.scalar(select(func.count()).select_from(InboundMessage))


@pytest.mark.parametrize("mode", ["plain", "safe"])
def test_a_signed_query_seen_before_is_refused_with_another_body(make_chat, session, mode):
    member = make_chat("oKite_member_0001", mode=mode)
    first = member.xml("text", "<Content>菜单</Content>", msg_id=True)
    assert member.post(first, nonce="n1").status_code == 200

    forged = member.xml("text", "<Content>求助 我被骗了</Content>", msg_id=True)
    assert member.post(forged, nonce="n1").status_code == 403
    tampered = first.replace("菜单", "求助 我被骗了")  # the same MsgId, another text
    assert member.post(tampered, nonce="n1").status_code == 403
    stranger = make_chat("oKite_stranger_9", mode=mode)
    assert stranger.post(stranger.xml("text", "<Content>菜单</Content>", msg_id=True),
                         nonce="n1").status_code == 403
    assert inbound_count(session) == 1


@pytest.mark.parametrize("mode", ["plain", "safe"])
def test_wechats_own_retries_get_the_first_reply(make_chat, session, mode):
    member = make_chat("oKite_member_0001", mode=mode)
    xml = member.xml("text", "<Content>菜单</Content>", msg_id=True)
    first = member._reply_text(member.post(xml, nonce="n1"))
    assert MENU_TITLE in first
    assert member._reply_text(member.post(xml, nonce="n1")) == first   # the identical request
    assert member._reply_text(member.post(xml, nonce="n2")) == first   # the same message, new nonce
    assert inbound_count(session) == 1


class TestAnAccountInSafeMode:
    @pytest.fixture
    def settings_env(self, db_url):
        return {"KITELINE_DATABASE__URL": db_url, "KITELINE_WECHAT__ENCODING_AES_KEY": TEST_AES_KEY,
                "KITELINE_WECHAT__ENCRYPTION": "safe"}

    def test_a_message_in_clear_is_refused(self, make_chat, session):
        plain = make_chat("oKite_member_0001", mode="plain")
        resp = plain.post(plain.xml("text", "<Content>菜单</Content>", msg_id=True))
        assert resp.status_code == 403
        assert inbound_count(session) == 0
        safe = make_chat("oKite_member_0001", mode="safe")
        assert MENU_TITLE in safe.say("菜单")


class TestAnAccountInPlainMode:
    @pytest.fixture
    def settings_env(self, db_url):
        return {"KITELINE_DATABASE__URL": db_url, "KITELINE_WECHAT__ENCODING_AES_KEY": TEST_AES_KEY,
                "KITELINE_WECHAT__ENCRYPTION": "plain"}

    def test_an_encrypted_message_is_refused(self, make_chat, session):
        safe = make_chat("oKite_member_0001", mode="safe")
        assert safe.post(safe.xml("text", "<Content>菜单</Content>", msg_id=True)).status_code == 400
        assert inbound_count(session) == 0
        assert MENU_TITLE in make_chat("oKite_member_0001", mode="plain").say("菜单")
