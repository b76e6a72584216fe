"""No help request reaches no one: a branch without a red liaison, a liaison's own request and a
crisis whose liaison has not bound WeChat go at once to the branch secretary — or, when no
secretary is bound, to the township committee's contact — and the member is told who has it.
Only when nobody at all can be found is it a log line for an operator (ERROR, phone masked), and
the member still gets the hotline."""
import logging

import pytest
from sqlalchemy import select

from models.delivery.outbox import OutboxMessage
from models.member import Liaison
from models.tickets import Ticket, open_ticket
from tests.conftest import START
from tests.factories import SLA, make_branch, make_member

pytestmark = pytest.mark.postgres

HOTLINE = "服务热线 0471-12345678（工作日 9:00-17:30）"
SECRETARY, TOWNSHIP = "oKite_secretary_0001", "oKite_township_0001"


def roster(session, *, liaison: str | None = "none", secretary: bool = True, township: bool = True):
    """白杨村党支部 with 张某 (bound); its secretary 王某 and the township contact 赵某 named in the
    org file, bound when asked; a liaison 李某 ``bound``, ``unbound`` or ``none``."""
    branch = make_branch(session)
    branch.secretary_name, branch.secretary_phone = "王某", "13700000001"
    town = branch.parent
    town.secretary_name, town.secretary_phone = "赵某", "13600000001"
    make_member(session, branch, name="王某", phone="13700000001", openid=SECRETARY if secretary else None,
                status="home")
    make_member(session, branch, name="赵某", phone="13600000001", openid=TOWNSHIP if township else None,
                status="home")
    liaison_id = None
    if liaison != "none":
        person = make_member(session, branch, name="李某", phone="13900000001", status="home",
                             openid="oKite_liaison_0001" if liaison == "bound" else None)
        row = Liaison(member_id=person.id, branch_id=branch.id)
        session.add(row)
        session.flush()
        liaison_id = row.id
    member = make_member(session, branch, name="张某", phone="13800001234", openid="oKite_member_0001",
                         liaison_id=liaison_id)
    session.commit()
    return member


def notices(session) -> list[tuple[str, str, str]]:
    return [(r.openid, r.purpose, r.payload["content"]) for r in session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]


def test_a_branch_without_a_liaison_sends_the_request_to_its_secretary(chat, session):
    roster(session)
    assert chat.say("求助 老板拖欠了三个月工资") == (
        "已收到您的求助（欠薪），编号 Q20261129001。已转给支部书记王某，王某会在明天上午9点前联系您；"
        "着急的话可以直接打王某的电话 13700000001。")
    session.expire_all()
    ticket = session.scalar(select(Ticket))
    assert (ticket.liaison_id, ticket.holder.name) == (None, "王某")
    assert notices(session) == [(SECRETARY, "secretary_notice",
                                 "【新求助 Q20261129001】白杨村党支部党员张某（电话 13800001234）求助欠薪：“老板拖欠了三个月工资”。"
                                 "支部还没有红色联络员，转给支部书记您跟进：请在11月30日 09:00前电话联系张某；"
                                 "发“接单 Q20261129001”接手，“回复 Q20261129001 情况”答复党员，"
                                 "“转 Q20261129001 姓名”转给他人。")]
    template = session.scalar(select(OutboxMessage)).payload["fallback_template"]
    assert template["template_id"] == "kiteline_liaison_notice"


def test_no_secretary_on_wechat_sends_it_up_to_the_township_contact(chat, session):
    roster(session, secretary=False)
    assert chat.say("求助 老板拖欠了三个月工资") == (
        "已收到您的求助（欠薪），编号 Q20261129001。已转给乡镇党委联系人赵某，赵某会在明天上午9点前联系您；"
        "着急的话可以直接打赵某的电话 13600000001。")
    session.expire_all()
    assert session.scalar(select(Ticket)).holder.name == "赵某"
    [(openid, purpose, text)] = notices(session)
    assert (openid, purpose) == (TOWNSHIP, "secretary_notice")
    assert "支部还没有红色联络员，转给乡镇党委联系人您跟进" in text


def test_a_liaisons_own_request_goes_to_the_secretary_when_they_are_the_only_liaison(make_chat, session):
    member = roster(session, liaison="bound")
    member.liaison_id = None
    session.commit()
    liaison = make_chat("oKite_liaison_0001")
    assert liaison.say("求助 家里老人生病了没人照顾") == (
        "已收到您的求助（老人照料），编号 Q20261129001。已转给支部书记王某，王某会在明天上午9点前联系您；"
        "着急的话可以直接打王某的电话 13700000001。")
    session.expire_all()
    [(openid, _, text)] = notices(session)
    assert openid == SECRETARY and "这是红色联络员本人的求助，转给支部书记您跟进" in text


