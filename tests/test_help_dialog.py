"""A bare help request (the 求助 button, "求助", "帮帮我😭") asks what the difficulty is; the
member's next message becomes the ticket's description."""
import pytest
from sqlalchemy import select

from models.delivery.outbox import OutboxMessage
from models.dialog import DialogState
from models.tickets import Ticket
from tests.test_help_request import setup_roster

ASK = ("张某，请说说遇到了什么困难（比如：老板拖欠工资、孩子上学、看病），我马上转给您的联络员。"
       "不需要了请发“取消”。")
FILED_WAGES = ("已收到您的求助（欠薪），编号 Q20261129001。已转给您的红色联络员李某，李某会在明天上午9点前联系您；"
               "着急的话可以直接打李某的电话 13900000001。")


def tickets(session):
    session.expire_all()
    return [(t.number, t.topic, t.description) for t in session.scalars(select(Ticket).order_by(Ticket.id))]


def test_the_help_button_asks_first_and_the_answer_is_filed(chat, session):
    setup_roster(session)
    assert chat.click("HELP_REQUEST") == ASK
    assert tickets(session) == []

    chat.advance(minutes=2)  # due 09:02 tomorrow: told by the hour, rounded up
    assert chat.say("老板拖欠了三个月工资") == FILED_WAGES.replace("上午9点", "上午10点")
    assert tickets(session) == [("Q20261129001", "wages", "老板拖欠了三个月工资")]
    # the dialog is over: the next message is routed as usual
    assert chat.say("谢谢") == "不客气！有事随时发消息给我，发“菜单”可以看全部功能。"
    assert len(tickets(session)) == 1


def test_bare_words_ask_first(chat, session):
    setup_roster(session)
    for bare in ("求助", "帮帮我", "求助😭"):
        assert chat.say(bare) == ASK
        chat.say("取消")
    assert tickets(session) == []


def test_an_answer_the_router_does_not_know_is_filed_as_other(chat, session):
    setup_roster(session)
    chat.say("求助")
    assert chat.say("家里出了点事").startswith("已收到您的求助（其他困难），编号 Q20261129001。")
    assert tickets(session) == [("Q20261129001", "other", "家里出了点事")]


def test_asking_again_without_a_description_asks_again(chat, session):
    setup_roster(session)
    chat.say("求助")
    assert chat.say("求助！！") == ("请说说遇到了什么困难（比如：老板拖欠工资、孩子上学、看病），我马上转给您的联络员。"
                                  "不需要了请发“取消”。")
    assert chat.say("帮帮我，孩子上学报不上名").startswith("已收到您的求助（子女就学），编号 Q20261129001。")
    assert tickets(session) == [("Q20261129001", "schooling", "孩子上学报不上名")]


def test_cancel(chat, session):
    setup_roster(session)
    chat.click("HELP_REQUEST")
    assert chat.say("取消") == CANCELLED
    assert tickets(session) == []
    assert session.get(DialogState, chat.openid) is None


def test_a_new_request_of_another_kind_is_answered_instead(chat, session):
    setup_roster(session)
    chat.say("求助")
    assert chat.say("菜单").startswith("张某，您好！我是流动党员服务助手，您可以直接发：")
    assert tickets(session) == []
    # nothing is waiting any more: a later description-less message is not filed
    assert chat.say("那个事情").startswith("抱歉，这句话我还没看懂。")
    assert tickets(session) == []


def test_the_question_expires(chat, session):
    setup_roster(session)
    chat.say("求助")
    chat.advance(minutes=31)
    assert chat.say("那个事情").startswith("抱歉，这句话我还没看懂。")
    assert tickets(session) == []


def test_a_request_with_a_description_still_files_at_once(chat, session):
    setup_roster(session)
    assert chat.say("求助：老板拖欠了三个月工资") == FILED_WAGES
    assert tickets(session) == [("Q20261129001", "wages", "老板拖欠了三个月工资")]


def test_an_unbound_follower_pressing_the_button_is_told_how_to_bind(make_chat, session):
    setup_roster(session)
    assert make_chat("oKite_stranger_0001").click("HELP_REQUEST") == (
        "您还没有绑定党员身份。请发送“绑定 姓名 手机号”（例如：绑定 张某 13800001234）完成身份绑定。")


CANCELLED = "好的，已取消。需要帮助时随时发“求助”。"
ASK_AGAIN = "请说说遇到了什么困难（比如：老板拖欠工资、孩子上学、看病），我马上转给您的联络员。不需要了请发“取消”。"


@pytest.mark.parametrize("words", ["不需要了", "算了不用了", "没事了", "取消吧", "取消了", "算了，不用了。"])
def test_giving_up_in_any_words_cancels(chat, session, words):
    setup_roster(session)
    assert chat.say("求助") == ASK
    assert chat.say(words) == CANCELLED
    assert tickets(session) == []
    assert session.get(DialogState, chat.openid) is None


