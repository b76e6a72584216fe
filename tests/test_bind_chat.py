"""Binding a follower to the roster, as conversations: by message, by invitation QR code, and
every way it can be refused."""
import pytest
from sqlalchemy import select

from handlers.registry import COMMANDS
from models.follower import Follower
from models.member import Member, MemberChange
from models.roles import Role
from tests.conftest import START
from tests.factories import make_branch, make_liaison, make_member

HOTLINE = "服务热线 0471-12345678（工作日 9:00-17:30）"
# One answer for every refusal, so that it tells nobody who is on the roster or bound.
NOT_MATCHED = ("没能绑定：姓名和手机号与支部台账上的登记对不上。请核对后再发一次，例如：绑定 张某 13800001234；"
               f"如果确认无误，请联系所在支部或拨打{HOTLINE}。")
CODE_REFUSED = ("这个邀请二维码无效或已经用过，没能绑定。"
                "请发送“绑定 姓名 手机号”（例如：绑定 张某 13800001234）完成身份绑定。")
BOUND = ("绑定成功！张某您好，您是白杨村党支部的党员。您的红色联络员是李某。"
         "以后学习、求助、更新流动去向都可以直接发给我，发“菜单”看全部功能。")

# What a liaison may send, as 帮助 and the bind greeting list it (handlers.registry.COMMANDS).
LIAISON_USAGE = "\n".join(f"· {c.usage}" for c in COMMANDS if Role.LIAISON in c.roles)


@pytest.fixture
def roster(session):
    branch = make_branch(session)
    liaison = make_liaison(session, branch)
    member = make_member(session, branch, name="张某", phone="13800001234", liaison_id=liaison.id)
    session.commit()
    return member


def bound_member(session, openid):
    session.expire_all()
    return session.scalar(select(Member).where(Member.openid == openid))


@pytest.mark.parametrize("text", [
    "绑定 张某 13800001234",
    "绑定：张某，138-0000-1234",
    "绑定　张某　１３８００００１２３４",
    "绑定张某13800001234",
])
def test_bind_by_name_and_phone_in_any_spelling(chat, session, roster, text):
    assert chat.say(text) == BOUND
    member = bound_member(session, chat.openid)
    assert (member.name, member.bound_at) == ("张某", START)
    change = session.scalar(select(MemberChange))
    assert (change.field, change.old_value, change.new_value, change.source) == ("openid", None, chat.openid, "chat")


def test_name_inside_an_introduction_is_found_by_the_phone(chat, roster):
    assert chat.say("绑定 白杨村的张某 13800001234") == BOUND


@pytest.mark.parametrize("text", [
    "绑定 张某 幺三八零零零零幺二三四",          # as speech recognition writes it
    "绑定 张某 一三八 零零零零 一二三四",
    "绑定 张某 １３８．００００．１２３４",
    "绑定张某138—0000—1234",
])
def test_bind_with_a_phone_the_bot_reads_anywhere_else(chat, session, roster, text):
    assert chat.say(text) == BOUND
    assert bound_member(session, chat.openid).name == "张某"


@pytest.mark.parametrize("text", [
    "我是白杨村的张某 电话13800001234",
    "我是白杨村张某 13800001234",
    "白杨村的张某 13800001234",
    "我叫张某 是白杨村的 13800001234",
    "我是红柳镇白杨村党员张某，手机幺三八零零零零幺二三四",
])
def test_a_member_introducing_themselves_by_village_binds(chat, session, roster, text):
    assert chat.say(text) == BOUND
    assert bound_member(session, chat.openid).name == "张某"


@pytest.mark.parametrize("text", [
    "我叫张某 电话138 0000 1234",
    "你好，我是张某，手机号13800001234，谢谢",
    "我是白楊村的張某 電話13800001234",                 # traditional characters
    "绑定 張某 １３８００００１２３４",
    "我是示例区红柳镇白杨村的张某 13800001234",          # district, township and village
    "我是白杨村党支部的党员张某 手机号码是13800001234",
    "张某 13800001234 绑定",
    "绑定 13800001234 张某",
    "你好，我想绑定一下 张某 13800001234 谢谢[微笑]",
    "我是白杨村的老党员张某 13800001234",
    "我是白杨村3组的张某 13800001234",
    "我姓张，叫张某，电话13800001234",
])
def test_more_ways_members_write_it_bind(chat, session, roster, text):
    assert chat.say(text) == BOUND
    assert bound_member(session, chat.openid).name == "张某"


