"""Who reaches which tickets: a liaison their branch's, the branch secretary all of the branch's,
the township contact all of the township's — each acting in that role, and a number out of reach
"not found", nothing changed."""
import pytest
from sqlalchemy import select

from models.delivery.outbox import OutboxMessage
from models.tickets import Ticket, history, reach_of
from tests.desk_world import (
    FAR_MEMBER,
    LIAISON,
    LIAISON_2,
    MEMBER,
    MEMBER_2,
    OTHER_LIAISON,
    OTHER_MEMBER,
    SECRETARY,
    TOWNSHIP,
    desk_world,
)

NOT_FOUND = "没有找到您能处理的编号 {} 的求助，没有改动。请核对编号，或发“我的工单”看您能处理的求助。"


@pytest.fixture
def district(session, make_chat):
    """Q20261129001 张某 and Q20261129002 陈某 (白杨村), Q20261129003 周某 (红星村, same
    township), Q20261129004 吴某 (青山村, another township)."""
    world = desk_world(session)
    make_chat(MEMBER).say("求助 老板拖欠了三个月工资")
    make_chat(MEMBER_2).say("求助 孩子在苏州上学报不上名")
    make_chat(OTHER_MEMBER).say("求助 房东不退押金")
    make_chat(FAR_MEMBER).say("求助 工地上砸伤了脚")
    return world


def numbers_listed(reply):
    return [line.split(" ")[1] for line in reply.split("\n") if line[:1].isdigit()]


def state(session, number):
    session.expire_all()
    ticket = session.scalar(select(Ticket).where(Ticket.number == number))
    return ticket.status, [(e.kind, e.actor_kind) for e in history(session, ticket)]


def answer_to(session, openid):
    session.expire_all()
    row = session.scalars(select(OutboxMessage).where(OutboxMessage.openid == openid,
                                                      OutboxMessage.purpose == "liaison_answer")).first()
    return row.payload["content"] if row else None


@pytest.mark.postgres
def test_each_role_lists_what_it_reaches(district, make_chat):
    assert numbers_listed(make_chat(LIAISON).say("我的工单")) == ["Q20261129001", "Q20261129002"]
    assert numbers_listed(make_chat(LIAISON_2).say("我的工单")) == ["Q20261129001", "Q20261129002"]
    assert numbers_listed(make_chat(OTHER_LIAISON).say("我的工单")) == ["Q20261129003"]
    assert numbers_listed(make_chat(SECRETARY).say("我的工单")) == ["Q20261129001", "Q20261129002"]
    assert numbers_listed(make_chat(TOWNSHIP).say("我的工单")) == ["Q20261129001", "Q20261129002", "Q20261129003"]


@pytest.mark.parametrize("said", ["接单 Q20261129001", "回复 Q20261129001 你好", "办结 Q20261129001 好了",
                                  "转 Q20261129001 钱某", "备注 Q20261129001 看看", "Q20261129001 已解决"])
def test_a_liaison_cannot_touch_another_branchs_ticket(district, make_chat, session, said):
    assert make_chat(OTHER_LIAISON).say(said) == NOT_FOUND.format("Q20261129001")
    assert state(session, "Q20261129001") == ("new", [("filed", "member")])


def test_the_secretary_works_every_ticket_of_the_branch_as_secretary(district, make_chat, session):
    secretary = make_chat(SECRETARY)
    secretary.say("我的工单")
    assert secretary.say("回复 2 学校那边我去问了，下周一给您回话") == "已记下您的答复（编号 Q20261129002），并转告了陈某。"
    assert state(session, "Q20261129002") == ("answered", [("filed", "member"), ("claimed", "secretary"),
                                                           ("answered", "secretary")])
    assert answer_to(session, MEMBER_2) == ("您的求助（编号 Q20261129002）有回复了。支部书记王某：学校那边我去问了，下周一给您回话\n"
                                            "有什么要补充的，直接回复我，我转给联络员。")
    assert secretary.say("接单 Q20261129003") == NOT_FOUND.format("Q20261129003")
    assert state(session, "Q20261129003") == ("new", [("filed", "member")])


def test_the_township_contact_works_the_townships_tickets_as_township(district, make_chat, session):
    township = make_chat(TOWNSHIP)
    township.say("我的工单")
    assert township.say("办结 3 已联系房东，押金退了") == "已把这件求助标为办结（编号 Q20261129003），并转告了周某。"
    assert state(session, "Q20261129003") == ("resolved", [("filed", "member"), ("claimed", "township"),
                                                           ("resolved", "township")])
    assert answer_to(session, OTHER_MEMBER).startswith("您的求助（编号 Q20261129003）乡镇党委孙某已办结：已联系房东，押金退了")
    assert township.say("接单 Q20261129004") == NOT_FOUND.format("Q20261129004")
    assert state(session, "Q20261129004") == ("new", [("filed", "member")])


def test_a_hand_over_stays_within_the_members_branch(district, make_chat, session):
    township = make_chat(TOWNSHIP)
    assert township.say("转 Q20261129003 李某") == (
        "红星村党支部没有叫李某的红色联络员或书记，没有改动。可以转给：红色联络员钱某。")
    assert township.say("转 Q20261129001 赵某").startswith("已把编号 Q20261129001（张某，欠薪）转给红色联络员赵某")
    assert state(session, "Q20261129001")[1][-1] == ("transferred", "township")


def test_a_liaisons_own_request_goes_to_a_colleague_and_is_not_theirs_to_work(district, make_chat, session):
    liaison = make_chat(LIAISON)
    assert liaison.say("求助 我家老人住院没人照顾").startswith(
        "已收到您的求助（老人照料），编号 Q20261129005。已转给您的红色联络员赵某")
    assert numbers_listed(liaison.say("我的工单")) == ["Q20261129001", "Q20261129002"]
    assert liaison.say("接单 Q20261129005") == (
        "编号 Q20261129005 是您自己的求助，由别的同志办理，没有改动。想问进展，直接发“Q20261129005”。")
    assert liaison.say("Q20261129005").startswith("您的求助（编号 Q20261129005，老人照料）正在等红色联络员赵某处理。")
    assert state(session, "Q20261129005") == ("new", [("filed", "member")])
    assert numbers_listed(make_chat(LIAISON_2).say("我的工单"))[-1] == "Q20261129005"


@pytest.mark.postgres
def test_reach_takes_the_narrowest_role_for_each_branch(district, session):
    """孙某 is the township's contact; made liaison of 红星村 too, he answers its tickets as liaison."""
    from models.member import Liaison
    session.add(Liaison(member_id=district.township.id, branch_id=district.hongxing.id))
    session.commit()
    reach = reach_of(session, district.township)
    assert (reach.kinds[district.hongxing.id], reach.kinds[district.baiyang.id], reach.own_kind) == (
        "liaison", "township", "liaison")
