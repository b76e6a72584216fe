"""A conversation, not a form: after the liaison answered (and asked something), the member's own
words join the ticket and reach the liaison; a clear other request, another matter and thanks
are what they are; the window closes after liaison.follow_up_hours."""
import pytest
from sqlalchemy import select

from models.delivery.outbox import OutboxMessage
from models.tickets import Ticket, history
from tests.factories import make_lesson
from tests.test_help_request import setup_roster
from tests.test_liaison_answer import LIAISON, inbox, ticket

JOINED = "收到，已转给红色联络员李某（求助编号 Q20261129001）。还有要说的，直接发给我。"


def answered(chat, make_chat, session):
    """张某 asks for help; 李某 answers with a question an hour later."""
    setup_roster(session)
    chat.say("求助 老板拖欠了三个月工资")
    liaison = make_chat(LIAISON)
    liaison.advance(hours=1)
    liaison.say("Q20261129001 收到 您在哪个工地干活？包工头姓什么？")
    chat.advance(hours=2)
    return liaison


def additions(session):
    session.expire_all()
    return [e.note for e in history(session, ticket(session)) if e.kind == "added"]


@pytest.mark.postgres
def test_the_members_answer_joins_the_ticket_and_reaches_the_liaison(chat, make_chat, session, app, send):
    liaison = answered(chat, make_chat, session)
    send()
    assert chat.say("工地叫宏达建设 包工头姓李") == JOINED
    chat.advance(minutes=5)
    assert chat.say("好的 明天等你电话") == JOINED
    chat.advance(minutes=5)
    assert chat.say("他电话是13800001234") == JOINED
    assert additions(session) == ["工地叫宏达建设 包工头姓李", "好的 明天等你电话", "他电话是13800001234"]
    assert ticket(session).status == "answered"  # the member's words are no answer of the liaison's
    assert ticket(session).description.endswith("【补充 11-29 12:10】他电话是13800001234")
    assert len(session.scalars(select(Ticket)).all()) == 1  # nothing filed anew
    liaison.say("你好")  # the liaison's window is open
    send()
    assert inbox(app, LIAISON)[-3:] == ["【求助补充 Q20261129001】张某补充：“工地叫宏达建设 包工头姓李”",
                                        "【求助补充 Q20261129001】张某补充：“好的 明天等你电话”",
                                        "【求助补充 Q20261129001】张某补充：“他电话是13800001234”"]


@pytest.mark.postgres
def test_two_additions_in_the_same_second_both_reach_the_liaison(chat, make_chat, session, app, send):
    # A member on a phone sends two lines at once; WeChat's CreateTime has whole seconds, and the
    # sandbox's clock stands still until moved.
    liaison = answered(chat, make_chat, session)
    send()
    assert chat.say("工地叫宏达建设") == JOINED
    assert chat.say("包工头姓李") == JOINED

    liaison.say("你好")  # the liaison's window is open
    send()
    assert inbox(app, LIAISON)[-2:] == ["【求助补充 Q20261129001】张某补充：“工地叫宏达建设”",
                                        "【求助补充 Q20261129001】张某补充：“包工头姓李”"]


def test_thanks_get_a_word_back_and_nothing_is_passed_on(chat, make_chat, session):
    answered(chat, make_chat, session)
    assert chat.say("谢谢") == "不客气！还有什么要跟红色联络员李某说的，直接发给我，我转过去。"
    assert chat.say("好的") == "好的！还有什么要跟红色联络员李某说的，直接发给我，我转过去。"
    assert additions(session) == []


def test_a_clear_other_request_is_answered_as_such(chat, make_chat, session):
    answered(chat, make_chat, session)
    assert chat.say("我现在在苏州打工") == "已为您更新：\n流动去向：江苏 苏州\n如有不对，直接把正确的发给我就行。"
    assert additions(session) == []


def test_a_dues_report_with_its_month_is_a_dues_report_not_a_reply(chat, make_chat, session):
    """The trial user's 我交了 11月 微信 was passed on to 李某 and no payment was reported."""
    answered(chat, make_chat, session)
    reply = chat.say("我交了 11月 微信")
    assert "党费" in reply and "已转给" not in reply
    assert additions(session) == []


def test_words_that_say_they_add_to_the_request_join_it_even_naming_a_city(chat, make_chat, session):
    """补充 says what it is: the trial user's 补充：工地在苏州工业园区 had changed their whereabouts."""
    answered(chat, make_chat, session)
    assert chat.say("补充：工地在苏州工业园区") == JOINED
    assert chat.say("再补充一点 老板在杭州") == JOINED
    assert additions(session) == ["补充：工地在苏州工业园区", "再补充一点 老板在杭州"]
    assert chat.say("我的信息").count("苏州") == 0


