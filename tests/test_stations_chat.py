"""Sunshine stations (阳光驿站) by chat: the nearest three to the member's city on the roster, to a
city the message names, or to a location sent when asked — each with address, distance, hotline,
hours and a map link, a long answer paged, never cut mid-line; what a station is for; unbound
followers asking too."""
import pytest

from bot import wire
from bot.demo import STATIONS
from handlers.station.listing import distance_text, map_link
from models.dialog import DialogState
from models.member import Member
from models.stations import Station
from tests.factories import make_branch, make_member

HOTLINE = "服务热线 0471-12345678（工作日 9:00-17:30）"
ASK_WHERE = ("想找离您最近的阳光驿站，请把位置发给我：点输入框右边的“＋”，选“位置”，再点“发送”。"
             "也可以直接告诉我在哪个城市，例如“东莞”。")
LONGHUA_MAP = ("https://uri.amap.com/marker?position=114.0438,22.6256&name=%E6%B7%B1%E5%9C%B3%E9%BE%99%E5%8D%8E"
               "%E9%98%B3%E5%85%89%E9%A9%BF%E7%AB%99&src=kiteline&coordinate=gaode")


@pytest.fixture
def stations(session):
    session.add_all(Station(**fields) for fields in STATIONS)
    session.commit()


@pytest.fixture
def member(session, stations):
    m = make_member(session, make_branch(session), name="张某", phone="13800001234", openid="oKite_member_0001",
                    current_province="广东", current_city="深圳")
    session.commit()
    return m


def names(reply: str) -> list[str]:
    """The numbered station lines of a listing: ``1. 深圳龙华阳光驿站（同城）``."""
    return [line for line in reply.splitlines() if line[:1].isdigit() and ". " in line]


def dialog(session, openid):
    session.expire_all()
    row = session.get(DialogState, openid)
    return (row.dialog, row.state) if row else None


def test_by_the_members_city_on_the_roster(chat, member):
    assert chat.say("附近的阳光驿站") == "\n".join([
        "离您所在的深圳最近的阳光驿站：",
        "1. 深圳龙华阳光驿站（同城）",
        "地址：深圳市龙华区民治街道示例路1号",
        "电话 0755-55500100，服务时间 每天 9:00-21:00",
        f"地图：{LONGHUA_MAP}",
        "2. 深圳宝安西乡阳光驿站（同城）",
        "地址：深圳市宝安区西乡街道示例大道88号",
        "电话 0755-55500101，服务时间 工作日 9:00-18:00",
        "地图：https://uri.amap.com/marker?position=113.865,22.579&name=%E6%B7%B1%E5%9C%B3%E5%AE%9D%E5%AE%89"
        "%E8%A5%BF%E4%B9%A1%E9%98%B3%E5%85%89%E9%A9%BF%E7%AB%99&src=kiteline&coordinate=gaode",
        "3. 东莞长安阳光驿站（东莞，约40公里）",
        "地址：东莞市长安镇示例路18号",
        "电话 0769-55500300，服务时间 每天 8:30-20:30",
        "地图：https://uri.amap.com/marker?position=113.804,22.8165&name=%E4%B8%9C%E8%8E%9E%E9%95%BF%E5%AE%89"
        "%E9%98%B3%E5%85%89%E9%A9%BF%E7%AB%99&src=kiteline&coordinate=gaode",
        f"有事也可以拨打流动党员{HOTLINE}。"])


@pytest.mark.parametrize("text, first", [
    ("我在东莞 附近有阳光驿站吗", ["离东莞最近的阳光驿站：", "1. 东莞长安阳光驿站（同城）", "2. 深圳宝安西乡阳光驿站（深圳，约50公里）",
                         "3. 深圳龙华阳光驿站（深圳，约53公里）"]),
    ("深圳附近有驿站吗", ["离深圳最近的阳光驿站：", "1. 深圳龙华阳光驿站（同城）", "2. 深圳宝安西乡阳光驿站（同城）",
                   "3. 东莞长安阳光驿站（东莞，约40公里）"]),
])
def test_the_city_in_the_message_comes_before_the_roster(chat, member, text, first):
    reply = chat.say(text)
    assert [reply.splitlines()[0], *names(reply)] == first


def test_a_city_without_a_station_gets_the_nearest_elsewhere_with_distances(chat, member, session):
    member.current_city, member.current_province = "青岛", "山东"
    session.commit()
    reply = chat.say("驿站")
    assert reply.splitlines()[0] == "您所在的青岛暂时还没有阳光驿站，离青岛最近的是："
    assert names(reply) == ["1. 苏州工业园区阳光驿站（苏州，约529公里）", "2. 北京丰台阳光驿站（北京，约554公里）",
                            "3. 杭州萧山阳光驿站（杭州，约654公里）"]
    assert reply.endswith(f"有事也可以拨打流动党员{HOTLINE}。")


def test_without_a_city_the_member_is_asked_for_a_location_and_it_answers(chat, member, session):
    member.current_city = member.current_province = None
    session.commit()
    assert chat.say("附近的阳光驿站") == ASK_WHERE
    assert dialog(session, chat.openid) == ("station_where", "where")
    chat.advance(minutes=3)
    reply = chat.location(30.2500, 120.1600, "浙江省杭州市西湖区")
    assert reply.splitlines()[0] == "离您最近的阳光驿站："
    assert names(reply) == ["1. 杭州萧山阳光驿站（杭州，约12公里）", "2. 苏州工业园区阳光驿站（苏州，约128公里）",
                            "3. 东莞长安阳光驿站（东莞，约1040公里）"]
    assert dialog(session, chat.openid) is None
    assert session.get(Member, member.id).current_city is None  # asked for stations: nothing stored


