"""An open verification ask costs an ordinary message nothing: it is read with the sender, in the
same statement (``models.inbound_sender``), and answering it writes only the ask. Production mode
(sandbox off), SQLite and PostgreSQL, as ``tests/test_webhook_hot_path.py`` counts."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from models.verification.asks import VerificationAsk
from tests import test_webhook_hot_path as hot_path
from tests.conftest import START
from tests.test_webhook_hot_path import BUDGET, Counted

pytestmark = pytest.mark.postgres

# The same production-mode settings and bound member (张某, liaison 李某) as the hot path's tests.
settings_env = hot_path.settings_env
member = hot_path.member


def open_ask(session, member_id: int) -> VerificationAsk:
    """An ask delivered this morning, open for 14 days."""
    row = VerificationAsk(member_id=member_id, asked_at=START, due_on=dt.date(2026, 12, 13), delivered_at=START)
    session.add(row)
    session.commit()
    return row


def outcome(session) -> str | None:
    session.expire_all()
    return session.scalar(select(VerificationAsk.outcome))


def test_an_ordinary_message_with_an_ask_open_costs_what_it_costs_without(chat, runtime, member, session):
    chat.say("你好")
    chat.advance(seconds=20)
    with Counted(runtime.engine) as without:
        chat.say("联络员是谁")
    open_ask(session, member.id)
    with Counted(runtime.engine) as counted:
        assert "李某" in chat.say("联络员是谁")
    assert counted.statements == without.statements
    assert counted.statements["SELECT"] == 1  # the sender's read, ask and all
    assert outcome(session) is None


def test_answering_the_ask_writes_only_the_ask(chat, runtime, member, session):
    open_ask(session, member.id)
    chat.say("你好")
    chat.advance(seconds=20)
    with Counted(runtime.engine) as counted:
        assert chat.say("没变").startswith("谢谢您的确认！")
    assert counted.total <= BUDGET + 1, counted.statements  # an ordinary message's, and the ask's write
    assert outcome(session) == "confirmed"