def test_a_voice_message_binds(chat, session, roster):
    assert chat.voice("我是白杨村的张某，电话幺三八零零零零幺二三四。") == BOUND
    assert bound_member(session, chat.openid).name == "张某"


@pytest.mark.parametrize("text", [
    "绑定 李某庄 13800005555",
    "我是白杨村李某庄 13800005555",
    "我是白杨村的李某庄，电话13800005555",
])
def test_a_name_ending_like_a_village_binds(chat, session, roster, text):
    make_member(session, roster.branch, name="李某庄", phone="13800005555")
    session.commit()
    assert chat.say(text).startswith("绑定成功！李某庄您好")


@pytest.mark.parametrize("name", ["李想", "何了"])
def test_a_name_holding_a_word_members_write_around_it_binds(chat, session, roster, name):
    make_member(session, roster.branch, name=name, phone="13800005556")
    session.commit()
    assert chat.say(f"绑定 {name} 13800005556").startswith(f"绑定成功！{name}您好")


def test_a_phone_without_a_name_asks_for_the_name(chat, roster):
    assert chat.say("我想绑定 13800001234") == (
        "请把姓名和手机号一起发给我，例如：绑定 张某 13800001234。手机号要和支部台账上登记的一致。")


def test_an_unknown_introduction_gets_the_answer_that_reveals_nothing(chat, roster):
    assert chat.say("我是红星村的李某某 电话13800009999") == NOT_MATCHED


def test_bound_member_can_use_member_services_after_binding(chat, roster):
    assert chat.say("党费").startswith("您还没有绑定党员身份")
    chat.say("绑定 张某 13800001234")
    assert chat.say("党费").startswith("党费按月交纳")


def test_binding_twice_is_refused_kindly(chat, roster):
    chat.say("绑定 张某 13800001234")
    assert chat.say("绑定 张某 13800001234") == "您已经绑定过了（张某），不用重复绑定。发“菜单”看看我能为您做什么。"
    assert chat.say("绑定") == "您已经绑定为张某（白杨村党支部），不用再绑定了。发“菜单”看看我能为您做什么。"


@pytest.mark.postgres
def test_one_person_cannot_be_bound_to_two_wechats(make_chat, session, roster):
    make_chat("oKite_member_0001").say("绑定 张某 13800001234")
    other = make_chat("oKite_member_0002")
    assert other.say("绑定 张某 13800001234") == NOT_MATCHED
    assert bound_member(session, "oKite_member_0002") is None


def test_one_wechat_cannot_bind_two_people(chat, session, roster):
    make_member(session, roster.branch, name="王某", phone="13800005678")
    session.commit()
    chat.say("绑定 张某 13800001234")
    assert chat.say("绑定 王某 13800005678") == (
        f"这个微信已经绑定了张某，一个微信只能绑定一位党员。如需更换，请联系所在支部或拨打{HOTLINE}。")
    assert bound_member(session, chat.openid).name == "张某"


def test_no_match_says_what_to_check_and_who_to_call(chat, roster):
    assert chat.say("绑定 张某 13900001234") == NOT_MATCHED


def test_two_unbound_people_with_the_same_name_and_phone_are_not_guessed(chat, session, roster):
    make_member(session, roster.branch, name="张某", phone="13800001234")
    session.commit()
    assert chat.say("绑定 张某 13800001234") == NOT_MATCHED


def test_missing_phone_asks_for_both(chat, roster):
    assert chat.say("绑定 张某") == "请把姓名和手机号一起发给我，例如：绑定 张某 13800001234。手机号要和支部台账上登记的一致。"


def test_follow_with_invitation_qr_binds(chat, session, roster):
    assert chat.follow(scene=f"bind_{_code(session, roster)}") == "欢迎关注！" + BOUND
    assert bound_member(session, chat.openid).name == "张某"


def test_scan_of_invitation_qr_by_a_follower_binds(chat, session, roster):
    code = _code(session, roster)
    assert chat.follow().startswith("欢迎关注流动党员服务助手！")
    assert chat.scan(f"bind_{code}") == BOUND
    chat.advance(seconds=5)  # a second scan, not WeChat retrying the first (same CreateTime)
    assert chat.scan(f"bind_{code}") == "您已经绑定过了（张某），不用重复绑定。发“菜单”看看我能为您做什么。"


def test_someone_elses_invitation_is_refused(make_chat, session, roster):
    code = _code(session, roster)
    make_chat("oKite_member_0001").say("绑定 张某 13800001234")
    assert make_chat("oKite_member_0002").scan(f"bind_{code}") == CODE_REFUSED
    assert bound_member(session, "oKite_member_0002") is None


