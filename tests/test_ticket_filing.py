"""Filing a help request in the domain: a new ticket, the same request again, more of a case
already open; urgency stored as said, never read from a due date or the words — on SQLite and
PostgreSQL."""
import dataclasses
import datetime as dt

import pytest
from sqlalchemy import func, select

from models.delivery.outbox import OutboxMessage
from models.tickets import (
    Outcome,
    Ticket,
    file_help_request,
    history,
    record_liaison_answer,
)
from tests.conftest import START
from tests.factories import SLA, make_branch, make_liaison, make_member

pytestmark = pytest.mark.postgres


@pytest.fixture
def member(session):
    branch = make_branch(session)
    liaison = make_liaison(session, branch)
    return make_member(session, branch, name="张某", phone="13800001234", openid="oKite_member_0001",
                       liaison_id=liaison.id)


def file(session, member, text, topic="wages", urgency="normal", minutes=0):
    return file_help_request(session, member, text, topic, urgency, now=START + dt.timedelta(minutes=minutes),
                             sla=SLA, notice_template_id="kiteline_liaison_notice")


def count(session, model=Ticket):
    return session.scalar(select(func.count()).select_from(model))


def test_a_first_request_is_a_new_ticket_filed_by_the_member(session, member):
    filed = file(session, member, "老板拖欠了三个月工资")
    ticket = filed.ticket
    assert (filed.outcome, filed.liaison_told) == (Outcome.NEW, True)
    assert (ticket.number, ticket.status, ticket.urgency, ticket.due_at) == (
        "Q20261129001", "new", "normal", START + dt.timedelta(hours=24))
    assert [(e.kind, e.actor_kind, e.actor_id) for e in history(session, ticket)] == [("filed", "member", member.id)]


def test_the_same_words_while_it_waits_are_a_duplicate(session, member):
    first = file(session, member, "老板拖欠了三个月工资").ticket
    again = file(session, member, "老板拖欠了三个月工资", minutes=5)
    assert (again.outcome, again.ticket, again.liaison_told) == (Outcome.DUPLICATE, first, False)
    assert count(session) == 1
    assert first.description == "老板拖欠了三个月工资"


def test_more_of_the_same_topic_joins_the_open_case_and_reaches_the_liaison(session, member):
    first = file(session, member, "老板拖欠了三个月工资").ticket
    more = file(session, member, "包工头说年底才结", minutes=1)
    assert (more.outcome, more.ticket, more.liaison_told) == (Outcome.ADDED, first, True)
    assert first.description == "老板拖欠了三个月工资\n【补充 11-29 09:01】包工头说年底才结"
    assert [(e.kind, e.actor_kind, e.note) for e in history(session, first)][-1] == ("added", "member", "包工头说年底才结")
    assert count(session) == 1


def test_an_answered_case_is_still_open_a_settled_one_is_not(session, member):
    first = file(session, member, "老板拖欠了三个月工资").ticket
    record_liaison_answer(session, first, "明天去劳动监察大队", resolved=False, now=START)
    assert file(session, member, "老板又说要扣钱", minutes=30).outcome is Outcome.ADDED
    record_liaison_answer(session, first, "", resolved=True, now=START)
    later = file(session, member, "这个月工资又没发", minutes=60)
    assert (later.outcome, later.ticket.number) == (Outcome.NEW, "Q20261129002")


def test_other_matters_never_join_each_other(session, member):
    file(session, member, "家里有点事", topic="other")
    assert file(session, member, "还有一件事", topic="other", minutes=1).outcome is Outcome.NEW


@pytest.mark.parametrize("urgency", ["urgent", "crisis"])
def test_urgency_is_stored_as_filed_and_due_within_the_hour(session, member, urgency):
    ticket = file(session, member, "不想活了", topic="other", urgency=urgency).ticket
    session.commit()
    session.expire_all()
    assert (ticket.urgency, ticket.description, ticket.due_at) == (urgency, "不想活了", START + dt.timedelta(hours=1))
    notice = session.scalar(select(OutboxMessage).where(OutboxMessage.purpose == "liaison_notice"))
    assert "请马上电话联系张某" in notice.payload["content"]
    assert ("“【情绪危机，请马上联系】不想活了”" in notice.payload["content"]) == (urgency == "crisis")


def test_a_crisis_while_one_waits_joins_it_whatever_the_words(session, member):
    first = file(session, member, "不想活了", topic="other", urgency="crisis").ticket
    file(session, member, "家里有点事", topic="other")
    again = file(session, member, "真的不想活了", topic="other", urgency="crisis", minutes=10)
    assert (again.outcome, again.ticket) == (Outcome.ADDED, first)
    assert count(session) == 2


def test_a_normal_request_with_a_due_date_an_hour_away_is_no_crisis(session, member):
    """Urgency is the column, not the gap between filing and due date."""
    file_help_request(session, member, "家里有点事", "other", "normal", now=START,
                      sla=dataclasses.replace(SLA, first_response=dt.timedelta(hours=1)),
                      notice_template_id="kiteline_liaison_notice")
    assert file(session, member, "不想活了", topic="other", urgency="crisis", minutes=5).outcome is Outcome.NEW


@pytest.mark.parametrize(("topic", "urgency"), [("wages", "soon"), ("lottery", "normal")])
def test_an_unknown_urgency_or_topic_is_refused(session, member, topic, urgency):
    with pytest.raises(ValueError):
        file(session, member, "老板拖欠了三个月工资", topic=topic, urgency=urgency)