def test_a_crisis_whose_liaison_has_no_wechat_reaches_the_secretary_at_once(chat, session):
    roster(session, liaison="unbound")
    reply = chat.say("活着没意思 不想活了")
    assert "已转给支部书记王某，王某会在1小时内联系您；着急的话可以直接打王某的电话 13700000001。" in reply
    session.expire_all()
    ticket = session.scalar(select(Ticket))
    assert (ticket.urgency, ticket.liaison.member.name, ticket.holder.name) == ("crisis", "李某", "王某")
    [(openid, _, text)] = notices(session)
    assert openid == SECRETARY
    assert ("“【情绪危机，请马上联系】活着没意思 不想活了”。其红色联络员李某还没有开通微信通知，这是紧急求助，"
            "转给支部书记您跟进：请马上电话联系张某；") in text


def test_a_normal_request_whose_liaison_has_no_wechat_stays_theirs(chat, session, caplog):
    roster(session, liaison="unbound")
    with caplog.at_level(logging.WARNING, logger="models.tickets"):
        assert "您的红色联络员是李某，还没有开通微信通知，请直接打李某的电话 13900000001" in chat.say("求助 家里有点事")
    session.expire_all()
    assert session.scalar(select(Ticket)).holder.name == "李某"
    assert notices(session) == []  # escalation takes it up once it is late (test_ticket_escalation)
    assert [r.levelname for r in caplog.records] == ["WARNING"]


def test_a_secretarys_own_request_never_goes_to_themself(make_chat, session):
    roster(session)
    assert "已转给乡镇党委联系人赵某" in make_chat(SECRETARY).say("求助 孩子上学的事")
    session.expire_all()
    assert [openid for openid, _, _ in notices(session)] == [TOWNSHIP]


def test_nobody_at_all_is_an_error_for_an_operator_and_the_member_gets_the_hotline(chat, session, caplog):
    roster(session, secretary=False, township=False)
    with caplog.at_level(logging.WARNING, logger="models.tickets"):
        assert chat.say("求助 老板拖欠了三个月工资") == (
            "已收到您的求助（欠薪），编号 Q20261129001。您的支部还没有指定红色联络员，求助已登记，"
            f"工作人员会尽快跟进；着急的话请拨打{HOTLINE}。")
    session.expire_all()
    member = session.scalar(select(Ticket)).member
    assert (session.scalar(select(Ticket.holder_id)), notices(session)) == (None, [])
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
        ("ERROR", f"ticket Q20261129001: member {member.id} (phone 138****1234) of 白杨村党支部 has no red liaison "
                  "who can take it (no_liaison) and no secretary or township contact bound to WeChat; "
                  "nobody was notified")]


def test_open_ticket_in_the_domain_reaches_the_secretary(session):
    member = make_member(session, make_branch(session), name="张某", phone="13800001234", openid="oKite_member_0001")
    branch = member.branch
    branch.secretary_name, branch.secretary_phone = "王某", "13700000001"
    make_member(session, branch, name="王某", phone="13700000001", openid=SECRETARY)
    ticket = open_ticket(session, member, "wages", "老板拖欠工资", now=START, sla=SLA,
                         notice_template_id="kiteline_liaison_notice")
    session.commit()
    assert (ticket.number, ticket.liaison_id, ticket.holder.name) == ("Q20261129001", None, "王某")
    assert [(openid, purpose) for openid, purpose, _ in notices(session)] == [(SECRETARY, "secretary_notice")]


def test_the_secretarys_notice_carries_the_phone_the_member_has_when_it_is_sent(chat, make_chat, session, app,
                                                                                send, clock):
    from models.member import Member
    from models.member_updates import apply_changes

    roster(session)
    make_chat(SECRETARY).say("你好")  # the secretary's window is open
    chat.say("求助 老板拖欠了三个月工资")
    member = session.scalar(select(Member).where(Member.openid == "oKite_member_0001"))
    apply_changes(session, member, {"phone": "13800005678"}, source="console", changed_by="admin", now=clock.now())
    session.commit()
    send()
    [text] = [m["text"] for m in app.test_client().get(f"/sandbox/messages/{SECRETARY}").get_json()]
    assert text.startswith("【新求助 Q20261129001】白杨村党支部党员张某（电话 13800005678）求助欠薪：")
    assert "支部还没有红色联络员，转给支部书记您跟进" in text
    session.expire_all()
    assert session.scalar(select(OutboxMessage)).payload["about"] == {
        "ticket_id": 1, "number": "Q20261129001", "role": "secretary", "why": "no_liaison"}
