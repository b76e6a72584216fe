"""Capabilities people still handle (dues, meetings, ...): the member always gets who
to contact and how, never an error. Also the liaison and station look-ups."""
import pytest
from sqlalchemy import select

from models.member import Liaison
from models.stations import Station
from models.tickets import Ticket
from tests.factories import make_branch, make_member

HOTLINE = "服务热线 0471-12345678（工作日 9:00-17:30）"
CONTACT = f"请联系您的红色联络员李某（电话 13900000001），也可以拨打{HOTLINE}。"


@pytest.fixture
def bound(session):
    branch = make_branch(session)
    person = make_member(session, branch, name="李某", phone="13900000001", openid="oKite_liaison_0001", status="home")
    liaison = Liaison(member_id=person.id, branch_id=branch.id)
    session.add(liaison)
    session.flush()
    member = make_member(session, branch, name="张某", phone="13800001234", openid="oKite_member_0001",
                         liaison_id=liaison.id, current_province="广东", current_city="深圳")
    session.add_all([
        Station(name="深圳龙华阳光驿站", province="广东", city="深圳", address="深圳市龙华区示例路1号",
                hotline="0755-55500100", hours="每天 9:00-21:00"),
        Station(name="包头昆都仑阳光驿站", province="内蒙古", city="包头", address="包头市昆都仑区示例大街8号",
                hotline="0472-5550200", hours="工作日 9:00-18:00"),
    ])
    session.commit()
    return member


@pytest.mark.parametrize("text, reply", [
    ("思想汇报", "张某，写思想汇报可以一段一段发给我（打字、语音都行），我先替您记着；也可以一条消息发“思想汇报：”加上全文。"
             "交一篇记 5 分，一篇最多 5000 字。\n请发第一段；写完发“提交”，不写了发“取消”。"
             "草稿保存 24 小时（每发一段重新计时），超时没提交会作废。"),
    ("党费", "党费按月交纳，外出期间也要按时交给您所在的党支部。怎么交：每月20日前微信转账给支部组织委员，"
           f"或交给村党支部；不方便的可以委托家人代交。\n您支部的党费交纳记录还没有登记到这里，交了多少、欠不欠，{CONTACT}"),
    ("积分", "您现在还没有积分。\n怎么得积分：\n· 学习：每打开一篇新的学习资料得 1 分，每天最多 5 分\n"
           "· 组织生活：参加三会一课、主题党日等组织生活，每次得 5 分\n"
           "· 志愿服务：做了好事直接发给我（如“过年回村参加了义务清扫”），联络员审核通过后每次得 3 分，每月最多 15 分\n"
           "· 思想汇报：交一篇思想汇报得 5 分，每月最多 5 分\n积分不公开个人排名，发“积分排名”可以看各支部的积分。"),
    ("组织生活", f"白杨村党支部近期还没有安排组织生活。会议定下来后我会发通知给您；想先问问，{CONTACT}"),
    ("志愿服务", "谢谢您参加志愿服务、为家乡做好事！想申报的话，直接把做了什么、什么时候、在哪里发给我，"
              "例如“过年回村参加了义务清扫”，我转给您的红色联络员审核，通过后记入积分（每次 3 分）。"),
    ("联络员", f"您的红色联络员是李某，电话 13900000001。遇到困难可以直接发“求助”加上具体情况，我会马上转给李某；"
             f"也可以拨打{HOTLINE}。"),
    ("驿站", "离您所在的深圳最近的阳光驿站：\n1. 深圳龙华阳光驿站（同城）\n地址：深圳市龙华区示例路1号\n"
           f"电话 0755-55500100，服务时间 每天 9:00-21:00\n有事也可以拨打流动党员{HOTLINE}。"),
])
def test_later_capabilities_answer_with_who_to_contact(chat, bound, text, reply):
    assert chat.say(text) == reply


