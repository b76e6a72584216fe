"""A help request that reaches nobody (the branch has named no red liaison) is still a ticket,
and an operator sees a WARNING naming it, with the member's phone masked."""
import logging

from sqlalchemy import select

from models.outbox import OutboxMessage
from models.tickets import Ticket, open_ticket
from tests.conftest import START
from tests.factories import make_branch, make_member


def test_a_ticket_without_a_liaison_is_logged_for_an_operator(session, caplog):
    member = make_member(session, make_branch(session), name="张某", phone="13800001234",
                         openid="oKite_member_0001")
    with caplog.at_level(logging.WARNING, logger="models.tickets"):
        ticket = open_ticket(session, member, "wages", "老板拖欠工资", now=START, sla_hours=24,
                             notice_template_id="kiteline_liaison_notice")
    session.commit()
    assert (ticket.number, ticket.liaison_id) == ("Q20261129001", None)
    assert session.scalar(select(OutboxMessage)) is None
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
        ("WARNING", f"ticket Q20261129001: member {member.id} (phone 138****1234) of 白杨村党支部 has no red "
                    "liaison; nobody was notified")]
    assert session.scalar(select(Ticket)).description == "老板拖欠工资"
