"""A red liaison answers a help request from WeChat: the answer reaches the member, the ticket
records it, and only the liaison it is assigned to can answer it."""
import datetime as dt

from sqlalchemy import select

from models.tickets import Ticket, history
from tests.conftest import START
from tests.test_help_request import setup_roster

LIAISON = "oKite_liaison_0001"
MEMBER = "oKite_member_0001"


def inbox(app, openid):
    return [m["text"] for m in app.test_client().get(f"/sandbox/messages/{openid}").get_json()]


def ticket(session):
    session.expire_all()
    return session.scalar(select(Ticket))


def test_the_liaisons_answer_reaches_the_member_and_settling_closes_the_ticket(
        chat, make_chat, session, app, send):
    setup_roster(session)
    liaison = make_chat(LIAISON)
    chat.say("求助 老板拖欠了三个月工资")
    assert liaison.say("Q20261129001 已经联系了 明天陪他去劳动监察大队") == (
        "已记下您的答复（编号 Q20261129001），并转告了张某。")
    assert ticket(session).status == "answered"
    send()
    assert inbox(app, MEMBER)[-1] == ("您的求助（编号 Q20261129001）有回复了。红色联络员李某：已经联系了 明天陪他去劳动监察大队\n"
                                      "有什么要补充的，直接回复我，我转给联络员。")
    liaison.advance(days=2)  # the member's 48-hour window has closed: a template first, the text later
    assert liaison.say("q20261129001 钱已经要回来了 已解决") == (
        "已把这件求助标为办结（编号 Q20261129001）。张某近两天没有发过消息，已先给张某发了“您的求助有新回复”的服务通知，"
        "全文等张某下次发消息时送到；着急的话请直接打电话。")
    assert (ticket(session).status, ticket(session).resolved_at) == ("resolved", START + dt.timedelta(days=2))


def test_a_number_alone_shows_the_request_and_how_to_answer(chat, make_chat, session):
    setup_roster(session)
    chat.say("求助 老板拖欠了三个月工资")
    assert make_chat(LIAISON).say("Q20261129001") == (
        "编号 Q20261129001：张某（电话 13800001234）求助欠薪：“老板拖欠了三个月工资”。"
        "答复党员请发“编号 + 答复内容”，办结了请发“编号 已解决”。")


def test_a_number_not_theirs_is_not_found_and_changes_nothing(chat, make_chat, session):
    setup_roster(session)
    chat.say("求助 老板拖欠了三个月工资")
    assert make_chat(LIAISON).say("Q20261129009 已解决") == (
        "没有找到您能处理的编号 Q20261129009 的求助，没有改动。请核对编号，或发“我的工单”看您能处理的求助。")
    assert ticket(session).status == "new"


def test_the_member_quoting_their_number_is_told_where_it_stands(chat, make_chat, session):
    setup_roster(session)
    chat.say("求助 老板拖欠了三个月工资")
    chat.advance(minutes=5)
    assert chat.say("Q20261129001 怎么还没人联系我") == (
        "您的求助（编号 Q20261129001，欠薪）正在等红色联络员李某处理。着急的话可以直接打李某的电话 13900000001。")
    assert ticket(session).status == "new"  # asking is not answering
    make_chat(LIAISON).say("Q20261129001 已解决")
    assert chat.say("Q20261129001 咋样了").startswith("您的求助（编号 Q20261129001，欠薪）红色联络员李某已经办结。")


def test_settled_in_a_word_tells_the_member_it_is_settled_and_more_words_join_the_case(
        chat, make_chat, session, app, send):
    setup_roster(session)
    liaison = make_chat(LIAISON)
    chat.say("求助 老板拖欠了三个月工资")
    liaison.say("20261129001 已联系 下周一陪他去劳动监察大队")  # the Q left off
    assert ticket(session).status == "answered"
    chat.advance(minutes=30)
    # answered, not settled: what the member adds joins the case, and reaches the liaison
    assert chat.say("老板又说要扣我一个月的工钱") == "收到，已转给红色联络员李某（求助编号 Q20261129001）。还有要说的，直接发给我。"
    assert len(session.scalars(select(Ticket)).all()) == 1
    liaison.say("Q20261129001 已解决")
    send()
    assert inbox(app, MEMBER)[-1] == ("您的求助（编号 Q20261129001）红色联络员李某已办结。\n"
                                      "这次办得怎么样？请回复 1-5 分：5 很满意，4 满意，3 一般，2 不满意，1 很不满意，"
                                      "也可以说说原因。还没解决的话打 1 或 2 分，我转给支部书记跟进。")


def test_a_liaison_mistyping_a_number_is_asked_to_check_it(chat, make_chat, session):
    setup_roster(session)
    chat.say("求助 老板拖欠了三个月工资")
    assert make_chat(LIAISON).say("Q2026112901 已解决") == (
        "没有找到您能处理的编号 Q2026112901 的求助，没有改动。请核对编号，或发“我的工单”看您能处理的求助。")
    assert ticket(session).status == "new"


def test_a_member_quoting_a_number_not_theirs_is_told_so(chat, session):
    setup_roster(session)
    assert chat.say("Q20261129099 怎么样了") == (
        "没有找到您的编号 Q20261129099 的求助，请核对编号；有新的困难，直接发“求助”加上情况。")


def test_the_chat_answer_goes_through_the_lifecycle_and_leaves_its_history(chat, make_chat, session):
    member = setup_roster(session)
    liaison = make_chat(LIAISON)
    chat.say("求助 老板拖欠了三个月工资")
    liaison.advance(hours=1)
    liaison.say("Q20261129001 已经联系了")
    chat.advance(hours=1)
    chat.say("老板又说要扣我一个月的工钱")
    liaison.say("Q20261129001 已解决")
    session.expire_all()
    person = session.scalar(select(Ticket)).liaison.member_id
    assert [(e.kind, e.actor_kind, e.actor_id, e.note) for e in history(session, ticket(session))] == [
        ("filed", "member", member.id, None), ("claimed", "liaison", person, None),
        ("answered", "liaison", person, "已经联系了"), ("added", "member", member.id, "老板又说要扣我一个月的工钱"),
        ("resolved", "liaison", person, None)]


def test_settled_again_changes_nothing_and_sends_the_member_nothing_more(chat, make_chat, session, app, send):
    setup_roster(session)
    liaison = make_chat(LIAISON)
    chat.say("求助 老板拖欠了三个月工资")
    liaison.say("Q20261129001 已解决")
    send()
    before = len(inbox(app, MEMBER))
    assert liaison.say("Q20261129001 已解决") == ("这件求助已经办结过了（编号 Q20261129001），不用再发。"
                                                  "党员如果还有困难，会重新求助。")
    send()
    assert len(inbox(app, MEMBER)) == before
    assert [e.kind for e in history(session, ticket(session))].count("resolved") == 1
