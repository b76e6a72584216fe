"""更新信息: the guided dialog walking destination → phone → employer → reason, as a member has
it. Each step can be skipped; nothing is stored until the last answer, then everything at once
with one summary; 取消, a new request or the timeout leave the record exactly as it was."""
import datetime as dt

import pytest
from sqlalchemy import select

from models.dialog import DialogState
from models.member import MemberChange
from tests.conftest import START
from tests.factories import make_branch, make_member

ME = "oKite_member_0001"
START_WORDS = "好的，我们一项一项更新，一共4项，全部答完后一起保存；随时发“取消”就不改了。\n"
Q_CITY = "（1/4）您现在在哪个城市？现在登记的是：广东 深圳。直接说城市，例如“宁波”；没变回“不变”，不想填回“跳过”。"
Q_PHONE = "（2/4）手机号还是 138****1234 吗？换了就发新号码；没变回“不变”。"
Q_EMPLOYER = "（3/4）您现在在哪里工作？现在登记的是：电子厂。直接说单位名称，例如“顺丰物流”；没变回“不变”，不想填回“跳过”。"
Q_REASON = ("（4/4）您外出是为了什么？现在还没有登记。"
            "回复数字：1 务工  2 经商  3 求学  4 随迁（跟家人）  5 其他；没变回“不变”。")
READ_BACK = "您要把手机号从 138****1234 改成 {} 吗？回复“对”确认，回复“不对”重新填。"
CANCELLED = "好的，已取消，刚才说的都没有保存。想改的时候再发“更新信息”。"
CORRECTION = "如有不对，直接把正确的发给我就行。"


@pytest.fixture
def member(session):
    m = make_member(session, make_branch(session), name="张某", phone="13800001234", openid=ME,
                    current_province="广东", current_city="深圳", employer="电子厂")
    session.commit()
    return m


def history(session):
    session.expire_all()
    return [(c.field, c.old_value, c.new_value, c.source, c.changed_by, c.changed_at)
            for c in session.scalars(select(MemberChange).order_by(MemberChange.id))]


def record(session, member):
    session.expire_all()
    return (member.current_province, member.current_city, member.phone, member.employer, member.away_reason,
            member.place_unlisted)


AS_IMPORTED = ("广东", "深圳", "13800001234", "电子厂", None, False)


@pytest.mark.postgres
def test_every_step_answered_is_stored_together_at_the_end(chat, session, member):
    assert chat.say("更新信息") == START_WORDS + Q_CITY
    chat.advance(minutes=1)
    assert chat.say("宁波") == "记下了。\n" + Q_PHONE
    chat.advance(minutes=1)
    assert chat.say("13712345678") == READ_BACK.format("137 1234 5678")
    assert chat.say("对") == "记下了。\n" + Q_EMPLOYER
    assert chat.say("在顺丰物流上班") == "记下了。\n" + Q_REASON
    assert record(session, member) == AS_IMPORTED and history(session) == []  # nothing yet
    chat.advance(minutes=1)
    assert chat.say("1") == ("全部保存好了，已为您更新：\n流动去向：浙江 宁波\n手机号：137****5678\n"
                             f"工作单位：顺丰物流\n外出原因：务工\n{CORRECTION}")
    assert record(session, member) == ("浙江", "宁波", "13712345678", "顺丰物流", "work", False)
    at = START + dt.timedelta(minutes=3)
    assert history(session) == [
        ("current_city", "深圳", "宁波", "chat", ME, at), ("current_province", "广东", "浙江", "chat", ME, at),
        ("phone", "13800001234", "13712345678", "chat", ME, at), ("employer", "电子厂", "顺丰物流", "chat", ME, at),
        ("away_reason", None, "work", "chat", ME, at)]
    assert session.get(DialogState, ME) is None


def test_every_step_skipped_changes_nothing(chat, session, member):
    chat.say("更新信息")
    assert chat.say("不变") == "好的，流动去向不变。\n" + Q_PHONE
    assert chat.say("没变") == "好的，手机号不变。\n" + Q_EMPLOYER
    assert chat.say("跳过") == "好的，工作单位不变。\n" + Q_REASON
    assert chat.say("跳过") == "好的，您的信息都没有变化，不用修改。谢谢您核对！"
    assert record(session, member) == AS_IMPORTED and history(session) == []


def test_the_same_phone_or_city_again_is_no_change(chat, session, member):
    chat.say("更新信息")
    assert chat.say("还在深圳") == "记下了。\n" + Q_PHONE
    assert chat.say("13800001234") == "好的，手机号不变。\n" + Q_EMPLOYER
    chat.say("不变")
    assert chat.say("打工") == f"全部保存好了，已为您更新：\n外出原因：务工\n{CORRECTION}"
    assert [h[:3] for h in history(session)] == [("away_reason", None, "work")]


