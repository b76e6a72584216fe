"""Live updates by chat: a new city or phone in one message, or a shared location, stored with
history and confirmed exactly as stored (a new phone after it is read back and confirmed)."""
import pytest
from sqlalchemy import select

from handlers import update_info
from handlers.context import Context, Incoming, Route
from models.clock import SHANGHAI
from models.follower import Follower
from models.member import MemberChange
from tests.conftest import START
from tests.factories import make_branch, make_member

CORRECTION = "如有不对，直接把正确的发给我就行。"
READ_BACK = "您要把手机号从 138****1234 改成 {} 吗？回复“对”确认，回复“不对”不改。"


@pytest.fixture
def member(session):
    m = make_member(session, make_branch(session), name="张某", phone="13800001234", openid="oKite_member_0001",
                    current_province="广东", current_city="深圳", current_district="福田区")
    session.commit()
    return m


def say(session, settings, clock, member, text, **slots):
    """One message through update_info with the router's slots (as H3's router fills them)."""
    follower = Follower(openid=member.openid, first_seen_at=START, last_interaction_at=START)
    ctx = Context(session=session, settings=settings, clock=clock, follower=follower, member=member,
                  route=Route(intent="update_info", slots=slots))
    reply = update_info.handle(Incoming(openid=member.openid, msg_type="text", created_at=START, text=text), ctx)
    session.commit()
    return reply.text


def changes(session):
    return [(c.field, c.old_value, c.new_value, c.source)
            for c in session.scalars(select(MemberChange).order_by(MemberChange.id))]


def test_new_city_updates_province_and_clears_district(session, settings, clock, member):
    assert say(session, settings, clock, member, "我现在在苏州打工", city="苏州") == (
        f"已为您更新：\n流动去向：江苏 苏州\n{CORRECTION}")
    assert (member.current_province, member.current_city, member.current_district) == ("江苏", "苏州", None)
    assert changes(session) == [("current_city", "深圳", "苏州", "chat"), ("current_district", "福田区", None, "chat"),
                                ("current_province", "广东", "江苏", "chat")]


def test_city_with_its_province(session, settings, clock, member):
    assert say(session, settings, clock, member, "我到了内蒙古包头市", city="包头市", province="内蒙古") == (
        f"已为您更新：\n流动去向：内蒙古 包头\n{CORRECTION}")


def test_municipality_is_shown_once(session, settings, clock, member):
    assert say(session, settings, clock, member, "我现在在北京", city="北京") == (
        f"已为您更新：\n流动去向：北京\n{CORRECTION}")


def test_every_prefecture_level_city_knows_its_province(session, settings, clock, member):
    assert say(session, settings, clock, member, "我在嘉峪关", city="嘉峪关") == (
        f"已为您更新：\n流动去向：甘肃 嘉峪关\n{CORRECTION}")


def test_county_level_cities_know_their_province(session, settings, clock, member):
    assert say(session, settings, clock, member, "我在霍尔果斯", city="霍尔果斯") == (
        f"已为您更新：\n流动去向：新疆 霍尔果斯\n{CORRECTION}")
    assert say(session, settings, clock, member, "现在到昆山了", city="昆山") == (
        f"已为您更新：\n流动去向：江苏 昆山\n{CORRECTION}")


def test_unknown_city_does_not_keep_a_wrong_province(session, settings, clock, member):
    # a place on neither list (a ledger's 兵团 or a typo): no province is guessed.
    assert say(session, settings, clock, member, "我在团场", city="团场") == (
        f"已为您更新：\n流动去向：团场\n{CORRECTION}")
    assert member.current_province is None


def test_new_phone(chat, session, member):
    """Read back first (tests/test_phone_change.py has the whole conversation), then stored."""
    assert chat.say("手机号换成13800005678") == READ_BACK.format("138 0000 5678")
    assert chat.say("对") == f"已为您更新：\n手机号：138****5678\n{CORRECTION}"
    session.expire_all()
    assert changes(session) == [("phone", "13800001234", "13800005678", "chat")]


def test_phone_and_city_in_one_message(chat, session, member):
    assert chat.say("我去杭州了，电话13800005678") == (
        "已为您更新：\n流动去向：浙江 杭州\n" + READ_BACK.format("138 0000 5678"))
    assert chat.say("对") == f"已为您更新：\n手机号：138****5678\n{CORRECTION}"
    session.expire_all()
    assert (member.current_city, member.phone) == ("杭州", "13800005678")


BAD_PHONE = "“{}”不是有效的11位手机号，手机号没有改。请再发一次，例如：手机号换成13800005678。"


