"""A help request: a ticket for the member's liaison, its number told to the member, and a notice
queued for the liaison."""
import datetime as dt

import pytest
from sqlalchemy import select

from handlers import help_request
from handlers.context import Context, Incoming, Route
from models.delivery.outbox import OutboxMessage
from models.follower import Follower
from models.member import Liaison
from models.tickets import Ticket, filing
from tests.conftest import START
from tests.factories import make_branch, make_member

HOTLINE = "服务热线 0471-12345678（工作日 9:00-17:30）"


def setup_roster(session, liaison_openid="oKite_liaison_0001", with_liaison=True):
    branch = make_branch(session)
    liaison = None
    if with_liaison:
        person = make_member(session, branch, name="李某", phone="13900000001", openid=liaison_openid, status="home")
        liaison = Liaison(member_id=person.id, branch_id=branch.id)
        session.add(liaison)
        session.flush()
    member = make_member(session, branch, name="张某", phone="13800001234", openid="oKite_member_0001",
                         liaison_id=liaison.id if liaison else None)
    session.commit()
    return member


@pytest.mark.postgres
def test_help_request_reaches_the_liaison(chat, session):
    setup_roster(session)
    assert chat.say("求助 家里有点事") == ("已收到您的求助（其他困难），编号 Q20261129001。已转给您的红色联络员李某，"
                              "李某会在明天上午9点前联系您；着急的话可以直接打李某的电话 13900000001。")
    session.expire_all()
    ticket = session.scalar(select(Ticket))
    assert (ticket.number, ticket.topic, ticket.description, ticket.status, ticket.liaison.member.name,
            ticket.created_at, ticket.due_at) == (
        "Q20261129001", "other", "家里有点事", "new", "李某", START, START + dt.timedelta(hours=24))
    notice = session.scalar(select(OutboxMessage))
    assert (notice.openid, notice.kind, notice.purpose, notice.payload) == (
        "oKite_liaison_0001", "text", "liaison_notice",
        {"content": "【新求助 Q20261129001】张某（白杨村党支部，电话 13800001234）求助其他困难：“家里有点事”。"
                    "请在24小时内电话联系张某；答复或办结请回复“Q20261129001 + 情况”（如“Q20261129001 已解决”）。",
         "fallback_template": {"template_id": "kiteline_liaison_notice", "data": {
             "thing1": {"value": "张某求助其他困难"}, "character_string2": {"value": "Q20261129001"},
             "phone_number3": {"value": "13800001234"}, "time4": {"value": "2026-11-29 09:00"},
             "thing5": {"value": "请在24小时内电话联系张某"}}},
         "about": {"ticket_id": 1, "number": "Q20261129001"}})


def test_topic_from_what_the_member_wrote(chat, session):
    setup_roster(session)
    assert chat.say("求助 老板拖欠了三个月工资").startswith("已收到您的求助（欠薪），编号 Q20261129001。")
    session.expire_all()
    assert session.scalar(select(Ticket.description)) == "老板拖欠了三个月工资"


@pytest.mark.postgres
def test_tickets_are_numbered_per_day(chat, session):
    setup_roster(session)
    chat.say("求助 家里有点事")
    chat.advance(minutes=1)
    assert "编号 Q20261129002。" in chat.say("求助 孩子上学的事")
    chat.advance(hours=16)  # 09:01 next day in Shanghai
    assert "编号 Q20261130001。" in chat.say("求助 房东不退押金")


def test_liaison_without_wechat_still_gets_the_ticket(chat, session):
    setup_roster(session, liaison_openid=None)
    assert chat.say("求助 家里有点事") == ("已收到您的求助（其他困难），编号 Q20261129001。您的红色联络员是李某，"
                              "还没有开通微信通知，请直接打李某的电话 13900000001；求助已登记，工作人员会跟进。")
    session.expire_all()
    assert session.scalar(select(Ticket)).liaison.member.name == "李某"
    assert session.scalar(select(OutboxMessage)) is None


def test_branch_without_liaison_still_gets_the_ticket(chat, session):
    setup_roster(session, with_liaison=False)
    assert chat.say("求助 家里有点事") == (f"已收到您的求助（其他困难），编号 Q20261129001。您的支部还没有指定红色联络员，"
                              f"求助已登记，工作人员会尽快跟进；着急的话请拨打{HOTLINE}。")
    session.expire_all()
    assert session.scalar(select(Ticket)).liaison_id is None


def test_member_without_own_liaison_goes_to_the_branch_liaison(chat, session):
    member = setup_roster(session)
    member.liaison_id = None
    session.commit()
    assert "已转给您的红色联络员李某" in chat.say("求助 家里有点事")


@pytest.mark.parametrize("topic, name", [("wages", "欠薪"), ("schooling", "子女就学"), ("nonsense", "其他困难")])
def test_topic_comes_from_the_router_slot(session, settings, clock, topic, name):
    member = setup_roster(session)
    follower = Follower(openid=member.openid, first_seen_at=START, last_interaction_at=START)
    ctx = Context(session=session, settings=settings, clock=clock, follower=follower, member=member,
                  route=Route(intent="help_request", slots={"help_topic": topic}))
    msg = Incoming(openid=member.openid, msg_type="text", created_at=START, text="老板三个月没发工资了")
    reply = help_request.handle(msg, ctx)
    assert reply.text.startswith(f"已收到您的求助（{name}），编号 Q20261129001。")
    assert session.scalar(select(Ticket)).topic == (topic if topic != "nonsense" else "other")


def test_a_number_taken_meanwhile_by_another_process_is_skipped(chat, session, monkeypatch):
    member = setup_roster(session)
    session.add(Ticket(number="Q20261129001", member_id=member.id, topic="other", description="先到的",
                       created_at=START, due_at=START))
    session.commit()
    stale = iter(["Q20261129001"])  # what a process that had not yet seen the row would pick
    real = filing.next_ticket_number
    monkeypatch.setattr(filing, "next_ticket_number", lambda s, now: next(stale, None) or real(s, now))
    assert "编号 Q20261129002。" in chat.say("求助 家里有点事")


def test_a_liaisons_own_request_never_goes_to_themself(make_chat, session):
    setup_roster(session)
    me = session.scalar(select(Liaison)).member
    me.liaison_id = session.scalar(select(Liaison.id))  # the roster even names them their own liaison
    session.commit()
    assert make_chat("oKite_liaison_0001").say("求助 家里有点事") == (
        "已收到您的求助（其他困难），编号 Q20261129001。您是支部唯一的红色联络员，求助已登记，"
        f"工作人员会尽快跟进；着急的话请拨打{HOTLINE}。")
    session.expire_all()
    assert session.scalar(select(Ticket.liaison_id)) is None
    assert session.scalar(select(OutboxMessage)) is None


def test_a_liaisons_own_request_goes_to_another_liaison_of_the_branch(make_chat, session):
    member = setup_roster(session)
    other = make_member(session, member.branch, name="王某", phone="13900000002", openid="oKite_liaison_0002")
    session.add(Liaison(member_id=other.id, branch_id=member.branch_id))
    session.commit()
    assert make_chat("oKite_liaison_0001").say("求助 家里有点事") == (
        "已收到您的求助（其他困难），编号 Q20261129001。已转给您的红色联络员王某，"
        "王某会在明天上午9点前联系您；着急的话可以直接打王某的电话 13900000002。")
    session.expire_all()
    assert session.scalar(select(OutboxMessage.openid)) == "oKite_liaison_0002"