@pytest.mark.parametrize("cancel", ["取消", "算了", "不弄了"])
def test_cancel_mid_dialog_saves_nothing(chat, session, member, cancel):
    chat.say("更新信息")
    chat.say("宁波")
    chat.say("13712345678")
    chat.say("对")
    assert chat.say(cancel) == CANCELLED
    assert chat.say("1") != f"全部保存好了，已为您更新：\n外出原因：务工\n{CORRECTION}"  # too late: no dialog
    assert record(session, member) == AS_IMPORTED and history(session) == []


def test_abandoned_halfway_and_timed_out_saves_nothing(chat, session, member):
    chat.say("更新信息")
    chat.say("宁波")
    chat.say("13712345678")
    assert chat.say("对") == "记下了。\n" + Q_EMPLOYER
    chat.advance(minutes=31)  # the member put the phone down; the question lapses
    assert "学习" in chat.say("学习")  # the next message is answered as itself
    assert record(session, member) == AS_IMPORTED and history(session) == []
    assert session.get(DialogState, ME) is None


def test_an_answer_after_the_timeout_starts_again_from_the_first_question(chat, session, member):
    chat.say("更新信息")
    chat.say("宁波")
    chat.say("不变")
    chat.advance(minutes=31)
    assert chat.say("富士康") == START_WORDS + Q_CITY  # the city and phone said before are not kept
    assert record(session, member) == AS_IMPORTED and history(session) == []


def test_an_answer_just_in_time_keeps_the_dialog_going(chat, session, member):
    chat.say("更新信息")
    chat.advance(minutes=29)
    assert chat.say("宁波") == "记下了。\n" + Q_PHONE  # each answer gives the next question its own 30 min
    chat.advance(minutes=29)
    assert chat.say("不变") == "好的，手机号不变。\n" + Q_EMPLOYER


def test_a_bad_phone_is_named_and_asked_again(chat, session, member):
    chat.say("更新信息")
    chat.say("不变")
    assert chat.say("12345") == "“12345”不是有效的11位手机号。" + Q_PHONE
    assert chat.say("手机号是1371234567") == "“1371234567”不是有效的11位手机号。" + Q_PHONE
    assert chat.say("13712345678") == READ_BACK.format("137 1234 5678")
    assert chat.say("不对") == "好的，这个号码不用。" + Q_PHONE
    assert chat.say("13712345679") == READ_BACK.format("137 1234 5679")
    assert chat.say("13712345670") == READ_BACK.format("137 1234 5670")  # another number: read back again
    assert chat.say("对") == "记下了。\n" + Q_EMPLOYER
    chat.say("不变")
    assert chat.say("不变") == f"全部保存好了，已为您更新：\n手机号：137****5670\n{CORRECTION}"
    assert [h[:3] for h in history(session)] == [("phone", "13800001234", "13712345670")]


def test_a_place_the_list_does_not_know_is_kept_as_written_flagged_and_the_member_told(chat, session, member):
    chat.say("更新信息")
    assert chat.say("白杨镇") == ("“白杨镇”不在我们的地名表里，先照您写的记下，保存后支部会核实。\n" + Q_PHONE)
    chat.say("不变")
    chat.say("不变")
    assert chat.say("不变") == ("全部保存好了，已为您更新：\n流动去向：白杨镇（“白杨镇”不在我们的地名表里，"
                              f"已照您写的登记，支部会核实。）\n{CORRECTION}")
    assert record(session, member) == (None, "白杨镇", "13800001234", "电子厂", None, True)


@pytest.mark.parametrize("not_a_place", ["你们是谁啊", "不知道", "123"])
def test_what_is_no_place_is_asked_again(chat, session, member, not_a_place):
    chat.say("更新信息")
    assert chat.say(not_a_place) == "没看明白您现在在哪儿。" + Q_CITY


def test_help_asks_the_current_question_again(chat, session, member):
    chat.say("更新信息")
    chat.say("宁波")
    assert chat.say("帮助") == Q_PHONE
    assert chat.say("不变") == "好的，手机号不变。\n" + Q_EMPLOYER


@pytest.mark.parametrize("first", [[], ["宁波"]])
@pytest.mark.parametrize("request_, answered", [("附近有阳光驿站吗", "驿站"), ("学习", "学习"), ("你好", "您好")])
def test_a_clear_new_request_ends_the_dialog_with_nothing_saved(chat, session, member, first, request_, answered):
    chat.say("更新信息")
    for said in first:
        chat.say(said)
    assert answered in chat.say(request_)
    session.expire_all()
    assert session.get(DialogState, ME) is None
    assert record(session, member) == AS_IMPORTED and history(session) == []


