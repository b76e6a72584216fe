"""Every sample in ../shared/wechat/messages/ gets a sensible answer — a reply, or ``success`` for
the events nobody reads — from a bound member and from a follower who has not bound yet, on
SQLite and PostgreSQL. The exact wording is each handler's own test's business; here: one
well-formed passive reply, addressed right, within the size limit, never the apology."""
from __future__ import annotations

import pytest
from sqlalchemy import select
from wechatpy import parse_message

from bot import wire
from models.inbound import InboundMessage
from tests.conftest import SHARED
from tests.factories import make_branch, make_lesson, make_liaison, make_member

pytestmark = pytest.mark.postgres

SAMPLES = sorted((SHARED / "wechat" / "messages").glob("*.xml"))
# Reports and events that show the member nothing: WeChat expects "success".
SILENT = {"event_location", "event_masssendjobfinish", "event_templatesendjobfinish",
          "event_unsubscribe", "event_view"}
# The platform's report of a mass send: recorded on its batch (models.delivery.mass), answered
# with an empty body, never taken for a member's message.
REPORTS = {"event_masssendjobfinish"}
ACCOUNT, OPENID = "gh_3f9a2c1d7e88", "oKite_member_0001"


def test_the_samples_are_all_there():
    assert len(SAMPLES) == 15
    assert SILENT <= {p.stem for p in SAMPLES}


@pytest.mark.parametrize("bound", [False, True], ids=["unbound", "bound"])
@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_each_sample_gets_an_answer(chat, session, sample, bound):
    if bound:
        branch = make_branch(session)
        make_liaison(session, branch)
        make_member(session, branch, openid=OPENID, status="away", current_city="苏州市")
        make_lesson(session)
        session.commit()

    resp = chat.post(sample.read_text(encoding="utf-8"))

    assert resp.status_code == 200
    body = resp.get_data(as_text=True)
    if sample.stem in REPORTS:
        assert body == ""
        assert session.scalar(select(InboundMessage)) is None
        return
    if sample.stem in SILENT:
        assert body == "success"
    else:
        reply = parse_message(body)
        assert (reply.source, reply.target) == (ACCOUNT, OPENID)
        assert reply.time == int(chat.clock.now().timestamp())
        text = reply.content if reply.type == "text" else body
        assert text and len(text.encode("utf-8")) <= wire.MAX_REPLY_BYTES + 1024
        assert not text.startswith("抱歉，系统")
        if reply.type == "text":
            assert len(reply.content.encode("utf-8")) <= wire.MAX_REPLY_BYTES
        if bound:
            assert "还没有绑定" not in text
    stored = session.scalar(select(InboundMessage).where(InboundMessage.openid == OPENID))
    assert stored.reply == body
