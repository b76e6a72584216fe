"""A member's phone changes only to a number they call their own, and only after it is read back
and confirmed; a number introduced as someone else's (the foreman's, a wife's) changes nothing."""
import pytest
from sqlalchemy import select

from handlers.dialog_machine import keep
from handlers.dialogs import clarify
from handlers.nlu.router import Router
from handlers.registry import BY_NAME, INTENTS
from models.dialog import DialogState
from models.member import MemberChange
from models.settings import NluSettings
from models.tickets import Ticket
from tests.test_help_request import setup_roster

QUESTION = "您要把手机号从 138****1234 改成 {} 吗？回复“对”确认，回复“不对”不改。"
CORRECTION = "如有不对，直接把正确的发给我就行。"
CHANGED = f"已为您更新：\n手机号：{{}}\n{CORRECTION}"
KEPT = "好的，手机号没有改，还是 138****1234。要改的话，把您自己的新号码发给我就行。"
THEIRS = ("137 1234 5678 是别人的号码，您登记的手机号没有改。如果是您自己的新号，请发“我的手机号换成”加号码；"
          "有事要联络员帮忙，请发“求助”加上情况和这个号码。")


@pytest.fixture(scope="module")
def router():
    return Router(INTENTS, NluSettings())


@pytest.fixture
def member(session):
    return setup_roster(session)


def phone_changes(session):
    session.expire_all()
    return [(c.old_value, c.new_value) for c in session.scalars(
        select(MemberChange).where(MemberChange.field == "phone").order_by(MemberChange.id))]


def claims_no_change(reply: str) -> bool:
    return "已为您更新" not in reply and "改成" not in reply and "手机号：137" not in reply


@pytest.mark.postgres
def test_a_new_phone_is_read_back_and_changed_on_yes(chat, session, member):
    assert chat.say("手机号换成13800005678") == QUESTION.format("138 0000 5678")
    assert phone_changes(session) == []
    assert chat.say("对") == CHANGED.format("138****5678")
    assert phone_changes(session) == [("13800001234", "13800005678")]
    assert member.phone == "13800005678"


@pytest.mark.parametrize("own", ["我的手机号换成13712345678", "我换号了 新号13712345678",
                                 "以后打这个13712345678", "电话改成13712345678", "我的新手机号 137-1234-5678",
                                 "手机号换成１３７１２３４５６７８", "我去杭州了，电话13712345678"])
def test_a_number_the_member_calls_theirs_is_read_back(chat, session, member, own):
    assert chat.say(own).endswith(QUESTION.format("137 1234 5678"))
    assert phone_changes(session) == []


def test_voice_is_read_back_too(chat, session, member):
    assert chat.voice("我的手机号换成幺三七一二三四五六七八。") == QUESTION.format("137 1234 5678")


@pytest.mark.parametrize("yes", ["对", "是", "确认", "没错", "👍", "对的", "是的。", "对，没错"])
def test_any_clear_yes_confirms(chat, session, member, yes):
    chat.say("手机号换成13800005678")
    assert chat.say(yes) == CHANGED.format("138****5678")
    assert phone_changes(session) == [("13800001234", "13800005678")]


@pytest.mark.parametrize("no", ["不对", "不是", "取消", "错了", "不对不对", "不是这个"])
def test_any_clear_no_keeps_the_phone(chat, session, member, no):
    chat.say("手机号换成13800005678")
    assert chat.say(no) == KEPT
    chat.say("对")  # the question is over
    assert phone_changes(session) == []


def test_a_corrected_number_is_read_back_again(chat, session, member):
    chat.say("手机号换成13800005678")
    assert chat.say("错了 是13800005679") == QUESTION.format("138 0000 5679")
    assert chat.say("13800005670") == QUESTION.format("138 0000 5670")
    assert chat.say("对") == CHANGED.format("138****5670")
    assert phone_changes(session) == [("13800001234", "13800005670")]


