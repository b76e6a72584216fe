"""我的求助办得咋样了 without a number: where each open ticket stands — number, topic, who has it,
its status in words, its last step and when — instead of a new ticket."""
import pytest
from sqlalchemy import func, select

from models.tickets import Actor, Ticket, transition
from tests.test_help_request import setup_roster
from tests.test_liaison_answer import LIAISON, ticket

CALL = "有新情况直接发给我，我转给红色联络员李某；着急的话可以直接打李某的电话 13900000001。"


def count(session):
    session.expire_all()
    return session.scalar(select(func.count()).select_from(Ticket))


@pytest.mark.postgres
def test_a_waiting_ticket_is_told_with_its_due_time_and_last_step(chat, session):
    setup_roster(session)
    chat.say("求助 老板拖欠了三个月工资")
    chat.advance(hours=2)
    assert chat.say("我的求助办得咋样了") == (
        "您的求助（编号 Q20261129001，欠薪）正在等红色联络员李某处理，会在明天上午9点前联系您。"
        f"最近一步：今天 09:00 您提交了求助。\n{CALL}")
    assert count(session) == 1


def test_claimed_then_answered_tells_who_and_what_they_said(chat, make_chat, session):
    setup_roster(session)
    chat.say("求助 老板拖欠了三个月工资")
    t = ticket(session)
    transition(session, t, "claimed", actor=Actor("liaison", t.liaison.member_id), now=chat.clock.now())
    session.commit()
    chat.advance(hours=1)
    assert chat.say("求助进展") == (
        "您的求助（编号 Q20261129001，欠薪）红色联络员李某已经接手，会在明天上午9点前联系您。"
        f"最近一步：今天 09:00 李某接手。\n{CALL}")
    make_chat(LIAISON).say("Q20261129001 已经联系了劳动监察大队 他们说周一去厂里核实 到时候我陪您一起去")
    chat.advance(days=1)
    assert chat.say("俺反映的事有人管吗？") == (
        "您的求助（编号 Q20261129001，欠薪）红色联络员李某已经答复过您。最近一步：昨天 10:00 李某答复了您："
        f"“已经联系了劳动监察大队 他们说周一去厂里核实 到时候我陪您一…”。\n{CALL}")
    assert count(session) == 1


def test_several_open_tickets_are_listed_oldest_first(chat, session):
    setup_roster(session)
    chat.say("求助 老板拖欠了三个月工资")
    chat.advance(minutes=30)
    chat.say("求助 孩子上学报不上名")
    chat.advance(minutes=30)
    assert chat.say("查一下我的求助") == (
        "您有2件求助在办：\n"
        "1. （编号 Q20261129001，欠薪）正在等红色联络员李某处理，会在明天上午9点前联系您。最近一步：今天 09:00 您提交了求助。\n"
        "2. （编号 Q20261129002，子女就学）正在等红色联络员李某处理，会在明天上午10点前联系您。"
        f"最近一步：今天 09:30 您提交了求助。\n{CALL}")


def test_none_open_says_so_and_names_the_last_one_settled(chat, make_chat, session):
    setup_roster(session)
    assert chat.say("我的求助") == "您现在没有在办的求助。有新的困难，直接发“求助”加上情况。我马上转给您的红色联络员。"
    chat.say("求助 老板拖欠了三个月工资")
    make_chat(LIAISON).say("Q20261129001 钱要回来了 已解决")
    chat.advance(days=2)
    assert chat.say("我反映的事解决了没") == (
        "您现在没有在办的求助。最近一件（编号 Q20261129001，欠薪）11月29日 09:00 由红色联络员李某办结；"
        "如果还没解决，直接发“求助”加上情况。")
    assert count(session) == 1


def test_a_difficulty_told_after_the_word_is_still_filed(chat, session):
    setup_roster(session)
    assert chat.say("求助 工伤了厂里不处理").startswith("已收到您的求助（工伤），编号 Q20261129001。")