def test_without_a_liaison_the_branch_phone_is_given(chat, session, bound):
    bound.liaison_id = None
    session.query(Liaison).delete()
    session.commit()
    assert chat.say("党费").endswith(f"请联系白杨村党支部（电话 0471-5550001），也可以拨打{HOTLINE}。")
    assert chat.say("联络员") == (f"白杨村党支部还没有给您安排红色联络员。有事请联系支部（电话 0471-5550001），"
                               f"或拨打{HOTLINE}。")


def test_stations_kept_without_coordinates_are_found_in_their_own_city_only(chat, session, bound):
    """Stations stored before coordinates were kept (these have none): a city without its own
    station cannot be told the nearest, so the member is asked for a location."""
    bound.current_city = "苏州"
    session.commit()
    assert chat.say("驿站").startswith("您所在的苏州暂时还没有阳光驿站。想找离您最近的阳光驿站，请把位置发给我")
    assert chat.say("取消") == "好的，不找了。想找驿站时再发“附近的阳光驿站”。"
    assert chat.say("附近有没有驿站，我在深圳龙华") == (
        "离深圳最近的阳光驿站：\n1. 深圳龙华阳光驿站（同城）\n地址：深圳市龙华区示例路1号\n"
        f"电话 0755-55500100，服务时间 每天 9:00-21:00\n有事也可以拨打流动党员{HOTLINE}。")
    assert chat.say("包头有驿站吗").startswith("离包头最近的阳光驿站：\n1. 包头昆都仑阳光驿站（同城）")


def test_unbound_followers_can_ask_public_things(make_chat, bound):
    stranger = make_chat("oKite_stranger")
    assert stranger.say("驿站").startswith("想找离您最近的阳光驿站，请把位置发给我")
    assert stranger.say("取消").startswith("好的，不找了。")
    assert stranger.say("联络员") == ("绑定身份后我就能告诉您，您的红色联络员是谁。请发送“绑定 姓名 手机号”"
                                   f"（例如：绑定 张某 13800001234）；现在有事可以拨打{HOTLINE}。")
    assert stranger.say("党费").startswith("您还没有绑定党员身份。")


def test_no_stations_at_all_gives_the_hotline(make_chat):
    assert make_chat("oKite_stranger").say("驿站") == f"阳光驿站还在筹建，目前还没有可以去的驿站。有事请拨打流动党员{HOTLINE}。"


def test_a_complaint_about_the_liaison_goes_to_the_branch_not_the_liaison(chat, bound):
    assert chat.say("我要投诉联络员不理我") == (
        "很抱歉给您添麻烦了。对联络员的意见，请直接告诉白杨村党支部（电话 0471-5550001），"
        f"或拨打{HOTLINE}，我们会认真处理。")


def test_a_complaint_naming_the_liaison_is_not_filed_to_them(chat, bound, session):
    assert chat.say("投诉李某，打电话一直不接") == (
        "很抱歉给您添麻烦了。对联络员的意见，请直接告诉白杨村党支部（电话 0471-5550001），"
        f"或拨打{HOTLINE}，我们会认真处理。")
    assert session.scalar(select(Ticket)) is None


def test_asking_about_volunteering_is_not_thanked_for_it(chat, bound):
    assert chat.say("有没有志愿服务活动") == (
        "志愿服务活动由支部和当地阳光驿站组织，想参加的话告诉您的红色联络员，有活动会通知您；"
        f"做了好事可以直接发给我，我转给联络员审核，审核后记入积分。{CONTACT}")


@pytest.mark.parametrize("text", ["有会吗", "最近有啥会要开吗", "这周开不开会"])
def test_asking_whether_a_meeting_is_coming(chat, bound, text):
    assert chat.say(text).startswith("白杨村党支部近期还没有安排组织生活。")


@pytest.mark.parametrize("text", ["签到 4827", "签到 码是4827", "４８２７签到"])
def test_a_check_in_code_with_no_meeting_is_said_to_be_wrong(chat, bound, text):
    """Meetings and their codes are tests/test_meetings_chat.py's: here no meeting has one."""
    assert chat.say(text) == "签到码 4827 不对，没有找到这个会议，没有签到。请核对主持人公布的4位签到码再发。"