@pytest.mark.parametrize("text, number", [
    ("电话改成1380000567", "1380000567"), ("电话换成12345", "12345"),
    ("手机号换成 138 0000 567", "1380000567"), ("我的新号是0471-5550001", "0471-5550001"),
])
def test_a_number_that_is_no_mobile_is_asked_for_again(session, settings, clock, member, text, number):
    assert say(session, settings, clock, member, text) == BAD_PHONE.format(number)
    assert member.phone == "13800001234" and changes(session) == []


def test_a_house_number_is_no_phone(session, settings, clock, member):
    reply = say(session, settings, clock, member, "我住3栋1202")
    assert "手机号" not in reply and "1202" not in reply
    assert member.phone == "13800001234" and changes(session) == []


def test_bad_phone_keeps_the_new_city(session, settings, clock, member):
    assert say(session, settings, clock, member, "我去杭州了，电话12345", city="杭州") == (
        "已为您更新：\n流动去向：浙江 杭州\n" + BAD_PHONE.format("12345"))
    assert (member.current_city, member.phone) == ("杭州", "13800001234")


def test_a_phone_another_member_has_is_stored_without_naming_them(chat, session, member):
    make_member(session, member.branch, name="王某", phone="13800005678")  # family share a phone
    session.commit()
    assert chat.say("手机号换成13800005678") == READ_BACK.format("138 0000 5678")
    assert chat.say("对") == f"已为您更新：\n手机号：138****5678\n{CORRECTION}"
    session.expire_all()
    assert member.phone == "13800005678"


def test_chat_bad_phone_then_a_good_one(chat, session, member):
    assert chat.say("电话换成12345") == BAD_PHONE.format("12345")
    assert chat.say("手机号换成13800005678") == READ_BACK.format("138 0000 5678")
    assert chat.say("对") == f"已为您更新：\n手机号：138****5678\n{CORRECTION}"
    session.expire_all()
    assert [c[:3] for c in changes(session)] == [("phone", "13800001234", "13800005678")]


def test_same_as_on_file(session, settings, clock, member):
    assert say(session, settings, clock, member, "我还在深圳", city="深圳", province="广东") == (
        "流动去向已经是广东 深圳 福田区，不用改。\n要改别的，直接把新的发给我，例如“我在宁波”；想一项一项改，发“更新信息”。")
    assert changes(session) == []


def test_same_province_without_city_keeps_the_city(session, settings, clock, member):
    assert say(session, settings, clock, member, "我还在广东", province="广东").startswith("流动去向已经是广东 深圳 福田区，不用改。")
    assert member.current_city == "深圳"


def test_a_request_naming_nothing_starts_the_guided_update_from_what_is_on_file(session, settings, clock, member):
    assert say(session, settings, clock, member, "我要改信息") == (
        "好的，我们一项一项更新，一共4项，全部答完后一起保存；随时发“取消”就不改了。\n"
        "（1/4）您现在在哪个城市？现在登记的是：广东 深圳 福田区。直接说城市，例如“宁波”；没变回“不变”，不想填回“跳过”。")
    assert changes(session) == []


def test_shared_location_updates_the_destination(chat, session, member):
    assert chat.location(22.54, 114.05, "广东省东莞市南城街道鸿福路") == (
        f"收到您的位置，已把流动去向更新为：广东 东莞。{CORRECTION}")
    chat.advance(minutes=1)
    assert chat.location(31.23, 121.47, "上海市浦东新区世纪大道100号") == (
        f"收到您的位置，已把流动去向更新为：上海 浦东新区。{CORRECTION}")
    session.expire_all()
    assert [c[:3] for c in changes(session)][-3:] == [
        ("current_province", "广东", "上海"), ("current_city", "东莞", "上海"), ("current_district", None, "浦东新区")]


def test_location_without_a_city(chat, member):
    assert chat.location(0.0, 0.0, "某个地方") == "收到您的位置，但没看出是哪个城市。请直接告诉我，例如：“我现在在深圳”。"


def test_unbound_location_asks_to_bind(make_chat):
    assert make_chat("oKite_stranger").location(22.54, 114.05, "广东省深圳市").startswith("您还没有绑定党员身份。")


def test_chat_city_and_phone_changes(chat, session, member):
    assert chat.say("我现在在苏州") == f"已为您更新：\n流动去向：江苏 苏州\n{CORRECTION}"
    assert chat.say("手机号换成13800005678") == READ_BACK.format("138 0000 5678")
    assert chat.say("对") == f"已为您更新：\n手机号：138****5678\n{CORRECTION}"
    session.expire_all()
    assert [c[:3] for c in changes(session)] == [
        ("current_city", "深圳", "苏州"), ("current_district", "福田区", None), ("current_province", "广东", "江苏"),
        ("phone", "13800001234", "13800005678")]


