"""Thanks, blank messages, and a liaison's greeting: a short fitting answer, not the whole menu."""
import datetime as dt

import pytest

from handlers.registry import COMMANDS, usage_lines
from models.roles import Role
from models.tickets import Ticket
from tests.conftest import START
from tests.factories import make_branch, make_liaison, make_member

HOTLINE = "服务热线 0471-12345678（工作日 9:00-17:30）"
THANKS = "不客气！有事随时发消息给我，发“菜单”可以看全部功能。"


@pytest.mark.parametrize("text", ["谢谢", "收到了，谢谢你们", "多谢！", "谢谢你们的帮助啊", "感恩"])
def test_thanks_get_a_short_warm_answer(chat, session, text):
    # 感恩 is routed to the fallback, which answers thanks the same way
    make_member(session, make_branch(session), name="张某", openid=chat.openid)
    session.commit()
    assert chat.say(text) == THANKS


def test_an_acknowledgement_gets_a_short_answer(chat):
    assert chat.say("好的") == "好的！有事随时发消息给我，发“菜单”可以看全部功能。"


def test_thanks_with_a_question_still_gets_the_menu(chat):
    assert chat.say("谢谢，这个怎么用").startswith("您好！我是流动党员服务助手，您可以直接发：")


@pytest.mark.parametrize("blank", ["   ", "\u3000\u3000", "\n"])
def test_a_blank_text_message_is_told_it_was_blank(chat, blank):
    assert chat.say(blank) == "您发的好像是空白消息，我没有看到文字。有事请直接打字告诉我，发“菜单”可以看全部功能。"


def _liaison_with_tickets(session, count):
    branch = make_branch(session)
    liaison = make_liaison(session, branch, name="李某", openid="oKite_liaison_0001")
    liaison.member.phone = "13900000001"
    member = make_member(session, branch, name="张某", phone="13800001234", openid="oKite_member_0001",
                         liaison_id=liaison.id)
    for n in range(1, count + 1):
        session.add(Ticket(number=f"Q2026112900{n}", member_id=member.id, liaison_id=liaison.id,
                           topic="wages", description="老板拖欠工资", status="new" if n % 2 else "claimed",
                           created_at=START + dt.timedelta(minutes=n), due_at=START + dt.timedelta(days=1)))
    session.add(Ticket(number="Q20261128001", member_id=member.id, liaison_id=liaison.id, topic="other",
                       description="已办结", status="resolved", created_at=START - dt.timedelta(days=1),
                       due_at=START))
    session.commit()


def _member_listing():
    return "\n".join(f"· {u}" for u in usage_lines() if not u.startswith("绑定"))


@pytest.mark.parametrize("text", ["你好", "菜单"])
def test_a_liaison_is_told_what_waits_on_them(make_chat, session, text):
    _liaison_with_tickets(session, 4)
    assert make_chat("oKite_liaison_0001").say(text) == (
        "李某，您好！您是红色联络员，现在有4件求助等您处理，最新的编号：Q20261129004、Q20261129003、"
        "Q20261129002。请按求助通知里的电话直接给党员打电话。\n"
        "您可以发：\n" + "\n".join(f"· {c.usage}" for c in COMMANDS if Role.LIAISON in c.roles) + "\n"
        f"您本人也可以直接发：\n{_member_listing()}\n着急的事请拨打{HOTLINE}。")


def test_a_liaison_with_nothing_waiting(make_chat, session):
    _liaison_with_tickets(session, 0)
    assert make_chat("oKite_liaison_0001").say("你好").startswith(
        "李某，您好！您是红色联络员，现在没有等您处理的求助，有新求助会马上通知您。")


def test_a_member_who_is_not_a_liaison_gets_the_member_menu(chat, session):
    _liaison_with_tickets(session, 1)
    assert chat.say("你好").startswith("张某，您好！我是流动党员服务助手，您可以直接发：")


@pytest.mark.parametrize("text", ["👍", "哈哈哈", "😊😊！"])
def test_a_thumbs_up_or_a_laugh_gets_a_smile_back(chat, text):
    assert chat.say(text) == "😊 收到！有事随时发消息给我，发“菜单”可以看全部功能。"


@pytest.mark.parametrize("text", ["？？？", "???", "。。。", "……", "😳？"])
def test_only_punctuation_or_a_bare_question_mark_asks_what_they_need(chat, text):
    assert chat.say(text) == ("有什么需要帮忙的吗？请直接打字告诉我您要办什么事；"
                              "不知道怎么说，就发“菜单”看看我能做什么。")


def test_asking_who_answers_gets_an_honest_answer(chat):
    assert chat.say("你是机器人吗") == ("我是流动党员服务助手，是自动回复的小助手，背后有支部和红色联络员。"
                                  "有困难发“求助”加情况，我马上转给联络员；发“菜单”看我能做什么。")


@pytest.mark.parametrize("text", ["😭😭😭", "😢", "🥺🥺"])
def test_a_crying_face_is_asked_what_is_wrong(chat, text):
    assert chat.say(text) == ("看到您发的表情，是遇到什么难处了吗？可以直接打字说说情况，"
                              "或者发“求助”，我转给您的红色联络员。")


@pytest.mark.parametrize("text", ["报个平安 没啥事", "给支部报个平安 一切都好"])
def test_news_that_all_is_well_is_welcomed(chat, text):
    assert chat.say(text) == "收到您报的平安，大家就放心了！在外注意身体，有事随时发消息给我。"


@pytest.mark.parametrize("text, reply", [
    ("晚安", "晚安，好好休息！"),
    ("早上好啊", "早上好！今天也注意安全。"),
    ("大家晚上好", "晚上好！忙了一天，早点休息。"),
    ("在吗", "在的！"),
])
def test_a_greeting_by_the_time_of_day_is_answered_in_kind(chat, text, reply):
    assert chat.say(text) == f"{reply}有事随时发消息给我，发“菜单”可以看全部功能。"


def test_thanks_after_a_request_are_thanks(chat):
    assert chat.say("嗯呐 麻烦你们了") == "不客气！有事随时发消息给我，发“菜单”可以看全部功能。"
    assert chat.say("好的知道了") == "好的！有事随时发消息给我，发“菜单”可以看全部功能。"


@pytest.mark.parametrize("text", ["想家了", "想死你们了 过年就回"])
def test_missing_home_gets_a_word_back_and_someone_to_talk_to(chat, text):
    assert chat.say(text) == ("在外打拼，想家是常有的事。给家里打个电话、视频一下吧；心里憋闷的话，"
                               "发“联络员”找人说说，或拨打全国心理援助热线 12356。")


def test_safe_arrival_and_small_talk_get_a_friendly_word(chat):
    assert chat.say("平安到了").startswith("收到您报的平安")
    assert chat.say("吃了没").startswith("谢谢惦记！")
