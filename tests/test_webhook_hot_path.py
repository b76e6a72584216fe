"""What an ordinary message costs the database, in production mode (sandbox off): a bound member
in conversation sends 菜单 or 党费 and the webhook runs 2 SQL statements in 1 transaction on one
pooled connection — one read of the sender (roles and contacts included, and whether this very
message was answered before), then the message recorded with its reply and committed with whatever
the handler changed; the first message after a pause writes the window too. SQLite and PostgreSQL.

And what those savings must not cost: the customer-service window still opens, deferred
deliveries still go out, a dialog in progress and waiting pages still answer."""
from __future__ import annotations

import datetime as dt
from collections import Counter

import psycopg
import pytest
from sqlalchemy import event, insert, select, text

import bot.answering
from models.delivery.outbox import OutboxMessage
from models.delivery.payloads import Text
from models.delivery.queue import enqueue
from models.delivery.window import MESSAGE_WINDOW, Window, reserve
from models.dialog import DialogState
from models.follower import Follower
from models.inbound import InboundMessage
from models.inbound_sender import READ_SENDER
from models.lesson import StudyRecord
from models.tickets import Ticket, open_ticket, record_liaison_answer
from tests.conftest import START
from tests.factories import SLA, make_branch, make_lesson, make_liaison, make_member

pytestmark = pytest.mark.postgres

BUDGET = 2


@pytest.fixture
def settings_env(db_url) -> dict[str, str]:
    return {"KITELINE_DATABASE__URL": db_url, "KITELINE_WECHAT__SANDBOX": "false",
            "KITELINE_WECHAT__APP_ID": "wx0000000000000001", "KITELINE_WECHAT__APP_SECRET": "fictional-secret"}


@pytest.fixture
def member(session, chat):
    branch = make_branch(session)
    liaison = make_liaison(session, branch)
    person = make_member(session, branch, name="张某", openid=chat.openid, status="away", liaison_id=liaison.id)
    session.add(Follower(openid=chat.openid, first_seen_at=START, last_interaction_at=START))
    session.commit()
    return person


class Counted:
    """The statements (by first keyword) and commits of one message."""

    def __init__(self, engine) -> None:
        self.engine, self.statements, self.commits, self.checkouts = engine, Counter(), 0, 0

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._statement)
        event.listen(self.engine, "commit", self._commit)
        event.listen(self.engine.pool, "checkout", self._checkout)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._statement)
        event.remove(self.engine, "commit", self._commit)
        event.remove(self.engine.pool, "checkout", self._checkout)

    def _checkout(self, dbapi_connection, record, proxy):
        self.checkouts += 1

    def _statement(self, conn, cursor, sql, params, context, executemany):
        self.statements[sql.lstrip().split(None, 1)[0].upper()] += 1

    def _commit(self, conn):
        self.commits += 1

    @property
    def total(self) -> int:
        return sum(self.statements.values())


@pytest.mark.parametrize("text, expected, budget", [
    ("菜单", "张某，您好！", BUDGET), ("联络员是谁", "李某", BUDGET),
    ("党费", "党费按月交纳", BUDGET + 1),  # and the member's dues in one read
])
def test_an_ordinary_message_costs_two_statements_in_one_transaction(chat, runtime, member, text, expected, budget):
    chat.say("你好")  # the conversation is under way: the window is open
    chat.advance(seconds=20)
    with Counted(runtime.engine) as counted:
        reply = chat.say(text)
    assert expected in reply
    assert counted.total <= budget, counted.statements
    assert counted.commits == 1, counted.commits
    assert counted.checkouts == 1, counted.checkouts