def test_an_answer_that_says_nothing_is_asked_again_and_not_filed(chat, session):
    setup_roster(session)
    chat.say("求助")
    for nothing in ("嗯嗯", "好", "求助 求助 求助"):
        assert chat.say(nothing) == ASK_AGAIN
    assert tickets(session) == []
    assert chat.say("老板拖欠了三个月工资") == FILED_WAGES
    assert tickets(session) == [("Q20261129001", "wages", "老板拖欠了三个月工资")]


def test_an_unbound_follower_in_trouble_also_gets_the_hotline(make_chat, session):
    setup_roster(session)
    assert make_chat("oKite_stranger_0001").say("救命啊老板跑路了") == (
        "您还没有绑定党员身份。请发送“绑定 姓名 手机号”（例如：绑定 张某 13800001234）完成身份绑定。"
        "遇到急事也可以直接拨打服务热线 0471-12345678（工作日 9:00-17:30）。")


CONFIRM = "张某，这件事（{}）需要我转给您的红色联络员帮忙吗？回复“是”就转交，回复“不用”就不转。"
DECLINED = "好的，这件事不转给联络员了。有什么难处随时发“求助”加上情况，我马上转给联络员。"


def test_a_difficulty_told_without_a_help_word_is_confirmed_before_it_is_filed(chat, session):
    """No help word, no topic word: only the labelled examples recognise it, so the member is
    asked before a liaison is bothered."""
    setup_roster(session)
    told = "站点扣了我八百块罚款 说超时 这钱能要回来不"
    assert chat.say(told) == CONFIRM.format("欠薪")
    assert tickets(session) == []
    assert chat.say("是的 麻烦了") == FILED_WAGES
    assert tickets(session) == [("Q20261129001", "wages", told)]


@pytest.mark.parametrize("news", ["我老婆生了 是个儿子", "孩子今年上初中了", "上次说的欠薪 老板已经给了"])
def test_news_that_only_resembles_a_difficulty_files_nothing(chat, session, news):
    setup_roster(session)
    assert chat.say(news).startswith("张某，这件事（")
    assert chat.say("不用") == DECLINED
    assert tickets(session) == []
    # the question is over: 是 now means nothing in particular
    chat.say("是")
    assert tickets(session) == []


def test_another_request_instead_of_an_answer_is_answered(chat, session):
    setup_roster(session)
    points_reply = chat.say("积分")
    chat.say("我在工地上干活")
    assert chat.say("积分") == points_reply
    assert tickets(session) == []


def test_a_help_word_still_files_at_once(chat, session):
    setup_roster(session)
    assert chat.say("老板拖欠了三个月工资 帮帮忙") == FILED_WAGES


@pytest.mark.parametrize("yes", ["是", "是的 麻烦联络员了", "好 帮我转给联络员", "麻烦转一下", "嗯", "可以的",
                                 "没问题 转吧", "那你帮我问问吧", "👍"])
def test_any_clear_yes_files_the_kept_description(chat, session, yes):
    setup_roster(session)
    chat.say("站点扣了我八百块罚款 说超时 这钱能要回来不")
    assert chat.say(yes) == FILED_WAGES
    assert len(tickets(session)) == 1


@pytest.mark.parametrize("no", ["不用", "不用了谢谢", "不是", "没有", "算了", "别转了"])
def test_any_clear_no_files_nothing(chat, session, no):
    setup_roster(session)
    chat.say("站点扣了我八百块罚款 说超时 这钱能要回来不")
    assert chat.say(no) == DECLINED
    assert tickets(session) == []


@pytest.mark.parametrize("neither", ["？？", "啥意思", "😐"])
def test_an_answer_that_is_neither_asks_again_and_a_later_yes_still_files(chat, session, neither):
    setup_roster(session)
    chat.say("站点扣了我八百块罚款 说超时 这钱能要回来不")
    assert chat.say(neither) == CONFIRM.format("欠薪")[len("张某，"):]
    assert chat.say("是") == FILED_WAGES


def test_a_yes_after_a_shift_still_files(chat, session):
    """The member answers the confirmation after a night shift: it still counts; a day later
    the question is over."""
    setup_roster(session)
    chat.say("站点扣了我八百块罚款 说超时 这钱能要回来不")
    chat.advance(hours=9)
    assert chat.say("是的") == FILED_WAGES.replace("上午9点", "晚上6点")
    assert chat.say("我老婆生了 是个儿子").startswith("张某，这件事（")
    chat.advance(hours=13)
    chat.say("是")
    assert len(tickets(session)) == 1


def test_the_same_request_sent_again_is_one_ticket(chat, session):
    """An anxious member sends the same request again and again: one ticket, one notice."""
    setup_roster(session)
    assert chat.say("老板拖欠了三个月工资 帮帮忙") == FILED_WAGES
    again = chat.say("老板拖欠了三个月工资 帮帮忙")
    assert again == ("这件事已经登记过了（编号 Q20261129001），正在等联络员处理，不用再发；"
                     "着急的话可以直接打李某的电话 13900000001。")
    assert len(tickets(session)) == 1


