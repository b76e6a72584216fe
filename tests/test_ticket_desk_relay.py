"""A reply reaches the member: inside their 48-hour window as a customer-service message; outside
it the template "您的求助有新回复" at once and the full text on their next message. And a liaison's
answer written without a number: one recent ticket takes it, several ask which, and their own
words are never filed as a help request for themself by mistake."""
import pytest
from sqlalchemy import func, select

from models.delivery.outbox import OutboxMessage
from models.tickets import Ticket, history
from tests.desk_world import LIAISON, LIAISON_2, MEMBER, MEMBER_2, desk_world

ANSWER = ("您的求助（编号 Q20261129001）有回复了。红色联络员李某：明天上午九点在劳动监察大队门口见\n"
          "有什么要补充的，直接回复我，我转给联络员。")


def inbox(app, openid):
    return [(m["channel"], m["text"]) for m in app.test_client().get(f"/sandbox/messages/{openid}").get_json()]


def answers(session):
    session.expire_all()
    return [(r.kind, r.status) for r in session.scalars(select(OutboxMessage).where(
        OutboxMessage.purpose == "liaison_answer").order_by(OutboxMessage.id))]


def events(session, number="Q20261129001"):
    session.expire_all()
    ticket = session.scalar(select(Ticket).where(Ticket.number == number))
    return [(e.kind, e.note) for e in history(session, ticket)]


@pytest.mark.postgres
def test_inside_the_window_the_answer_goes_as_a_customer_service_message(session, make_chat, app, send, clock):
    desk_world(session)
    make_chat(MEMBER).say("求助 老板拖欠了三个月工资")
    clock.advance(hours=47)
    assert make_chat(LIAISON).say("回复 Q20261129001 明天上午九点在劳动监察大队门口见") == (
        "已记下您的答复（编号 Q20261129001），并转告了张某。")
    send()
    assert inbox(app, MEMBER) == [("custom", ANSWER)]
    assert answers(session) == [("text", "sent")]


@pytest.mark.postgres
def test_outside_the_window_a_template_now_and_the_full_text_on_their_next_message(
        session, make_chat, app, send, clock):
    desk_world(session)
    member = make_chat(MEMBER)
    member.say("求助 老板拖欠了三个月工资")
    clock.advance(hours=49)  # 2026-12-01 10:00 in Shanghai; the member's window closed at 09:00
    assert make_chat(LIAISON).say("回复 Q20261129001 明天上午九点在劳动监察大队门口见") == (
        "已记下您的答复（编号 Q20261129001）。张某近两天没有发过消息，已先给张某发了“您的求助有新回复”的服务通知，"
        "全文等张某下次发消息时送到；着急的话请直接打电话。")
    send()
    assert inbox(app, MEMBER) == [("template", "thing1: 您的求助有新回复\ncharacter_string2: Q20261129001\n"
                                               "thing3: 红色联络员李某\ntime4: 2026-12-01 10:00\n"
                                               "thing5: 给我发任意一条消息即可查看全文")]
    assert answers(session) == [("template", "sent"), ("text", "deferred")]

    clock.advance(hours=5)
    member.say("收到")
    send()
    assert inbox(app, MEMBER)[1:] == [("custom", ANSWER)]
    assert answers(session) == [("template", "sent"), ("text", "sent")]
    assert send() == 0  # nothing goes twice


def test_the_settled_notice_outside_the_window_says_so_in_the_template(session, make_chat, app, send, clock):
    desk_world(session)
    make_chat(MEMBER).say("求助 老板拖欠了三个月工资")
    clock.advance(days=3)
    make_chat(LIAISON).say("办结 Q20261129001 工资已经要回来了")
    send()
    assert inbox(app, MEMBER)[0][1].startswith("thing1: 您的求助已办结，请评价\ncharacter_string2: Q20261129001\n")


def test_a_member_without_wechat_is_for_the_liaison_to_phone(session, make_chat):
    world = desk_world(session)
    make_chat(MEMBER).say("求助 老板拖欠了三个月工资")
    world.zhang.openid = None
    session.commit()
    assert make_chat(LIAISON).say("回复 Q20261129001 明天去劳动监察大队") == (
        "已记下您的答复（编号 Q20261129001），张某没有绑定微信，请电话告诉本人（电话 13800001234）。")
    assert answers(session) == []


# -- answers written without a number ----------------------------------------------------------

@pytest.mark.parametrize("said", ["好的 明天去劳动监察大队", "已经联系了", "打过电话了", "钱已经要回来了"])
def test_one_ticket_held_an_unnumbered_answer_is_passed_on_once_confirmed(session, make_chat, said):
    desk_world(session)
    make_chat(MEMBER).say("求助 老板拖欠了三个月工资")
    make_chat(MEMBER).advance(hours=2)
    liaison = make_chat(LIAISON)
    assert liaison.say(said) == (
        "您这句话是答复张某的求助吗（编号 Q20261129001，欠薪）？是的话回复“1”，我转告张某；不是请发“取消”。")
    assert answers(session) == []  # nothing reaches the member unasked
    assert liaison.say("是") == "已记下您的答复（编号 Q20261129001），并转告了张某。"
    assert events(session)[-1] == ("answered", said)
    assert session.scalar(select(func.count()).select_from(Ticket)) == 1  # nothing filed for the liaison


