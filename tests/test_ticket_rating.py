"""The member rates a resolved help request (满意度): the resolution asks for it, a rating of 3–5
closes the ticket, 1–2 reopens it to the branch secretary (or the township contact), and a
rating that cannot be one — 7, a second one, one with nothing to rate — changes nothing."""
import datetime as dt
import logging

import pytest
from sqlalchemy import select

from models.delivery.outbox import OutboxMessage
from models.member import Member
from models.tickets import Ticket, history
from tests.conftest import START
from tests.factories import make_member
from tests.test_help_request import setup_roster

LIAISON = "oKite_liaison_0001"
SECRETARY = "oKite_secretary_0001"
TOWNSHIP = "oKite_township_0001"
ASK = ("这次办得怎么样？请回复 1-5 分：5 很满意，4 满意，3 一般，2 不满意，1 很不满意，也可以说说原因。"
       "还没解决的话打 1 或 2 分，我转给支部书记跟进。")


def inbox(app, openid):
    return [m["text"] for m in app.test_client().get(f"/sandbox/messages/{openid}").get_json()]


def ticket(session):
    session.expire_all()
    return session.scalar(select(Ticket))


def with_secretary(session, member, openid=SECRETARY):
    branch = member.branch
    branch.secretary_name, branch.secretary_phone = "王某", "13700000001"
    make_member(session, branch, name="王某", phone="13700000001", openid=openid, status="home")
    session.commit()


def resolved(chat, make_chat, answer="Q20261129001 钱已经要回来了 已解决"):
    chat.say("求助 老板拖欠了三个月工资")
    make_chat(LIAISON).say(answer)
    chat.advance(hours=1)


@pytest.mark.postgres
def test_the_resolution_asks_for_a_rating_and_5_closes_the_ticket(chat, make_chat, session, app, send):
    setup_roster(session)
    resolved(chat, make_chat)
    send()
    assert inbox(app, "oKite_member_0001")[-1] == (
        f"您的求助（编号 Q20261129001）红色联络员李某已办结：钱已经要回来了 已解决\n{ASK}")
    assert chat.say("5") == "谢谢您的评价（5分）！编号 Q20261129001 的求助已结案。以后有困难，随时发“求助”加上情况。"
    t = ticket(session)
    assert (t.status, t.satisfaction, t.rating_note, t.rated_at) == ("closed", 5, None, START + dt.timedelta(hours=1))
    assert [(e.kind, e.actor_kind, e.note) for e in history(session, t)][-2:] == [
        ("rated", "member", "5分"), ("closed", "member", None)]


def test_a_long_answer_is_cut_and_the_question_kept(chat, make_chat, session, app, send):
    setup_roster(session)
    resolved(chat, make_chat, answer="Q20261129001 " + "已经和老板谈过，" * 120 + "已解决")
    send()
    text = inbox(app, "oKite_member_0001")[-1]
    assert len(text.encode("utf-8")) <= 2048
    assert text.endswith(f"…\n{ASK}")


@pytest.mark.parametrize(("said", "score", "note"), [
    ("５", 5, None), ("5分", 5, None), ("五分", 5, None), ("打5分", 5, None), ("很满意", 5, None),
    ("满意", 4, None), ("4 还行吧 就是慢了点", 4, "还行吧 就是慢了点"), ("还行吧，就是慢了点", 3, "就是慢了点"),
    ("一般", 3, None), ("满意 谢谢李某", 4, "谢谢李某"),
])
def test_a_rating_is_read_in_the_ways_members_say_it(chat, make_chat, session, said, score, note):
    setup_roster(session)
    resolved(chat, make_chat)
    assert chat.say(said).startswith(f"谢谢您的评价（{score}分）！编号 Q20261129001 的求助已结案。")
    t = ticket(session)
    assert (t.status, t.satisfaction, t.rating_note) == ("closed", score, note)


@pytest.mark.postgres
def test_a_low_rating_reopens_the_ticket_to_the_branch_secretary(chat, make_chat, session, app, send):
    member = setup_roster(session)
    with_secretary(session, member)
    make_chat(SECRETARY).say("你好")  # their window is open
    resolved(chat, make_chat)
    assert chat.say("不满意 钱到现在还没给") == (
        "收到您的评价（2分），很抱歉没让您满意。编号 Q20261129001 的求助已重新打开，转给支部书记王某跟进，王某会尽快联系您。")
    t = ticket(session)
    secretary = session.scalar(select(Member).where(Member.openid == SECRETARY))
    assert (t.status, t.satisfaction, t.rating_note, t.holder_id) == ("reopened", 2, "钱到现在还没给", secretary.id)
    assert [(e.kind, e.actor_kind, e.note) for e in history(session, t)][-3:] == [
        ("rated", "member", "2分：钱到现在还没给"), ("reopened", "member", "钱到现在还没给"),
        ("transferred", "system", "满意度2分，转给支部书记王某跟进")]
    send()
    assert inbox(app, SECRETARY)[-1] == (
        "【求助重新打开 Q20261129001】张某（白杨村党支部，电话 13800001234）对李某办结的求助（欠薪）打了2分，"
        "说：“钱到现在还没给”。这件求助已转给您跟进，请尽快电话联系张某。\n求助内容：“老板拖欠了三个月工资”")


