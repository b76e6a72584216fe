"""我的信息: what is on file for the member (phone masked), when they last confirmed it, the last few
changes with who made them, and how to change it. And who: every path that changes a member —
chat, binding, the ledger import — leaves the change's author in the history."""
import datetime as dt

import pytest
from click.testing import CliRunner
from openpyxl import Workbook
from sqlalchemy import select

from bot.cli import main
from models.member import Liaison, Member, MemberChange
from tests.conftest import CONFIG_FILE
from tests.factories import make_branch, make_member

ME = "oKite_member_0001"
HOW = ("要修改，请发“更新信息”，我一项一项问您；也可以直接说，"
       "例如“我现在在宁波”“在顺丰物流上班了”“去年3月出来的”。")


@pytest.fixture
def member(session):
    branch = make_branch(session)
    person = make_member(session, branch, name="李某", phone="13900000001", status="home")
    liaison = Liaison(member_id=person.id, branch_id=branch.id)
    session.add(liaison)
    session.flush()
    m = make_member(session, branch, name="张某", phone="13800001234", openid=ME, liaison_id=liaison.id,
                    current_province="广东", current_city="深圳", employer="电子厂", away_reason="work",
                    away_since=dt.date(2023, 3, 1))
    session.commit()
    return m


@pytest.mark.postgres
def test_my_info_shows_the_record_its_confirmation_and_how_to_change_it(chat, member):
    assert chat.say("我的信息") == "\n".join([
        "张某，您登记的信息是：", "流动去向：广东 深圳", "手机号：138****1234", "工作单位：电子厂", "外出原因：务工",
        "外出时间：2023年3月", "状态：在外流动", "红色联络员：李某（电话 13900000001）",
        "最近一次确认：2026年11月29日", HOW])


def test_the_last_few_changes_show_with_who_made_them(chat, session, member):
    chat.say("我现在在苏州")
    chat.advance(days=2)
    chat.say("手机号换成13712345678")
    chat.say("对")
    chat.advance(days=3)
    chat.say("换到富士康了")
    chat.advance(days=1)
    chat.say("我是出来做生意的")
    chat.advance(days=1)
    reply = chat.say("查看我的信息")
    assert reply.endswith("\n".join([
        "手机号：137****5678", "工作单位：富士康", "外出原因：经商", "外出时间：2023年3月", "状态：在外流动",
        "红色联络员：李某（电话 13900000001）", "最近一次确认：2026年12月5日", "最近的修改：",
        "· 2026年12月5日 外出原因：务工 → 经商（本人（微信））",
        "· 2026年12月4日 工作单位：电子厂 → 富士康（本人（微信））",
        "· 2026年12月1日 手机号：138****1234 → 137****5678（本人（微信））", HOW]))
    assert "13712345678" not in reply  # the phone masked, in the record and the history


@pytest.mark.parametrize("asked", ["我的信息", "查看我的信息", "我登记的信息是啥", "看看我的信息", "我的登记信息对不对"])
def test_the_ways_members_ask(chat, member, asked):
    assert chat.say(asked).startswith("张某，您登记的信息是：")


@pytest.mark.parametrize("change", ["我的信息要改一下 住址变了", "修改信息", "更新信息"])
def test_asking_to_change_is_no_asking_to_see(chat, member, change):
    assert chat.say(change).startswith("好的，我们一项一项更新")


def test_the_menu_button_shows_it(chat, member):
    assert chat.click("MY_INFO").startswith("张某，您登记的信息是：\n流动去向：广东 深圳")


def test_a_place_the_list_does_not_know_is_shown_as_flagged(chat, session, member):
    member.current_province, member.current_city, member.place_unlisted = None, "白杨镇", True
    session.commit()
    assert "流动去向：白杨镇（“白杨镇”不在我们的地名表里，已照您写的登记，支部会核实。）" in chat.say("我的信息")


def test_a_member_never_bound_nor_changed_has_no_confirmation(session, settings, clock):
    from handlers.context import Context, Incoming
    from handlers.my_info import handle
    from models.follower import Follower

    m = make_member(session, make_branch(session), name="王某", phone="13800005555")
    ctx = Context(session=session, settings=settings, clock=clock, follower=Follower(openid="x"), member=m)
    text = handle(Incoming(openid="x", msg_type="text", created_at=clock.now(), text="我的信息"), ctx).text
    assert "最近一次确认：还没有确认过" in text and "红色联络员：还没有安排" in text and "最近的修改" not in text


def test_an_unbound_follower_is_asked_to_bind(make_chat):
    assert make_chat("oKite_stranger").say("我的信息").startswith("您还没有绑定党员身份。")


def test_binding_and_unfollowing_record_the_wechat_that_did_it(make_chat, session):
    make_member(session, make_branch(session), name="张某", phone="13800001234")
    session.commit()
    follower = make_chat("oKite_new_0001")
    follower.say("绑定 张某 13800001234")
    follower.unfollow()
    session.expire_all()
    assert [(c.field, c.new_value, c.source, c.changed_by) for c in session.scalars(select(MemberChange))] == [
        ("openid", "oKite_new_0001", "chat", "oKite_new_0001"), ("openid", None, "chat", "oKite_new_0001")]


def _ledger(path, employer, liaison="李某 13900000001"):
    book = Workbook()
    sheet = book.active
    sheet.append(["姓名", "手机号", "所属党支部", "工作单位", "红色联络员"])
    sheet.append(["张某", "13800001234", "红柳镇白杨村党支部", employer, liaison])
    book.save(path)


def test_an_import_names_its_file_as_who_changed_the_member(db_url, tmp_path, session, chat):
    first, second = tmp_path / "白杨村台账.xlsx", tmp_path / "白杨村台账（核对后）.xlsx"
    _ledger(first, "电子厂")
    _ledger(second, "富士康", liaison="王某 13900000002")
    env = {"KITELINE_DATABASE__URL": db_url}
    for path in (first, second):
        result = CliRunner().invoke(main, ["--config", str(CONFIG_FILE), "import", "members", str(path),
                                           "--create-orgs"], env=env)
        assert result.exit_code == 0, result.output
    session.expire_all()
    rows = [(c.field, c.old_value, c.new_value, c.source, c.changed_by) for c in session.scalars(
        select(MemberChange).join(Member, Member.id == MemberChange.member_id).where(Member.name == "张某"))]
    assert [r[0] for r in rows] == ["employer", "liaison_id"]
    assert rows[0] == ("employer", "电子厂", "富士康", "import", "白杨村台账（核对后）.xlsx")
    assert rows[1][3:] == ("import", "白杨村台账（核对后）.xlsx")
    zhang = session.scalar(select(Member).where(Member.name == "张某"))
    zhang.openid = ME
    session.commit()
    show = CliRunner().invoke(main, ["--config", str(CONFIG_FILE), "member", "show", "张某"], env=env)
    assert show.exit_code == 0, show.output
    assert [line[18:] for line in show.output.splitlines()[-2:]] == [  # after the Beijing time
        "工作单位：电子厂 → 富士康  （台账导入 白杨村台账（核对后）.xlsx）",
        "红色联络员：李某 → 王某  （台账导入 白杨村台账（核对后）.xlsx）"]
    # (the CLI runs on the real clock: the day is today's)
    assert "工作单位：电子厂 → 富士康；红色联络员：李某 → 王某（台账导入（白杨村台账（核对后）.xlsx））\n" in chat.say("我的信息")