def test_coming_home_for_good_and_leaving_again(chat, session, member):
    """流回: the member is no longer away; the destination is cleared, its history kept. A new
    city later makes them away again."""
    assert chat.say("我不在深圳了 回老家了") == (
        f"已为您更新：\n状态：已返乡\n欢迎回家！以后村里的组织生活请按时参加。{CORRECTION}")
    session.expire_all()
    assert (member.status, member.current_city, member.current_province) == ("returned", None, None)
    assert ("status", "away", "returned") in [c[:3] for c in changes(session)]
    chat.advance(minutes=5)
    assert chat.say("开春又出来了 现在在杭州") == (
        f"已为您更新：\n状态：在外流动\n流动去向：浙江 杭州\n外出时间：2026年11月\n{CORRECTION}")
    session.expire_all()
    assert (member.status, member.current_city) == ("away", "杭州")


@pytest.mark.parametrize("out_again, why", [("又出去打工了", "外出原因：务工\n"), ("我又出来了", ""),
                                            ("又到外面打工了 还在原来那个厂", "外出原因：务工\n")])
def test_out_again_without_a_city_is_away_and_asked_where(chat, session, member, out_again, why):
    chat.say("回老家了 不出去了")
    chat.advance(minutes=5)
    assert chat.say(out_again) == (
        f"已为您更新：\n状态：在外流动\n{why}外出时间：2026年11月\n这回去了哪个城市？直接告诉我就行，例如：“宁波”。")
    session.expire_all()
    assert (member.status, member.away_since) == ("away", START.astimezone(SHANGHAI).date().replace(day=1))
    assert chat.say("宁波").startswith("已为您更新：\n流动去向：浙江 宁波")  # the city alone answers


@pytest.mark.parametrize("home", ["我回来了 现在在家", "我从深圳回来了 现在在家"])
def test_back_and_now_at_home_is_coming_home(chat, session, member, home):
    """The user trial: these started the 更新信息 walk at its city question."""
    assert chat.say(home) == f"已为您更新：\n状态：已返乡\n欢迎回家！以后村里的组织生活请按时参加。{CORRECTION}"
    session.expire_all()
    assert (member.status, member.current_city) == ("returned", None)


@pytest.mark.parametrize("text", ["过年回老家了 初八就回来", "打算明年回老家", "回村里住几天", "下班回家了",
                                  "回来了", "过年回来了 现在在家", "下班回来了 现在在家"])
def test_a_visit_or_a_plan_is_no_homecoming(chat, session, member, text):
    chat.say(text)
    session.expire_all()
    assert (member.status, member.current_city) == ("away", "深圳")


def test_out_again_to_a_place_the_list_does_not_know(chat, session, member):
    chat.say("回老家了 不出去了")
    chat.advance(minutes=5)
    chat.say("我又出来了")
    assert chat.say("白杨镇") == ("已为您更新：\n流动去向：白杨镇（“白杨镇”不在我们的地名表里，已照您写的登记，支部会核实。）\n"
                               f"{CORRECTION}")
    session.expire_all()
    assert (member.status, member.current_province, member.current_city, member.place_unlisted) == (
        "away", None, "白杨镇", True)


@pytest.mark.parametrize("not_a_place", ["我是来上学的", "在顺丰上班"])
def test_out_again_and_a_reason_or_employer_is_no_place(chat, session, member, not_a_place):
    chat.say("回老家了 不出去了")
    chat.say("我又出来了")
    chat.say(not_a_place)
    session.expire_all()
    assert (member.current_city, member.place_unlisted) == (None, False)


def test_out_again_shows_and_keeps_the_month_as_the_ledger_does(chat, session, member):
    chat.say("回老家了 不出去了")
    chat.advance(minutes=5)
    reply = chat.say("又出来了 在包头")
    assert "外出时间：2026年11月\n" in reply and "29日" not in reply
    session.expire_all()
    assert str(member.away_since) == "2026-11-01"


@pytest.mark.parametrize("text", ["下个月去成都", "我打算去成都打工", "过两天去成都打工"])
def test_a_move_still_to_come_is_not_stored_until_the_member_is_there(chat, session, member, text):
    reply = chat.say(text)
    assert reply == ("您是打算去成都吧？等到了那边，再发“我在成都”告诉我，我再登记。"
                     "现在登记的流动去向还是：广东 深圳 福田区。")
    session.expire_all()
    assert (member.current_city, changes(session)) == ("深圳", [])


@pytest.mark.parametrize("text", ["我已经到成都了", "现在在成都 上个月去的", "去了成都了"])
def test_a_move_already_made_is_stored(chat, session, member, text):
    assert "成都" in chat.say(text)
    session.expire_all()
    assert member.current_city == "成都"