@pytest.mark.postgres
def test_clear_other_requests_win_and_never_reach_the_liaison(chat, make_chat, session, app, send):
    """The trial user's 我看完啦, 学好了 and 我们支部排第几 were passed on as replies to 李某."""
    liaison = answered(chat, make_chat, session)
    make_lesson(session, "学习党章第一章", sequence=1)
    make_lesson(session, "学习党章第二章", sequence=2)
    session.commit()
    assert "学习党章第一章" in chat.say("学习")
    assert chat.say("我看完啦").startswith("张某，已记下您学完了《学习党章第一章》，谢谢您坚持学习！")
    assert chat.say("学好了").startswith("张某，已记下您学完了《学习党章第二章》，谢谢您坚持学习！")
    assert chat.say("我们支部排第几").startswith("积分不排个人名次")
    assert chat.say("党费").startswith("党费按月交纳")
    assert chat.say("我的积分").startswith("您现在")
    assert additions(session) == []
    liaison.say("你好")  # the liaison's window is open: anything passed on would arrive now
    send()
    assert not [text for text in inbox(app, LIAISON) if text.startswith("【求助补充")]


@pytest.mark.postgres
def test_words_that_read_as_a_reply_still_reach_the_liaison(chat, make_chat, session, app, send):
    """Short words about the matter are the member's reply, whatever else they resemble
    (问题解决了 the menu's thanks, 有工资条 party dues, 下午三点以后方便 a meeting); pure thanks get
    a word back and stay here."""
    liaison = answered(chat, make_chat, session)
    replies = ["问题解决了", "还没解决", "工资还没到", "他电话是13800001234", "有工资条", "下午三点以后方便"]
    for text in replies:
        assert chat.say(text) == JOINED
        chat.advance(minutes=5)  # each addition is its own notice, keyed by its time
    assert chat.say("谢谢") == "不客气！还有什么要跟红色联络员李某说的，直接发给我，我转过去。"
    assert additions(session) == replies
    for _ in range(2):  # a message of the liaison's opens their window for 5 customer-service messages
        liaison.say("你好")
        send()
    assert [text for text in inbox(app, LIAISON) if text.startswith("【求助补充")] == [
        f"【求助补充 Q20261129001】张某补充：“{text}”" for text in replies]


def test_another_matter_is_a_new_ticket(chat, make_chat, session):
    answered(chat, make_chat, session)
    assert chat.say("孩子在苏州上学报不上名 求助").startswith("已收到您的求助（子女就学），编号 Q20261129002。")
    assert additions(session) == []


def test_asking_how_it_goes_is_told_where_it_stands(chat, make_chat, session):
    answered(chat, make_chat, session)
    assert chat.say("我反映的事有人管吗").startswith("您的求助（编号 Q20261129001，欠薪）红色联络员李某已经答复过您")
    assert additions(session) == []


def test_after_the_follow_up_window_the_words_are_read_as_any_message(chat, make_chat, session):
    answered(chat, make_chat, session)
    chat.advance(hours=70)  # 72 hours after the liaison's answer, and a minute more
    chat.advance(minutes=1)
    assert chat.say("好的 明天等你电话").startswith("抱歉，这句话我还没看懂。")
    assert additions(session) == []


def test_a_settled_ticket_awaits_no_reply(chat, make_chat, session):
    liaison = answered(chat, make_chat, session)
    liaison.say("Q20261129001 钱要回来了 已解决")
    assert chat.say("好的 明天等你电话").startswith("抱歉，这句话我还没看懂。")
    assert additions(session) == []


def test_a_liaison_without_wechat_is_named_with_their_phone(chat, make_chat, session):
    answered(chat, make_chat, session)
    person = ticket(session).liaison.member
    person.openid = None  # unbound since
    session.commit()
    assert chat.say("工地叫宏达建设 包工头姓李") == (
        "收到，已记在您的求助里（编号 Q20261129001）。李某还没开通微信通知，着急的话可以直接打李某的电话 13900000001。")
    assert additions(session) == ["工地叫宏达建设 包工头姓李"]
    assert session.scalar(select(OutboxMessage).where(OutboxMessage.purpose == "liaison_addition")) is None


def test_without_an_answer_of_the_liaison_the_same_words_are_a_help_request(chat, session):
    setup_roster(session)
    assert chat.say("工地叫宏达建设 包工头姓李").startswith("已收到您的求助（欠薪），编号 Q20261129001。")