def test_unknown_invitation_code(chat, roster):
    assert chat.follow(scene="bind_zzzzzzzz") == "欢迎关注！" + CODE_REFUSED


def test_scan_of_an_unknown_invitation_code_by_a_follower(chat, roster):
    chat.follow()
    chat.advance(minutes=1)
    assert chat.scan("bind_zzzzzzzz") == CODE_REFUSED


def test_scan_of_another_code_by_an_unbound_follower(chat, roster):
    chat.follow()
    chat.advance(minutes=1)
    assert chat.scan("") == ("您已关注流动党员服务助手，还没有绑定党员身份。请发送“绑定 姓名 手机号”"
                             "（例如：绑定 张某 13800001234）完成身份绑定。"
                             "没绑定也可以发“驿站”查阳光驿站、发“菜单”看全部功能。")
    chat.advance(minutes=1)
    assert chat.scan("station_poster").startswith("您已关注流动党员服务助手，还没有绑定党员身份。")


def test_scan_by_a_bound_member_welcomes_them_back(chat, roster):
    chat.say("绑定 张某 13800001234")
    chat.advance(minutes=1)
    assert chat.scan("station_poster") == "欢迎回来，张某！发“学习”看今天的学习资料，发“菜单”看全部功能。"


def test_plain_follow_tells_how_to_bind_and_what_works_before(chat):
    assert chat.follow() == ("欢迎关注流动党员服务助手！请发送“绑定 姓名 手机号”（例如：绑定 张某 13800001234）"
                             "完成身份绑定。没绑定也可以发“驿站”查阳光驿站、发“菜单”看全部功能。")


@pytest.mark.postgres
def test_unfollow_removes_the_binding_but_keeps_the_ledger_entry(chat, session, roster):
    chat.say("绑定 张某 13800001234")
    assert chat.unfollow() is None
    session.expire_all()
    member = session.get(Member, roster.id)
    assert (member.name, member.openid, member.bound_at) == ("张某", None, None)
    follower = session.get(Follower, chat.openid)
    assert follower.subscribed is False and follower.unsubscribed_at == START
    # Following again, they bind again like anyone else.
    assert chat.follow().startswith("欢迎关注流动党员服务助手！")
    assert chat.say("绑定 张某 13800001234") == BOUND


def _code(session, member):
    if member.bind_code is None:
        member.bind_code = "k7m2p9qa"
        session.commit()
    return member.bind_code


def test_a_name_in_traditional_characters_binds(chat, session):
    make_member(session, make_branch(session), name="刘某明", phone="13800002003")
    session.commit()
    assert chat.say("綁定 劉某明 138 0000 2003") == (
        "绑定成功！刘某明您好，您是白杨村党支部的党员。"
        "以后学习、求助、更新流动去向都可以直接发给我，发“菜单”看全部功能。")
    assert bound_member(session, chat.openid).name == "刘某明"


@pytest.mark.parametrize("roster_name, typed", [("趙某明", "赵某明"), ("赵某明", "趙某明")])
def test_binding_again_in_the_other_script_is_already_bound(chat, session, roster_name, typed):
    make_member(session, make_branch(session), name=roster_name, phone="13800002002")
    session.commit()
    assert chat.say(f"绑定 {roster_name} 13800002002").startswith("绑定成功！")
    assert chat.say(f"绑定 {typed} 13800002002") == (
        f"您已经绑定过了（{roster_name}），不用重复绑定。发“菜单”看看我能为您做什么。")


def test_a_liaison_binding_by_qr_is_not_told_they_are_their_own_liaison(make_chat, session):
    liaison = make_liaison(session, make_branch(session), openid=None)
    liaison.member.bind_code = "k7m2p9qb"
    liaison.member.liaison_id = liaison.id
    session.commit()
    assert make_chat("oKite_liaison_0001").follow(scene="bind_k7m2p9qb") == (
        "欢迎关注！绑定成功！李某您好，您是白杨村党支部的党员。"
        "以后学习、求助、更新流动去向都可以直接发给我，发“菜单”看全部功能。"
        "\n作为红色联络员，您还可以发：\n" + LIAISON_USAGE + "\n发“帮助”随时可以再看。")


@pytest.mark.parametrize("text", ["绑定 王某 12345", "绑定 王某 一二三四五"])
def test_a_phone_that_is_no_mobile_number_is_named(chat, text):
    assert chat.say(text) == ("“12345”不是有效的11位手机号。请用支部台账上登记的手机号再发一次，"
                              "例如：绑定 张某 13800001234。")