def test_several_tickets_ask_which_and_the_words_wait_for_the_choice(session, make_chat, app, send):
    desk_world(session)
    make_chat(MEMBER).say("求助 老板拖欠了三个月工资")
    make_chat(MEMBER_2).say("求助 孩子在苏州上学报不上名")
    liaison = make_chat(LIAISON)
    assert liaison.say("收到 我马上联系他") == (
        "您手上有2件未办完的求助，这句话是答复哪一件？回复序号，我转告本人：\n"
        "1. Q20261129001 张某 欠薪\n2. Q20261129002 陈某 子女就学\n不是答复求助请发“取消”。")
    assert answers(session) == []
    assert liaison.say("第2个") == "已记下您的答复（编号 Q20261129002），并转告了陈某。"
    assert events(session, "Q20261129002")[-1] == ("answered", "收到 我马上联系他")
    assert [k for k, _ in events(session)] == ["filed"]
    # the question was a list: its positions work for commands too
    assert liaison.say("备注 1 下午再打").startswith("已记下备注（编号 Q20261129001，张某）")


def test_cancelling_the_question_passes_nothing_on(session, make_chat):
    desk_world(session)
    make_chat(MEMBER).say("求助 老板拖欠了三个月工资")
    make_chat(MEMBER_2).say("求助 孩子在苏州上学报不上名")
    liaison = make_chat(LIAISON)
    liaison.say("已经联系了")
    assert liaison.say("取消") == "好的，这句话没有转给党员。"
    assert answers(session) == []


def test_one_quiet_ticket_is_asked_about_not_assumed(session, make_chat):
    desk_world(session)
    make_chat(MEMBER).say("求助 老板拖欠了三个月工资")
    liaison = make_chat(LIAISON)
    liaison.advance(days=4)
    assert liaison.say("已经联系了") == (
        "您这句话是答复张某的求助吗（编号 Q20261129001，欠薪）？是的话回复“1”，我转告张某；不是请发“取消”。")
    assert answers(session) == []
    assert liaison.say("是的") == ("已记下您的答复（编号 Q20261129001）。张某近两天没有发过消息，"
                                  "已先给张某发了“您的求助有新回复”的服务通知，全文等张某下次发消息时送到；着急的话请直接打电话。")


def test_words_like_a_request_from_a_liaison_holding_nothing_are_not_filed(session, make_chat):
    desk_world(session)
    assert make_chat(LIAISON).say("好的 明天去劳动监察大队") == (
        "您手上现在没有未办完的求助，这句话没有转给谁，也没有登记成求助。如果是您自己遇到了困难，"
        "请发“求助”加上情况（如“求助 孩子上学的事”），我转给支部的同志；发“我的工单”看您能处理的求助。")
    assert session.scalar(select(func.count()).select_from(Ticket)) == 0


def test_a_liaison_asking_for_help_in_so_many_words_files_a_ticket_for_a_colleague(session, make_chat):
    desk_world(session)
    make_chat(MEMBER).say("求助 老板拖欠了三个月工资")
    assert make_chat(LIAISON).say("我家孩子上学的事想请组织帮忙").startswith(
        "已收到您的求助（子女就学），编号 Q20261129002。已转给您的红色联络员赵某")
    session.expire_all()
    ticket = session.scalar(select(Ticket).where(Ticket.number == "Q20261129002"))
    assert (ticket.member.name, ticket.holder.name) == ("李某", "赵某")
    assert [k for k, _ in events(session)] == ["filed"]


@pytest.mark.parametrize("said", ["谢谢", "你是机器人吗", "学习", "我的信息"])
def test_thanks_questions_and_requests_of_their_own_are_not_answers(session, make_chat, said):
    desk_world(session)
    make_chat(MEMBER).say("求助 老板拖欠了三个月工资")
    reply = make_chat(LIAISON).say(said)
    assert "转告" not in reply
    assert answers(session) == []


def test_a_colleague_holding_nothing_of_it_is_not_asked(session, make_chat):
    """赵某 reaches 张某's ticket (same branch) but does not hold it: his words are not its answer."""
    desk_world(session)
    make_chat(MEMBER).say("求助 老板拖欠了三个月工资")
    assert "转告" not in make_chat(LIAISON_2).say("已经联系了")
    assert answers(session) == []


@pytest.mark.parametrize("said", ["已经联系了 明天陪他去劳动监察大队", "联系上了 他说没事了"])
def test_contact_words_naming_no_member_are_an_answer_to_the_ticket_held(session, make_chat, said):
    """"联系 姓名 情况" logs a contact (handlers.liaison_contact); words that name nobody are
    the answer to the one ticket the liaison holds — and that answer counts as a contact."""
    from models.liaison_contacts import recent_contacts
    world = desk_world(session)
    make_chat(MEMBER).say("求助 老板拖欠了三个月工资")
    liaison = make_chat(LIAISON)
    assert liaison.say(said).startswith("您这句话是答复张某的求助吗（编号 Q20261129001，欠薪）？")
    assert liaison.say("1") == "已记下您的答复（编号 Q20261129001），并转告了张某。"
    assert events(session)[-1] == ("answered", said)
    contact = recent_contacts(session, world.zhang.id)[0]
    assert (contact.kind, contact.by.name, contact.note) == ("reply", "李某", f"答复求助 Q20261129001：{said}")


@pytest.mark.parametrize("said", ["我工资也被拖欠了", "联系 马某明 电话聊了", "接 单 3"])
def test_words_that_only_look_like_an_answer_never_reach_the_member_unasked(session, make_chat, said):
    """Seen in a trial: a liaison's own trouble, a contact note naming someone not theirs and a
    mistyped command were passed on to the one member whose ticket they held."""
    desk_world(session)
    make_chat(MEMBER).say("求助 老板拖欠了三个月工资")
    liaison = make_chat(LIAISON)
    liaison.say(said)
    assert answers(session) == []
    liaison.say("取消")
    assert answers(session) == []