def test_study_and_stations_cost_their_own_read_and_write_besides(chat, runtime, member, session):
    """学习: the library with the member's records (and whether a push is on its way), then the
    study record written (new, or shown again later that day) — 4; 驿站: one read of the
    stations — 3."""
    make_lesson(session, title="第一课")
    make_lesson(session, title="第二课")
    session.commit()
    chat.say("你好")
    for text, expected, budget in [("学习", "第一课", BUDGET + 2), ("学习", "第一课", BUDGET + 2),
                                   ("驿站", "阳光驿站", BUDGET + 1)]:
        chat.advance(seconds=15)  # within the minute: the window is not written
        with Counted(runtime.engine) as counted:  # the message alone, not the reading link's HEAD
            response = chat.post(chat.xml("text", f"<Content><![CDATA[{text}]]></Content>", msg_id=True))
        assert expected in chat._reply_text(response)
        assert counted.total <= budget, (text, counted.statements)
        assert counted.commits == 1, counted.commits
    session.expire_all()
    record = session.scalar(select(StudyRecord))
    assert (record.source, record.delivered_at, record.shown_at) == ("request", START + dt.timedelta(seconds=15),
                                                                     START + dt.timedelta(seconds=30))


def test_a_member_whose_liaison_awaits_their_reply_costs_no_statement_more_asking_something_else(
        chat, runtime, member, session):
    """The ticket awaiting the member's reply is one more column of the sender's read
    (``handlers.help_request.follow_up``): another request costs what it always does."""
    ticket = open_ticket(session, member, "wages", "老板拖欠了三个月工资", now=START, sla=SLA,
                         notice_template_id="kiteline_liaison_notice")
    record_liaison_answer(session, ticket, "您在哪个工地？", resolved=False, now=START)
    session.commit()
    chat.say("你好")
    chat.advance(seconds=20)
    with Counted(runtime.engine) as counted:
        assert "李某" in chat.say("联络员是谁")
    assert counted.total <= BUDGET, counted.statements


def test_the_first_message_after_a_pause_writes_the_window_and_stays_within_one_more(chat, runtime, member,
                                                                                     session):
    chat.say("你好")
    chat.advance(hours=3)
    with Counted(runtime.engine) as counted:
        chat.say("菜单")
    assert counted.total <= BUDGET + 1, counted.statements
    follower = session.get(Follower, chat.openid)
    assert follower.window_expires_at == chat.clock.now() + MESSAGE_WINDOW[0]
    assert follower.last_interaction_at == chat.clock.now()


def test_a_message_within_the_minute_leaves_the_window_as_it_was_a_little_earlier(chat, member, session):
    chat.say("你好")
    opened = chat.clock.now()
    chat.advance(seconds=30)
    chat.say("党费")
    follower = session.get(Follower, chat.openid)
    # Never later than WeChat's window (48 h after the last message), at most a minute earlier.
    assert follower.window_expires_at == opened + MESSAGE_WINDOW[0]
    assert follower.window_budget == MESSAGE_WINDOW[1]


def test_a_spent_window_opens_again_with_the_next_message_at_once(chat, member, session):
    chat.say("你好")
    session.get(Follower, chat.openid).window_budget = 2
    session.commit()
    chat.advance(seconds=10)
    chat.say("党费")
    session.expire_all()
    assert session.get(Follower, chat.openid).window_budget == MESSAGE_WINDOW[1]


def test_deferred_deliveries_go_out_when_the_member_writes(chat, member, session):
    chat.say("你好")
    row = enqueue(session, openid=chat.openid, payload=Text("答复"), purpose="liaison_answer",
                  idempotency_key="t1", now=chat.clock.now())
    row.status = "deferred"
    session.commit()
    chat.advance(seconds=10)
    chat.say("党费")
    session.expire_all()
    assert session.scalar(select(OutboxMessage.status)) == "pending"


def test_the_reply_and_intent_are_stored_for_retries(chat, member, session):
    chat.say("党费")
    row = session.scalar(select(InboundMessage))
    assert row.intent == "dues" and "请联系您的红色联络员李某" in row.reply


def test_a_dialog_read_ahead_still_expires(chat, member, session):
    session.add(DialogState(openid=chat.openid, dialog="help_request", state="describe", data={},
                            expires_at=chat.clock.now() - MESSAGE_WINDOW[0]))
    session.commit()
    assert "请联系您的红色联络员李某" in chat.say("党费")
    session.expire_all()
    assert session.get(DialogState, chat.openid) is None