def test_the_menu_button_starts_it_and_a_member_who_had_come_home_is_away_again(chat, session, member):
    member.status, member.current_province, member.current_city = "returned", None, None
    session.commit()
    assert chat.click("UPDATE_INFO") == START_WORDS + Q_CITY.replace("现在登记的是：广东 深圳。", "现在还没有登记。")
    chat.say("杭州")
    chat.say("不变")
    chat.say("不变")
    assert chat.say("求学") == ("全部保存好了，已为您更新：\n状态：在外流动\n流动去向：浙江 杭州\n外出原因：求学\n"
                              f"外出时间：2026年11月\n{CORRECTION}")


def test_an_unbound_follower_is_asked_to_bind_first(make_chat):
    assert make_chat("oKite_stranger").say("更新信息").startswith("您还没有绑定党员身份。")


def test_the_summary_masks_the_new_phone(chat, session, member):
    chat.say("更新信息")
    chat.say("不变")
    chat.say("13712345678")
    chat.say("对")
    chat.say("不变")
    assert chat.say("不变") == f"全部保存好了，已为您更新：\n手机号：137****5678\n{CORRECTION}"
    assert record(session, member)[2] == "13712345678"


@pytest.mark.parametrize("not_a_place", ["我是来上学的", "在顺丰上班"])
def test_a_reason_or_an_employer_at_the_city_question_is_no_place(chat, session, member, not_a_place):
    chat.say("更新信息")
    assert chat.say(not_a_place) == "工作单位和外出原因后面会问到，先说说您现在在哪儿。" + Q_CITY
    assert chat.say("不变") == "好的，流动去向不变。\n" + Q_PHONE
    chat.say("不变")
    chat.say("不变")
    chat.say("不变")
    assert record(session, member) == AS_IMPORTED and history(session) == []


@pytest.mark.parametrize("not_a_place", ["山里面", "小地方"])
def test_a_sentence_at_the_city_question_is_no_place(chat, session, member, not_a_place):
    chat.say("更新信息")
    assert chat.say(not_a_place) == "没看明白您现在在哪儿。" + Q_CITY
    assert record(session, member) == AS_IMPORTED


DROPPED = "刚才的信息更新没有保存，需要时再发“更新信息”。"


@pytest.mark.parametrize("request_, answered", [("我的信息", "流动去向"), ("学习", "学习")])
def test_leaving_the_walk_for_another_request_says_nothing_was_saved(chat, session, member, request_, answered):
    chat.say("更新信息")
    assert chat.say("东莞") == "记下了。\n" + Q_PHONE
    reply = chat.say(request_)
    assert reply.startswith(DROPPED + "\n") and answered in reply
    assert record(session, member) == AS_IMPORTED and history(session) == []


def test_tapping_my_info_in_the_walk_ends_it_as_typing_it_does(chat, session, member):
    """The user trial: the 我的信息 menu button in the middle of 更新信息 showed the record and the
    walk went on to save later; it ends the walk, as typing 我的信息 does."""
    chat.say("更新信息")
    assert chat.say("东莞") == "记下了。\n" + Q_PHONE
    reply = chat.click("MY_INFO")
    assert reply.startswith(DROPPED + "\n") and "流动去向：广东 深圳" in reply
    assert session.get(DialogState, ME) is None
    assert "记下了" not in chat.say("不变")
    assert record(session, member) == AS_IMPORTED and history(session) == []


def test_tapping_update_info_in_the_walk_starts_it_again(chat, session, member):
    chat.say("更新信息")
    chat.say("东莞")
    assert chat.click("UPDATE_INFO") == f"{DROPPED}\n{START_WORDS}{Q_CITY}"
    assert chat.say("不变") == "好的，流动去向不变。\n" + Q_PHONE
    assert record(session, member) == AS_IMPORTED and history(session) == []


def test_leaving_before_anything_was_said_needs_no_word(chat, session, member):
    chat.say("更新信息")
    assert DROPPED not in chat.say("学习")


def test_an_answer_after_the_timeout_is_told_the_update_lapsed(chat, session, member):
    chat.say("更新信息")
    chat.say("东莞")
    chat.advance(minutes=31)
    assert chat.say("不变") == "刚才的更新超时了，没有保存。请重新发“更新信息”。"
    assert record(session, member) == AS_IMPORTED and history(session) == []
    assert session.get(DialogState, ME) is None
    assert "没看懂" in chat.say("不变")  # told once: the lapsed walk is gone
