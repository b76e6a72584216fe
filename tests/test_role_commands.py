"""Role commands: exact syntax, forgiving spacing and full-width digits, answered only for the
roles declared with them; roles come from the liaison list and the organisations' secretaries."""
import re

import pytest
from sqlalchemy import select

from handlers.activity_review import USAGE as REVIEW_USAGE
from handlers.commands import Command, fold, usage_for
from handlers.context import Context
from handlers.registry import COMMANDS
from models.follower import Follower
from models.inbound_sender import read_sender
from models.member import Liaison, Member
from models.org import Organization
from models.roles import Role, roles_of
from models.tickets import Ticket
from tests.conftest import START
from tests.factories import make_branch, make_member
from tests.test_help_request import setup_roster

LIAISON = "oKite_liaison_0001"


def status(session):
    session.expire_all()
    return session.scalar(select(Ticket.status))


@pytest.mark.parametrize("said", ["Ｑ２０２６１１２９００１ 已解决", "  Q20261129001　　已解决 ", "q20261129001已解决"])
def test_spacing_and_full_width_digits_are_forgiven(chat, make_chat, session, said):
    setup_roster(session)
    chat.say("求助 老板拖欠了三个月工资")
    assert make_chat(LIAISON).say(said) == "已把这件求助标为办结（编号 Q20261129001），并转告了张某。"
    assert status(session) == "resolved"


def test_a_member_sending_a_liaisons_command_is_not_answered_as_a_liaison(chat, session):
    setup_roster(session)
    chat.say("求助 老板拖欠了三个月工资")
    chat.advance(minutes=5)
    assert chat.say("Q20261129001 已解决") == (
        "您的求助（编号 Q20261129001，欠薪）正在等红色联络员李某处理。着急的话可以直接打李某的电话 13900000001。")
    assert status(session) == "new"


def test_an_unbound_follower_naming_a_ticket_is_no_command(chat, make_chat, session):
    setup_roster(session)
    chat.say("求助 老板拖欠了三个月工资")
    reply = make_chat("oKite_stranger_0001").say("Q20261129001 已解决")
    assert "Q20261129001" not in reply
    assert status(session) == "new"


def test_a_liaisons_help_lists_their_commands_and_a_members_does_not(chat, make_chat, session):
    setup_roster(session)
    desk = "\n".join(f"· {c.usage}" for c in COMMANDS if Role.LIAISON in c.roles)
    assert f"您可以发：\n{desk}\n您本人也可以直接发：" in make_chat(LIAISON).say("帮助")
    assert "我的工单" not in chat.say("帮助")


@pytest.mark.postgres
def test_roles_come_from_the_liaison_list_and_the_secretaries(session):
    member = setup_roster(session)
    liaison = session.scalar(select(Member).where(Member.openid == LIAISON))
    branch = session.scalar(select(Organization).where(Organization.kind == "branch"))
    township = session.scalar(select(Organization).where(Organization.kind == "township"))
    secretary = make_member(session, branch, name="王某", phone="13700000001", openid="oKite_secretary")
    branch.secretary_name, branch.secretary_phone = "王某", "13700000001"
    township.secretary_name, township.secretary_phone = "赵某", "13700000002"
    head = make_member(session, make_branch(session, name="红柳镇机关党支部", township="红柳镇2"),
                       name="赵某", phone="13700000002", openid="oKite_township")
    session.flush()
    assert roles_of(session, None) == frozenset()
    assert roles_of(session, member) == {Role.MEMBER}
    assert roles_of(session, liaison) == {Role.MEMBER, Role.LIAISON}
    assert roles_of(session, secretary) == {Role.MEMBER, Role.SECRETARY}
    assert roles_of(session, head) == {Role.MEMBER, Role.TOWNSHIP}
    # The webhook reads the same roles with the sender, in its one statement.
    for person in (member, liaison, secretary, head):
        assert read_sender(session.connection(), session, person.openid).roles == roles_of(session, person)
    assert read_sender(session.connection(), session, "oKite_stranger").roles == frozenset()


def test_a_secretary_named_without_a_phone_is_one_whether_read_ahead_or_not(session):
    branch = make_branch(session)
    branch.secretary_name = "王某"
    secretary = make_member(session, branch, name="王某", openid="oKite_secretary")
    secretary.phone = None
    session.flush()
    assert roles_of(session, secretary) == {Role.MEMBER, Role.SECRETARY}
    assert read_sender(session.connection(), session, secretary.openid).roles == {Role.MEMBER, Role.SECRETARY}


def test_roles_are_resolved_once_per_message(session, settings, clock, monkeypatch):
    member = setup_roster(session)
    calls = []
    monkeypatch.setattr("handlers.context.roles_of", lambda s, m: calls.append(m) or frozenset({Role.MEMBER}))
    ctx = Context(session=session, settings=settings, clock=clock, member=member,
                  follower=Follower(openid=member.openid, first_seen_at=START, last_interaction_at=START))
    assert ctx.roles == ctx.roles == {Role.MEMBER}
    assert calls == [member]


def test_fold_and_usage():
    assert fold("Ｑ２０２６　 已解决\n") == "Q2026 已解决"
    assert usage_for(COMMANDS, frozenset({Role.MEMBER})) == []
    desk = ["审核", "我的工单", "接单", "回复", "办结", "转", "备注", "编号", "联系"]
    assert usage_for(COMMANDS, frozenset({Role.MEMBER, Role.LIAISON}))[0] == REVIEW_USAGE
    assert [line.split(" ")[0] for line in usage_for(COMMANDS, frozenset({Role.MEMBER, Role.LIAISON}))] == desk
    reports = ["阅", "待阅", "S编号"]  # thought reports: a secretary's or township contact's, not a liaison's
    assert [line.split(" ")[0] for line in usage_for(COMMANDS, frozenset({Role.MEMBER, Role.TOWNSHIP}))] == [
        desk[0], *reports, *desk[1:-1], "确认党费"]


def test_a_command_without_roles_or_usage_fails_when_built():
    with pytest.raises(ValueError, match="roles"):
        Command(name="toy", syntax=re.compile("接单 (?P<n>\\d+)"), roles=frozenset(), usage="接单 编号",
                handle=lambda msg, ctx, args: None)
    with pytest.raises(ValueError, match="usage"):
        Command(name="toy", syntax=re.compile("接单"), roles=frozenset({Role.LIAISON}), usage=" ",
                handle=lambda msg, ctx, args: None)


def test_a_liaison_who_binds_learns_their_commands(make_chat, session):
    branch = make_branch(session)
    person = make_member(session, branch, name="李某", phone="13900000001", status="home")
    session.add(Liaison(member_id=person.id, branch_id=branch.id))
    session.commit()
    reply = make_chat("oKite_liaison_0009").say("绑定 李某 13900000001")
    assert reply.startswith("绑定成功！李某您好，您是白杨村党支部的党员。")
    assert f"\n作为红色联络员，您还可以发：\n· {REVIEW_USAGE}\n· 我的工单 —— 您能处理的未办结求助，最早的在前\n· 接单 序号" in reply