def test_after_the_database_restarts_the_next_message_is_answered(chat, runtime, member, db_backend, db_url):
    """Pooled connections are not pinged: one the server dropped fails the message's first
    statement, and the webhook tries it once more on a fresh connection."""
    if db_backend != "postgresql":
        pytest.skip("a server that drops its connections: PostgreSQL")
    chat.say("你好")
    assert runtime.engine.pool.checkedin() >= 1  # the pool holds a connection for the next message
    with psycopg.connect(db_url, autocommit=True) as admin:
        killed = admin.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                               "WHERE datname = current_database() AND pid <> pg_backend_pid()").fetchone()[0]
    assert killed >= 1
    assert "请联系您的红色联络员李某" in chat.say("党费")


def test_a_window_write_leaves_the_budget_a_dispatcher_spent_meanwhile(chat, runtime, member, session, monkeypatch):
    """The follower row is read with the sender and written back after: only what moved (here
    the interaction time of a location report, which opens no window) is written, so a message a
    dispatcher sent between the read and the write still counts."""
    chat.say("你好")
    chat.advance(minutes=5)
    read = bot.answering.read_sender

    def read_while_a_dispatcher_sends(conn, s, openid, **kw):
        sender = read(conn, s, openid, **kw)
        with runtime.session() as dispatcher:
            assert reserve(dispatcher, openid, chat.clock.now()) == Window.OPEN
            dispatcher.commit()
        return sender

    monkeypatch.setattr(bot.answering, "read_sender", read_while_a_dispatcher_sends)
    chat.post(chat.xml("event", "<Event><![CDATA[LOCATION]]></Event><Latitude>31.3</Latitude>"
                                "<Longitude>120.6</Longitude><Precision>30</Precision>"))
    session.expire_all()
    follower = session.get(Follower, chat.openid)
    assert follower.last_interaction_at == chat.clock.now()
    assert follower.window_budget == MESSAGE_WINDOW[1] - 1


def test_a_ticket_waiting_for_a_rating_costs_an_ordinary_message_nothing_more(chat, runtime, member, session):
    """Whether a resolved ticket waits for the member's rating is one EXISTS in the read of the
    sender (models.inbound_sender): 党费 costs what it did, and 5 is read as the rating."""
    ticket = open_ticket(session, member, "wages", "老板拖欠了三个月工资", now=START, sla=SLA,
                         notice_template_id="kiteline_liaison_notice")
    record_liaison_answer(session, ticket, "钱要回来了", resolved=True, now=START)
    session.commit()
    chat.say("你好")
    chat.advance(seconds=20)
    with Counted(runtime.engine) as counted:
        assert "李某" in chat.say("联络员是谁")
    assert counted.total <= BUDGET, counted.statements
    assert chat.say("5").startswith("谢谢您的评价（5分）！")
    session.expire_all()
    assert session.get(Ticket, ticket.id).status == "closed"


def test_other_members_waiting_deliveries_are_not_walked_by_every_message(chat, runtime, member, session, db_backend):
    """Whether deliveries wait for the sender is asked on every message: SQLite answers it from
    the sender's own outbox rows (the index on openid and status), not by walking every row of
    the district waiting in that status — 30 ms a message with 60,000 of them, before."""
    if db_backend != "sqlite":
        pytest.skip("the plan is SQLite's: PostgreSQL's planner goes by its statistics")
    session.execute(insert(OutboxMessage), [
        dict(openid=f"oOther_{i:05d}", kind="text", payload={"kind": "text", "content": "通知"}, purpose="notice",
             idempotency_key=f"waiting:{i}", status="on_request" if i % 2 else "deferred", attempts=0, resends=0,
             next_attempt_at=START, created_at=START) for i in range(2000)])
    session.commit()
    read = READ_SENDER.params(openid=chat.openid, follow_up_since=START, dedupe_key="", query_key="", body_hash="")
    sql = read.compile(runtime.engine, compile_kwargs={"literal_binds": True})
    plan = session.execute(text(f"EXPLAIN QUERY PLAN {sql}")).all()
    outbox = [row[-1] for row in plan if " outbox " in f" {row[-1]} "]
    assert outbox and all("ix_outbox_openid_status (openid=? AND status=?)" in step for step in outbox), outbox
    assert "张某，您好！" in chat.say("菜单")