def test_a_number_that_is_no_mobile_asks_again(chat, session, member):
    chat.say("手机号换成13800005678")
    assert chat.say("1380000567") == "“1380000567”不是有效的11位手机号。" + QUESTION.format("138 0000 5678")
    assert chat.say("不对") == KEPT


def test_an_answer_that_is_neither_asks_again(chat, session, member):
    chat.say("手机号换成13800005678")
    assert chat.say("？？") == QUESTION.format("138 0000 5678")
    assert chat.say("对") == CHANGED.format("138****5678")


def test_a_new_request_ends_the_question(chat, session, member):
    points = chat.say("积分")
    chat.say("手机号换成13800005678")
    assert chat.say("积分") == "刚才的新号码没有确认，手机号没有改；要改请再发一次新号码。\n" + points
    chat.say("对")
    assert phone_changes(session) == []


def test_the_question_expires(chat, session, member):
    chat.say("手机号换成13800005678")
    chat.advance(minutes=31)
    assert not chat.say("对").startswith("已为您更新")
    assert phone_changes(session) == []


def test_a_new_city_is_stored_at_once_and_the_phone_waits(chat, session, member):
    assert chat.say("我去杭州了，电话13800005678") == (
        "已为您更新：\n流动去向：浙江 杭州\n" + QUESTION.format("138 0000 5678"))
    session.expire_all()
    assert (member.current_city, member.phone) == ("杭州", "13800001234")
    assert chat.say("对") == CHANGED.format("138****5678")


def test_the_same_number_as_on_file_is_not_asked_about(chat, session, member):
    assert chat.say("手机号换成13800001234").startswith("手机号已经是138****1234，不用改。")


@pytest.mark.parametrize("theirs", [
    "包工头的电话是13712345678", "老板手机13712345678 他一直不接", "我老婆的号13712345678",
    "工头姓李 电话13712345678", "紧急联系人 13712345678", "他的电话13712345678", "房东电话13712345678",
    "中介的手机是13712345678 骗了我钱", "包工头：李某，13712345678", "13712345678 是包工头的",
    "这是我老婆的手机13712345678 我的打不通就打她的", "老板叫李某 手机号13712345678",
    # a change said of someone else's number is theirs too
    "我爸的手机号改成13712345678", "紧急联系电话改成13712345678", "我老婆的电话换成13712345678",
    "我爸手机号换了 新号13712345678",
])
def test_someone_elses_number_never_changes_the_phone(chat, session, member, theirs):
    reply = chat.say(theirs)
    assert reply and claims_no_change(reply), reply
    assert claims_no_change(chat.say("对"))
    assert phone_changes(session) == [] and member.phone == "13800001234"


def test_the_foremans_number_after_a_wage_complaint(chat, session, member):
    """The conversation issue 8 reported: the member tells the difficulty, then the foreman's
    number; their own phone stays, and nothing says it changed."""
    assert chat.say("老板拖欠了三个月工资 帮帮忙").startswith("已收到您的求助（欠薪），编号 Q20261129001。")
    chat.advance(minutes=1)
    assert chat.say("包工头的电话是13712345678") == (
        "这件事已经在办（编号 Q20261129001），您补充的情况已记上并转给了李某。"
        "着急的话可以直接打李某的电话 13900000001。")
    session.expire_all()
    assert session.scalar(select(Ticket.description)).endswith("】包工头的电话是13712345678")
    assert claims_no_change(chat.say("对"))
    assert phone_changes(session) == [] and member.phone == "13800001234"


def test_a_help_request_with_the_bosss_number_keeps_it_in_the_ticket(chat, session, member):
    told = "老板欠我三个月工资 他电话13712345678"
    assert chat.say(told) == "张某，这件事（欠薪）需要我转给您的红色联络员帮忙吗？回复“是”就转交，回复“不用”就不转。"
    assert chat.say("是").startswith("已收到您的求助（欠薪），编号 Q20261129001。")
    session.expire_all()
    assert session.scalar(select(Ticket.description)) == told
    assert phone_changes(session) == []