@pytest.mark.parametrize("words", ["不想活了", "活着没意思 真想死了算了", "我想跳楼", "活着真没意思",
                                   "我想去死", "活够了", "最近老是想不开", "活著沒意思"])
def test_words_of_despair_get_the_lifeline_and_the_liaison_at_once(chat, session, words):
    setup_roster(session)
    reply = chat.say(words)
    assert reply.startswith("您说的话我们很在意，您不是一个人扛着。现在就可以拨打全国心理援助热线 12356（24小时）")
    assert "已转给您的红色联络员" in reply
    assert tickets(session) == [("Q20261129001", "other", words)]
    assert session.scalar(select(Ticket.urgency)) == "crisis"
    notice = session.scalar(select(OutboxMessage).where(OutboxMessage.purpose == "liaison_notice"))
    assert f"“【情绪危机，请马上联系】{words}”" in notice.payload["content"]


def test_despair_comes_before_a_question_waiting_for_an_answer(chat, session):
    """The member was asked to confirm something else; "不想活了" is not read as "不" (no)."""
    setup_roster(session)
    chat.say("站点扣了我八百块罚款 说超时 这钱能要回来不")
    assert chat.say("不想活了").startswith("您说的话我们很在意")
    assert [t[2] for t in tickets(session)] == ["不想活了"]
    assert session.scalar(select(Ticket.urgency)) == "crisis"


@pytest.mark.parametrize("words", ["想死你们了 过年回去看你们", "想死我们了", "想死我妈了", "热死了",
                                   "商场衣服跳楼价", "今天下雨不想活动了", "笑死我了"])
def test_missing_someone_or_a_manner_of_speaking_is_no_despair(chat, session, words):
    setup_roster(session)
    assert not chat.say(words).startswith("您说的话我们很在意")
    assert tickets(session) == []


def test_despair_reaches_the_liaison_as_urgent_and_again_when_repeated(chat, session):
    setup_roster(session)
    assert "李某会在1小时内联系您" in chat.say("不想活了")
    notice = session.scalar(select(OutboxMessage).where(OutboxMessage.purpose == "liaison_notice"))
    assert "请马上电话联系张某" in notice.payload["content"]
    assert notice.payload["fallback_template"]["data"]["thing1"]["value"] == "张某紧急求助请马上联系"
    chat.advance(minutes=10)
    again = chat.say("真的不想活了")
    assert again.startswith("您说的话我们很在意")
    assert again.endswith("已经再次请李某马上联系您。着急的话可以直接打李某的电话 13900000001。")
    assert len(tickets(session)) == 1
    assert session.scalar(select(OutboxMessage).where(OutboxMessage.purpose == "liaison_addition")) is not None


def test_an_unbound_follower_in_despair_gets_the_lifeline_first(make_chat, session):
    setup_roster(session)
    reply = make_chat("oKite_stranger_0002").say("不想活了")
    assert reply.startswith("您说的话我们很在意")
    assert "12356" in reply and "0471-12345678" in reply and "绑定 姓名 手机号" in reply


@pytest.mark.parametrize("told", ["被车撞了 对方跑了", "工友从架子上摔下来了 腿骨折了 求助"])
def test_danger_now_puts_the_emergency_numbers_first(chat, session, told):
    setup_roster(session)
    reply = chat.say(told)
    assert reply.startswith("如果有人受伤或正在危险中，请先拨打 120（急救）或 110（报警）。\n")
    assert "联络员" in reply  # and the liaison is still asked or told


def test_a_move_told_with_a_difficulty_is_kept(chat, session):
    member = setup_roster(session)
    reply = chat.say("我到杭州了 老板欠我工资")
    assert reply.startswith("已收到您的求助（欠薪），编号 Q20261129001。")
    assert reply.endswith("\n已把您的流动去向更新为：浙江 杭州。")
    assert "请再发“更新”" not in reply
    session.expire_all()
    assert member.current_city == "杭州"


def test_more_about_a_waiting_case_is_added_to_it_not_filed_again(chat, session):
    """Three messages about the same unpaid wages in two minutes: one ticket, the later words
    added to it and sent on to the liaison."""
    setup_roster(session)
    assert chat.say("老板拖欠了三个月工资 帮帮忙").startswith("已收到您的求助（欠薪），编号 Q20261129001。")
    chat.advance(minutes=1)
    assert chat.say("包工头说年底才结 工钱一分没给") == (
        "这件事已经在办（编号 Q20261129001），您补充的情况已记上并转给了李某。"
        "着急的话可以直接打李某的电话 13900000001。")
    assert len(tickets(session)) == 1
    assert tickets(session)[0][2] == "老板拖欠了三个月工资 帮帮忙\n【补充 11-29 09:01】包工头说年底才结 工钱一分没给"
    additions = session.scalars(select(OutboxMessage).where(OutboxMessage.purpose == "liaison_addition")).all()
    assert [a.payload["content"] for a in additions] == ["【求助补充 Q20261129001】张某补充：“包工头说年底才结 工钱一分没给”"]
