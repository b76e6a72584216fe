"""The ticket lifecycle: every transition the table allows, one it refuses, and the events a
liaison's answer records (who, when, what was said) — on SQLite and PostgreSQL."""
import datetime as dt

import pytest
from sqlalchemy import select

from models.tickets import (
    TRANSITIONS,
    Actor,
    Ticket,
    TicketEvent,
    TransitionRefused,
    history,
    open_ticket,
    record_liaison_answer,
    transition,
)
from tests.conftest import START
from tests.factories import SLA, make_branch, make_liaison, make_member

pytestmark = pytest.mark.postgres
LATER = START + dt.timedelta(hours=3)


def _ticket(session, status="new"):
    branch = make_branch(session)
    liaison = make_liaison(session, branch)
    member = make_member(session, branch, name="张某", phone="13800001234", openid="oKite_member_0001",
                         liaison_id=liaison.id)
    ticket = open_ticket(session, member, "wages", "老板拖欠了三个月工资", now=START, sla=SLA,
                         notice_template_id="kiteline_liaison_notice")
    ticket.status = status
    session.flush()
    return ticket


def _events(session, ticket):
    return [(e.kind, e.actor_kind, e.actor_id, e.at, e.note) for e in history(session, ticket)]


@pytest.mark.parametrize(("before", "after"), [(b, a) for b, nexts in TRANSITIONS.items() for a in nexts])
def test_every_allowed_transition_moves_the_ticket_and_is_recorded(session, before, after):
    ticket = _ticket(session, before)
    liaison = Actor("liaison", ticket.liaison.member_id)
    transition(session, ticket, after, actor=liaison, now=LATER, note="电话联系过了")
    session.commit()
    session.expire_all()
    assert session.get(Ticket, ticket.id).status == after
    assert _events(session, ticket)[-1] == (after, "liaison", ticket.liaison.member_id, LATER, "电话联系过了")
    assert (session.get(Ticket, ticket.id).resolved_at == LATER) == (after == "resolved")


def test_a_transition_the_table_does_not_allow_is_refused_naming_both_statuses(session):
    ticket = _ticket(session, "new")
    with pytest.raises(TransitionRefused) as refused:
        transition(session, ticket, "answered", actor=Actor("liaison", ticket.liaison.member_id), now=LATER)
    assert (refused.value.current, refused.value.wanted) == ("new", "answered")
    assert str(refused.value) == "ticket Q20261129001: no transition from 'new' to 'answered'"
    assert ticket.status == "new"
    assert [e[0] for e in _events(session, ticket)] == ["filed"]


def test_every_status_has_its_row_and_no_step_stays_put():
    assert set(TRANSITIONS) == {"new", "claimed", "answered", "resolved", "closed", "reopened"}
    assert all(status not in nexts for status, nexts in TRANSITIONS.items())


def test_a_liaisons_first_answer_claims_the_ticket_and_answers_it(session):
    ticket = _ticket(session)
    liaison_id, member_id = ticket.liaison.member_id, ticket.member_id
    record_liaison_answer(session, ticket, "明天陪您去劳动监察大队", resolved=False, now=LATER)
    session.commit()
    assert ticket.status == "answered"
    assert _events(session, ticket) == [
        ("filed", "member", member_id, START, None),
        ("claimed", "liaison", liaison_id, LATER, None),
        ("answered", "liaison", liaison_id, LATER, "明天陪您去劳动监察大队"),
    ]


def test_settling_an_unclaimed_ticket_claims_then_resolves_it(session):
    ticket = _ticket(session)
    record_liaison_answer(session, ticket, "", resolved=True, now=LATER)
    assert (ticket.status, ticket.resolved_at) == ("resolved", LATER)
    assert [(e[0], e[4]) for e in _events(session, ticket)] == [("filed", None), ("claimed", None), ("resolved", None)]


def test_answering_a_settled_ticket_reopens_it_first(session):
    ticket = _ticket(session, "resolved")
    record_liaison_answer(session, ticket, "又去问了一次", resolved=False, now=LATER)
    assert ticket.status == "answered"
    assert [e[0] for e in _events(session, ticket)] == ["filed", "reopened", "answered"]


def test_an_answer_said_again_is_one_more_event_the_status_unchanged(session):
    ticket = _ticket(session, "answered")
    record_liaison_answer(session, ticket, "还在催", resolved=False, now=LATER)
    assert ticket.status == "answered"
    session.commit()
    assert [(e[0], e[4]) for e in _events(session, ticket)] == [("filed", None), ("answered", "还在催")]
    assert session.scalar(select(TicketEvent.kind).order_by(TicketEvent.id.desc()).limit(1)) == "answered"


def test_an_actor_is_a_person_with_an_id_or_the_system_without():
    with pytest.raises(ValueError):
        Actor("liaison")
    with pytest.raises(ValueError):
        Actor("system", 3)
    with pytest.raises(ValueError):
        Actor("mayor", 3)
    assert Actor("system").member_id is None


@pytest.mark.parametrize("resolved", [False, True])
@pytest.mark.parametrize("before", list(TRANSITIONS))
def test_a_liaisons_answer_reaches_its_status_from_every_status(session, before, resolved):
    ticket = _ticket(session, before)
    record_liaison_answer(session, ticket, "已经联系了", resolved=resolved, now=LATER)
    assert ticket.status == ("resolved" if resolved else "answered")
    assert all(e[1:3] == ("liaison", ticket.liaison.member_id) for e in _events(session, ticket)[1:])