def test_asked_for_a_location_the_member_may_name_a_city_instead(chat, member, session):
    member.current_city = None
    session.commit()
    chat.say("附近有阳光驿站吗")
    assert names(chat.say("东莞"))[0] == "1. 东莞长安阳光驿站（同城）"
    assert dialog(session, chat.openid) is None


def test_a_location_sent_long_after_the_question_updates_the_destination_as_always(chat, member, session):
    member.current_city = None
    session.commit()
    chat.say("附近的阳光驿站")
    chat.advance(minutes=31)
    assert chat.location(22.5400, 114.0500, "广东省深圳市福田区福华路") == (
        "收到您的位置，已把流动去向更新为：广东 深圳 福田区。如有不对，直接把正确的发给我就行。\n"
        "离这里最近的阳光驿站：深圳龙华阳光驿站（约9.5公里），电话 0755-55500100。发“附近的阳光驿站”看地址和地图。")


def test_a_location_far_from_every_station_adds_no_line(chat, member):
    assert chat.location(29.6500, 91.1300, "西藏自治区拉萨市城关区") == (
        "收到您的位置，已把流动去向更新为：西藏 拉萨 城关区。如有不对，直接把正确的发给我就行。")


def test_unbound_followers_are_asked_for_a_city_or_a_location(make_chat, stations, session):
    stranger = make_chat("oKite_stranger")
    assert stranger.say("附近的阳光驿站") == ASK_WHERE
    assert stranger.say("帮助") == ASK_WHERE
    assert names(stranger.location(39.9000, 116.4000, "北京市东城区"))[0] == "1. 北京丰台阳光驿站（北京，约11公里）"
    assert stranger.location(39.9, 116.4, "北京市东城区").startswith("您还没有绑定党员身份。")  # not asked: as before
    assert stranger.say("成都有驿站吗").splitlines()[:2] == ["离成都最近的阳光驿站：", "1. 成都武侯阳光驿站（同城）"]
    assert stranger.say("附近的阳光驿站") == ASK_WHERE
    assert stranger.say("算了") == "好的，不找了。想找驿站时再发“附近的阳光驿站”。"
    assert dialog(session, "oKite_stranger") is None


def test_a_city_the_map_does_not_place_asks_for_a_location(make_chat, stations):
    assert make_chat("oKite_stranger").say("台北有驿站吗") == "台北暂时还没有阳光驿站。" + ASK_WHERE


def test_no_station_anywhere_gives_the_hotline_without_asking(make_chat):
    assert make_chat("oKite_stranger").say("附近的阳光驿站") == (
        f"阳光驿站还在筹建，目前还没有可以去的驿站。有事请拨打流动党员{HOTLINE}。")


@pytest.mark.parametrize("text", ["阳光驿站是干啥的", "驿站能帮我什么", "阳光驿站提供什么服务"])
def test_what_a_station_is_for(chat, member, text):
    assert chat.say(text) == (
        "阳光驿站是党组织为在外的流动党员设的服务站，离家在外也有个“娘家”：有难处可以去坐坐、问问，能歇脚、喝口水，也能找到人帮忙。\n"
        "驿站提供的服务有：政策咨询、临时歇脚、就业信息、法律援助、党员学习、组织关系接转、子女入学咨询、心理疏导等，"
        "各驿站不尽相同，去之前可以先打驿站的电话问问。\n"
        f"发“附近的阳光驿站”，我帮您找离您最近的驿站。有事也可以拨打流动党员{HOTLINE}。")


def test_what_a_station_is_for_before_any_lists_its_services(make_chat):
    assert "驿站一般提供政策咨询、临时歇脚、就业信息、法律援助和维权帮助等服务" in make_chat("oKite_stranger").say("驿站是干嘛的")


def test_many_long_stations_page_and_no_line_is_cut(chat, member, session):
    session.add_all(Station(name=f"深圳市龙华区民治街道第{i}社区党群服务中心流动党员阳光驿站暨新就业群体温馨服务站", province="广东",
                            city="深圳", address=f"深圳市龙华区民治街道示例社区第{i}工业园{i}栋一楼服务大厅东侧走廊尽头左手边",
                            hotline=f"0755-8888{i:04d}", hours="周一至周日 8:00-20:00（节假日照常）",
                            latitude=22.62 + i / 1000, longitude=114.04) for i in range(1, 31))
    session.commit()
    pages = [chat.say("附近的阳光驿站")]
    while "回复“更多”看下一页" in pages[-1]:
        pages.append(chat.say("更多"))
    assert len(pages) >= 2
    assert all(len(p.encode("utf-8")) <= wire.MAX_REPLY_BYTES for p in pages)
    lines = "\n".join(pages).splitlines()
    assert len([line for line in lines if line[:2] in ("1.", "2.", "3.")]) == 3
    assert all(line.endswith("coordinate=gaode") for line in lines if line.startswith("地图："))
    assert lines[-1] == f"有事也可以拨打流动党员{HOTLINE}。"


@pytest.mark.parametrize("km, said", [(0.04, "约100米"), (0.35, "约400米"), (0.96, "约1.0公里"), (3.44, "约3.4公里"),
                                      (9.96, "约10公里"), (56.4, "约56公里"), (1067.3, "约1067公里")])
def test_distances_are_said_as_people_say_them(km, said):
    assert distance_text(km) == said


def test_the_map_link_encodes_the_name():
    assert map_link("A&B 驿站", 22.5, 114.000001) == (
        "https://uri.amap.com/marker?position=114.000001,22.5&name=A%26B%20%E9%A9%BF%E7%AB%99"
        "&src=kiteline&coordinate=gaode")