@pytest.mark.parametrize("pick", ["1", "2"])
def test_picking_a_choice_after_the_bosss_details_changes_no_phone(chat, session, member, pick):
    chat.say("包工头：李某，13712345678")
    assert claims_no_change(chat.say(pick))
    assert claims_no_change(chat.say("对"))
    assert phone_changes(session) == []


def test_choosing_the_update_from_the_question_reads_the_saved_words_not_a_phone(chat, session, member, router):
    """The numbered question keeps the message and its slots; choosing 更新 answers with them, and
    the foreman's number in them is still not the member's."""
    told = "包工头：李某，13712345678"
    keep(session, chat.openid, clarify.DIALOG, clarify.State.CHOOSING,
         {"choices": ["update_info", "help_request"],
          "labels": [BY_NAME["update_info"].usage, BY_NAME["help_request"].usage],
          "text": told, "slots": router.route(told).slots}, chat.clock.now())
    session.commit()
    assert chat.say("1") == THEIRS
    assert phone_changes(session) == []


def test_the_number_is_read_back_in_full_and_masked_once_stored(chat, session, member):
    assert chat.say("我换号了 13800005678") == QUESTION.format("138 0000 5678")  # the member checks it
    reply = chat.say("对")
    assert reply == CHANGED.format("138****5678")
    assert "13800005678" not in reply
    assert phone_changes(session) == [("13800001234", "13800005678")]


def test_leaving_the_read_back_for_another_request_says_the_phone_is_unchanged(chat, session, member):
    chat.say("电话换成13912345670")
    reply = chat.say("帮我查下今天的学习")
    assert reply.startswith("刚才的新号码没有确认，手机号没有改；要改请再发一次新号码。\n")
    assert "学习" in reply
    chat.say("对")
    assert phone_changes(session) == []


def test_yes_after_the_read_back_lapsed_is_told_so(chat, session, member):
    chat.say("电话换成13912345670")
    chat.advance(minutes=31)
    assert chat.say("对") == "刚才的改号超时了，手机号没有改。请再发一次新号码。"
    assert phone_changes(session) == []


@pytest.mark.parametrize("said", ["我换号了", "手机号换了", "我电话换了"])
def test_a_change_of_number_without_the_number_asks_for_it(chat, session, member, said):
    assert chat.say(said) == "请把新手机号发给我，例如：我的新号码是13800005678。"
    assert chat.say("我的新号码是13712345678") == QUESTION.format("137 1234 5678")
    assert phone_changes(session) == []


ASKED = "请把新手机号发给我，例如：我的新号码是13800005678。"


def test_the_number_alone_after_being_asked_is_read_back(chat, session, member):
    """The user trial: 我换号了, then just the number — read back at once, no numbered question."""
    assert chat.say("我换号了") == ASKED
    assert chat.say("13800001111") == QUESTION.format("138 0000 1111")
    assert chat.say("对") == CHANGED.format("138****1111")
    assert phone_changes(session) == [("13800001234", "13800001111")]


def test_a_number_that_is_no_mobile_after_being_asked_is_asked_for_again(chat, session, member):
    chat.say("我换号了")
    assert chat.say("1380000111") == "“1380000111”不是有效的11位手机号。" + ASKED
    assert chat.say("13800001111") == QUESTION.format("138 0000 1111")
    assert phone_changes(session) == []


def test_cancelling_when_asked_for_the_number_keeps_the_phone(chat, session, member):
    chat.say("我换号了")
    assert chat.say("算了") == KEPT
    session.expire_all()
    assert session.get(DialogState, member.openid) is None  # the question is over
    assert phone_changes(session) == []


def test_another_request_when_asked_for_the_number_is_answered(chat, session, member):
    points = chat.say("积分")
    chat.say("我换号了")
    assert chat.say("积分") == points
    session.expire_all()
    assert session.get(DialogState, member.openid) is None  # the question is over
    assert phone_changes(session) == []


def test_the_number_on_file_when_asked_changes_nothing(chat, session, member):
    chat.say("我换号了")
    assert chat.say("13800001234").startswith("手机号已经是138****1234，不用改。")
    assert phone_changes(session) == []
