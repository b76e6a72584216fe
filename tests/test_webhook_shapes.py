"""Bodies shaped unlike anything WeChat sends are refused with 400 before any handler runs:
fields that should hold text but hold elements, or a field given twice. SQLite."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from models.inbound import InboundMessage
from tests.conftest import sign


def _post(chat, body: str):
    ts = str(int(chat.clock.now().timestamp()))
    query = {"signature": sign(chat.settings.wechat.token, ts, "n1"), "timestamp": ts, "nonce": "n1",
             "openid": chat.openid}
    return chat.client.post("/wechat", query_string=query, data=body.encode(), content_type="text/xml")


HEAD = ("<xml><ToUserName><![CDATA[gh_3f9a2c1d7e88]]></ToUserName>"
        "<FromUserName><![CDATA[oKite_member_0001]]></FromUserName><CreateTime>{t}</CreateTime>")


@pytest.mark.parametrize("fields", [
    "<MsgType>text</MsgType><Content><a>1</a><b>2</b></Content><MsgId>1001</MsgId>",
    "<MsgType>text</MsgType><Content>菜单</Content><Content>求助</Content><MsgId>1002</MsgId>",
    "<MsgType>voice</MsgType><Recognition><x>求助</x></Recognition><MsgId>1003</MsgId>",
    "<MsgType>event</MsgType><Event>CLICK</Event><EventKey><k>MENU</k></EventKey>",
    "<MsgType>event</MsgType><Event>CLICK</Event><EventKey>MENU</EventKey><EventKey>STATIONS</EventKey>",
    "<MsgType>text</MsgType><Content>菜单</Content><MsgId>1</MsgId><MsgId>2</MsgId>",
], ids=["content-children", "two-contents", "recognition-children", "eventkey-children",
        "two-eventkeys", "two-msgids"])
def test_a_field_with_elements_or_given_twice_is_400(chat, session, caplog, fields):
    body = HEAD.format(t=int(chat.clock.now().timestamp())) + fields + "</xml>"
    resp = _post(chat, body)
    assert resp.status_code == 400
    assert resp.mimetype == "text/plain"
    assert session.scalar(select(func.count()).select_from(InboundMessage)) == 0
    assert "Traceback" not in caplog.text