def test_a_secretary_outside_the_window_gets_the_template_at_once(chat, make_chat, session):
    member = setup_roster(session)
    with_secretary(session, member)
    resolved(chat, make_chat)
    chat.say("1")
    session.expire_all()
    notice = session.scalar(select(OutboxMessage).where(OutboxMessage.purpose == "ticket_reopened"))
    assert notice.openid == SECRETARY
    assert {k: v["value"] for k, v in notice.payload["fallback_template"]["data"].items()} == {
        "thing1": "张某对办结不满意(1分)", "character_string2": "Q20261129001", "phone_number3": "13800001234",
        "time4": "2026-11-29 10:00", "thing5": "请尽快电话联系张某"}


def test_without_a_secretary_the_township_contact_follows_up(chat, make_chat, session):
    member = setup_roster(session)
    township = member.branch.parent
    township.secretary_name, township.secretary_phone = "赵某", "13600000001"
    make_member(session, member.branch, name="赵某", phone="13600000001", openid=TOWNSHIP, status="home")
    session.commit()
    resolved(chat, make_chat)
    assert chat.say("1分 根本没人管").endswith("转给红柳镇党委赵某跟进，赵某会尽快联系您。")
    assert ticket(session).holder.openid == TOWNSHIP


def test_with_nobody_to_hand_it_to_it_stays_with_the_liaison_and_an_operator_is_told(
        chat, make_chat, session, caplog):
    setup_roster(session)
    resolved(chat, make_chat)
    with caplog.at_level(logging.ERROR, logger="models.tickets"):
        assert chat.say("2") == ("收到您的评价（2分），很抱歉没让您满意。编号 Q20261129001 的求助已重新打开，"
                                 "仍由李某跟进；着急的话可以拨打服务热线 0471-12345678（工作日 9:00-17:30）。")
    assert "Q20261129001" in caplog.text and "rated it 2" in caplog.text
    t = ticket(session)
    assert (t.status, t.holder.name) == ("reopened", "李某")


def test_a_rating_of_7_is_asked_again_and_changes_nothing(chat, make_chat, session):
    setup_roster(session)
    resolved(chat, make_chat)
    assert chat.say("7") == ("请给编号 Q20261129001 的求助打 1 到 5 分：5 很满意，4 满意，3 一般，2 不满意，1 很不满意。"
                             "也可以说说原因，如“4 还行 就是慢了点”。")
    assert chat.say("4.5分").startswith("请给编号 Q20261129001 的求助打 1 到 5 分")
    t = ticket(session)
    assert (t.status, t.satisfaction, t.rated_at) == ("resolved", None, None)


def test_a_second_rating_is_thanked_and_changes_nothing(chat, make_chat, session):
    setup_roster(session)
    resolved(chat, make_chat)
    chat.say("5")
    chat.advance(minutes=5)
    assert chat.say("1") == ("编号 Q20261129001 的求助您已经打过分了（5分），已结案，谢谢您！"
                             "有新的困难，直接发“求助”加上情况。")
    t = ticket(session)
    assert (t.status, t.satisfaction) == ("closed", 5)
    assert [e.kind for e in history(session, t)].count("rated") == 1


def test_a_rating_with_nothing_to_rate_is_told_so(chat, session):
    setup_roster(session)
    assert chat.say("5分") == "现在没有等您打分的求助。有新的困难，直接发“求助”加上情况。"
    assert session.scalar(select(Ticket)) is None


def test_messages_that_are_no_rating_go_on_while_a_rating_waits(chat, make_chat, session):
    setup_roster(session)
    resolved(chat, make_chat)
    assert chat.say("5号楼漏水了 求助").startswith("已收到您的求助")
    assert ticket(session).status == "resolved"
    assert "评价" not in (chat.say("学习") or "")


def test_reopened_and_resolved_again_asks_again(chat, make_chat, session):
    member = setup_roster(session)
    with_secretary(session, member)
    resolved(chat, make_chat)
    chat.say("2 钱还没给")
    make_chat(LIAISON).say("Q20261129001 钱要回来了 已解决")
    chat.advance(hours=1)
    assert chat.say("5 谢谢").startswith("谢谢您的评价（5分）！")
    t = ticket(session)
    assert (t.status, t.satisfaction, t.rating_note) == ("closed", 5, "谢谢")


def test_unrated_for_rating_days_the_system_closes_it(chat, make_chat, session, job_runtime):
    from scheduler.jobs import close_unrated_tickets
    setup_roster(session)
    resolved(chat, make_chat)
    chat.advance(days=6)
    assert close_unrated_tickets() == 0
    chat.advance(days=1)
    assert close_unrated_tickets() == 1
    t = ticket(session)
    assert (t.status, t.satisfaction) == ("closed", None)
    assert [(e.kind, e.actor_kind, e.note) for e in history(session, t)][-1] == ("closed", "system", "7天未评价，系统关闭")
    assert chat.say("5") == "现在没有等您打分的求助。有新的困难，直接发“求助”加上情况。"
