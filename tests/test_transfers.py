"""Transfer of organisational relationship (组织关系转接): the guide sent once to a member away
six months at a settled place, the member's request confirmed and passed to the branch
secretary, the secretary's 转接办结 by chat or the CLI, the member told — and the report, the
ledger export and nobody else able to settle it."""
from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from bot.cli import main
from handlers.activity_review import USAGE as REVIEW_USAGE
from models.delivery.outbox import OutboxMessage
from models.ledger_export import HEADER, export_members
from models.ledger_files import read_table
from models.ledger_import import import_members
from models.member import Liaison
from models.transfers import TransferGuide, TransferRequest
from scheduler.jobs import send_transfer_guides
from tests.conftest import CONFIG_FILE
from tests.factories import make_branch, make_member

pytestmark = pytest.mark.postgres

MEMBER = "oKite_member_0001"
SECRETARY = "oKite_secretary_0001"
HOTLINE = "服务热线 0471-12345678（工作日 9:00-17:30）"
CONTACT = f"请联系白杨村党支部书记王某（电话 13700000001），也可以拨打{HOTLINE}。"
RULE = ("按照党员组织关系管理的规定，党员外出学习、工作、生活6个月以上并且"
        "地点相对固定的，原则上应当把组织关系转到所在地的党组织，方便就近参加组织生活、交纳党费。\n"
        "需要准备：\n"
        "1. 想转入的党组织：单位有党组织的转到单位党组织，没有的转到现居住地的街道（乡镇）或社区党组织，先问清对方的名称和联系电话；\n"
        "2. 本人身份证；\n"
        "3. 党费交到转出的当月。\n"
        "支部为您开具组织关系介绍信（或在全国党员管理信息系统网上转出），您按时到新的党组织报到。\n"
        f"办理{CONTACT}\n"
        "想办的话，回复“我要转组织关系”，我把申请转告支部。")
QUESTION = ("您要申请把组织关系转到浙江宁波吗？确认后我把申请转告支部书记王某，由支部为您办理。"
            "回复“对”确认，回复“不对”取消。")
NOTICE = ("【组织关系转接申请】白杨村党支部党员张某（电话 13800001234，2026年6月外出）申请把组织关系转到浙江宁波。"
          "请联系本人办理；办结后回复“转接办结 张某”，我会告诉本人。")
DONE_TEXT = ("您的组织关系转接（转到浙江宁波）支部已经办结。请按支部给您的介绍信或网上转接通知，按时到新的党组织报到；"
             "以后的组织生活、党费就在那边参加和交纳。有问题可以随时问我。")


def roster(session, secretary_bound: bool = True, **member_fields):
    """白杨村党支部: secretary 王某 (on the roster, bound unless told), liaison 李某, and 张某 away
    in 宁波 since 15 June 2026."""
    branch = make_branch(session)
    branch.secretary_name, branch.secretary_phone = "王某", "13700000001"
    make_member(session, branch, name="王某", phone="13700000001", status="home",
                openid=SECRETARY if secretary_bound else None)
    person = make_member(session, branch, name="李某", phone="13900000001", openid="oKite_liaison_0001", status="home")
    liaison = Liaison(member_id=person.id, branch_id=branch.id)
    session.add(liaison)
    session.flush()
    fields = {"away_since": dt.date(2026, 6, 15), "current_province": "浙江", "current_city": "宁波",
              "liaison_id": liaison.id, **member_fields}
    openid = fields.pop("openid", MEMBER)
    member = make_member(session, branch, name="张某", phone="13800001234", openid=openid, **fields)
    session.commit()
    return member


def inbox(app, openid: str) -> list[tuple[str, str]]:
    return [(m["channel"], m["text"]) for m in app.test_client().get(f"/sandbox/messages/{openid}").get_json()]


def cli(db_url, *args):
    return CliRunner().invoke(main, ["--config", str(CONFIG_FILE), *args], env={"KITELINE_DATABASE__URL": db_url})


def requests(session):
    session.expire_all()
    return [(r.member.name, r.destination, r.status, r.done_by) for r in session.scalars(select(TransferRequest))]


# -- the guide, once, after six months ------------------------------------------------------------

def test_the_guide_goes_once_after_six_months_not_before_and_not_twice(chat, session, app, send, job_runtime):
    roster(session)
    chat.advance(days=15)  # 14 December: six months less a day since 15 June
    chat.say("你好")
    assert send_transfer_guides() == 0
    chat.advance(days=1)  # 15 December: six months
    assert send_transfer_guides() == 1
    assert send_transfer_guides() == 0  # the job runs again the same day: nothing twice
    assert send() == 1
    assert inbox(app, MEMBER) == [("custom", f"【组织关系转接提醒】您外出已经6个月，现在在宁波。{RULE}")]
    chat.advance(days=30)
    assert send_transfer_guides() == 0
    assert send() == 0
    assert len(inbox(app, MEMBER)) == 1


def test_a_member_silent_for_days_gets_the_guide_with_their_next_message(chat, session, app, send, job_runtime):
    roster(session)
    chat.advance(days=16)  # the member has not written since binding: the window is closed
    assert send_transfer_guides() == 1
    assert send() == 0
    assert inbox(app, MEMBER) == []
    session.expire_all()
    assert session.scalar(select(OutboxMessage.status).where(OutboxMessage.purpose == "transfer_guide")) == "deferred"
    chat.say("在吗")
    send()
    assert inbox(app, MEMBER)[-1] == ("custom", f"【组织关系转接提醒】您外出已经6个月，现在在宁波。{RULE}")


def test_a_guide_still_waiting_when_the_member_moves_is_not_sent_and_the_next_day_names_the_new_city(
        chat, session, app, send, job_runtime):
    """The guide waited (window closed) saying 苏州; the member's next message says they are in
    无锡 now: the guide about 苏州 is never sent, and the next day's run sends one naming 无锡."""
    roster(session, current_province="江苏", current_city="苏州")
    chat.advance(days=16)
    assert send_transfer_guides() == 1
    assert send() == 0
    assert chat.say("换了 现在在无锡").startswith("已为您更新")
    send()
    assert not any("苏州" in text for _, text in inbox(app, MEMBER))
    assert not any("【组织关系转接提醒】" in text for _, text in inbox(app, MEMBER))
    chat.advance(days=1)
    assert send_transfer_guides() == 1
    assert send() == 1
    assert inbox(app, MEMBER)[-1] == ("custom", f"【组织关系转接提醒】您外出已经6个月，现在在无锡。{RULE}")
    chat.advance(days=1)
    assert send_transfer_guides() == 0  # once again, as before


def test_a_move_after_the_guide_went_out_changes_nothing_about_it(chat, session, app, send, job_runtime):
    roster(session, current_province="江苏", current_city="苏州")
    chat.advance(days=16)
    chat.say("你好")
    assert send_transfer_guides() == 1
    assert send() == 1
    chat.say("现在在无锡")
    chat.advance(days=1)
    assert send_transfer_guides() == 0  # they had it: not again for the new city
    assert [text for _, text in inbox(app, MEMBER) if "【组织关系转接提醒】" in text] == [
        f"【组织关系转接提醒】您外出已经6个月，现在在苏州。{RULE}"]


@pytest.mark.parametrize("fields", [
    {"current_city": None, "current_province": None},  # no settled place on file
    {"status": "returned"},  # came home for good
    {"openid": None},  # not bound: nobody to send it to (the job tries again daily)
], ids=["no-city", "returned", "unbound"])
def test_no_guide_without_a_settled_place_or_a_wechat(chat, session, job_runtime, fields):
    roster(session, **fields)
    chat.advance(days=400)
    assert send_transfer_guides() == 0
    assert session.scalar(select(func.count()).select_from(TransferGuide)) == 0


def test_a_member_who_already_asked_gets_no_reminder(chat, session, job_runtime):
    roster(session)
    chat.say("我要转组织关系")
    chat.say("对")
    chat.advance(days=30)
    assert send_transfer_guides() == 0


# -- asking, requesting, the secretary told ---------------------------------------------------------

def test_asking_about_it_gets_the_same_guide(chat, session):
    roster(session)
    assert chat.say("转关系") == f"【组织关系转接】您外出已经5个月，现在在宁波。{RULE}"
    assert requests(session) == []


def test_a_request_confirmed_reaches_the_bound_secretary(chat, make_chat, session, app, send):
    roster(session)
    make_chat(SECRETARY).say("你好")
    assert chat.say("我要转组织关系") == QUESTION
    assert requests(session) == []  # nothing recorded before the member confirms
    assert chat.say("对") == ("已登记您的组织关系转接申请（转到浙江宁波），并转告了支部书记王某。"
                             f"支部会联系您办理；着急的话，{CONTACT}")
    assert requests(session) == [("张某", "浙江宁波", "requested", None)]
    send()
    assert inbox(app, SECRETARY) == [("custom", NOTICE)]
    assert chat.say("我要转组织关系") == ("您已经申请把组织关系转到浙江宁波（2026-11-29），支部正在办理。"
                                       f"着急的话，{CONTACT}")
    assert len(requests(session)) == 1


def test_the_place_named_in_the_request_is_read_back_and_another_replaces_it(chat, session):
    roster(session, current_city=None, current_province=None)
    assert chat.say("我要转组织关系") == "想把组织关系转到哪个城市？请连城市一起发，例如“我要把组织关系转到宁波”。"
    assert chat.say("想把关系转到宁波").startswith("您要申请把组织关系转到浙江宁波吗？")
    assert chat.say("转到杭州吧").startswith("您要申请把组织关系转到浙江杭州吗？")
    assert chat.say("不对") == "好的，转接申请没有提交。以后想办，随时发“我要转组织关系”。"
    assert requests(session) == []


@pytest.mark.parametrize("said, on_file", [("想把关系转到宁波", {}), ("想把关系转到浙江宁波", {}),
                                           ("我要转组织关系", {"current_province": None})])
def test_a_destination_is_stored_with_its_province_however_it_was_named(chat, session, said, on_file):
    roster(session, **on_file)
    assert chat.say(said).startswith("您要申请把组织关系转到浙江宁波吗？")
    chat.say("对")
    assert requests(session) == [("张某", "浙江宁波", "requested", None)]


def test_with_no_secretary_on_wechat_the_request_waits_in_the_report(chat, session, db_url):
    roster(session, secretary_bound=False)
    chat.say("我要转组织关系")
    assert chat.say("对").startswith("已登记您的组织关系转接申请（转到浙江宁波），支部会在转接名单里看到。")
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(OutboxMessage)
                          .where(OutboxMessage.purpose == "transfer_notice")) == 0
    result = cli(db_url, "report", "transfers", "--org", "白杨村党支部")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "组织关系转接申请（白杨村党支部，1 条，日期为北京时间）"
    assert lines[2].split() == ["2026-11-29", "白杨村党支部", "张某", "138****1234", "浙江宁波",
                                "已申请，待支部办理", "书记未收到微信通知，请电话联系书记"]
    assert "13800001234" not in result.output
    assert cli(db_url, "report", "transfers", "--org", "沙河村党支部").exit_code == 2


# -- settled: 转接办结 by the secretary, or the CLI -------------------------------------------------

def test_the_secretary_marks_it_done_and_the_member_is_told(chat, make_chat, session, app, send):
    roster(session)
    secretary = make_chat(SECRETARY)
    secretary.say("你好")
    chat.say("我要转组织关系")
    chat.say("对")
    chat.advance(days=3)
    chat.say("你好")
    assert secretary.say("转接办结 张某") == "已把张某的组织关系转接（转到浙江宁波）标为办结，并告诉了张某。"
    assert requests(session) == [("张某", "浙江宁波", "done", "王某")]
    send()
    assert inbox(app, MEMBER)[-1] == ("custom", DONE_TEXT)
    assert secretary.say("转接办结 张某") == "张某的组织关系转接已经办结过了，不用再发。"
    assert chat.say("转关系").startswith("您的组织关系转接（转到浙江宁波）已于2026-12-02办结。\n【组织关系转接】")


def test_a_secretarys_help_lists_the_command_and_a_members_does_not(chat, make_chat, session):
    roster(session)
    usage = "转接办结 姓名 —— 党员的组织关系转接已办结（同名的加手机号后四位，如“转接办结 张某 1234”）"
    assert f"· {usage}" in make_chat(SECRETARY).say("帮助")
    assert "转接办结" not in chat.say("帮助")


def test_a_member_who_is_no_secretary_is_refused(chat, make_chat, session):
    roster(session)
    chat.say("我要转组织关系")
    chat.say("对")
    assert make_chat("oKite_liaison_0001").say("转接办结 张某") == (
        "“转接办结”是支部书记办结组织关系转接用的。您自己想转组织关系，请发“我要转组织关系”；想了解办法，发“转关系”。")
    assert requests(session) == [("张某", "浙江宁波", "requested", None)]


def test_another_branchs_secretary_cannot_settle_it(chat, make_chat, session):
    roster(session)
    chat.say("我要转组织关系")
    chat.say("对")
    other = make_branch(session, name="沙河村党支部", township="黄河镇", district="别的区")
    other.secretary_name, other.secretary_phone = "赵某", "13700000002"
    make_member(session, other, name="赵某", phone="13700000002", openid="oKite_secretary_0002", status="home")
    session.commit()
    assert make_chat("oKite_secretary_0002").say("转接办结 张某") == (
        "您负责的支部里没有张某待办的组织关系转接申请，请核对姓名。党员在微信里发“我要转组织关系”并确认后，申请才会到您这里。")
    assert requests(session)[0][2] == "requested"


def test_two_members_of_one_name_are_told_apart_by_their_phone(chat, make_chat, session):
    member = roster(session)
    namesake = make_member(session, member.branch, name="张某", phone="13800005678", openid="oKite_member_0002",
                           current_city="杭州", current_province="浙江")
    session.commit()
    chat.say("我要转组织关系")
    chat.say("对")
    other = make_chat(namesake.openid)
    other.say("我要转组织关系")
    other.say("对")
    secretary = make_chat(SECRETARY)
    assert secretary.say("转接办结 张某") == (
        "有2位张某申请了转接（138****1234、138****5678），请加上手机号后四位再发，例如“转接办结 张某 1234”。")
    assert secretary.say("转接办结 张某 5678") == "已把张某的组织关系转接（转到浙江杭州）标为办结，并告诉了张某。"
    assert sorted(requests(session)) == [("张某", "浙江宁波", "requested", None), ("张某", "浙江杭州", "done", "王某")]


def test_the_cli_marks_it_done_by_name_or_phone(chat, session, db_url):
    roster(session)
    chat.say("我要转组织关系")
    chat.say("对")
    assert cli(db_url, "transfer", "done", "李某").exit_code == 2  # no open request
    result = cli(db_url, "transfer", "done", "138 0000 1234")
    assert result.exit_code == 0, result.output
    assert result.output == "已把张某（白杨村党支部）的组织关系转接（转到浙江宁波）标为办结，已通过微信告诉本人。\n"
    assert requests(session) == [("张某", "浙江宁波", "done", "命令行")]
    # queued for the member (the CLI runs on the wall clock, so the test's dispatcher would find
    # it not yet due: the row is what the dispatcher sends)
    told = session.scalar(select(OutboxMessage).where(OutboxMessage.purpose == "transfer_done"))
    assert (told.openid, told.payload["content"]) == (MEMBER, DONE_TEXT)
    listed = cli(db_url, "report", "transfers").output.splitlines()[2].split()
    assert listed[:6] == ["2026-11-29", "白杨村党支部", "张某", "138****1234", "浙江宁波", "已办结"]
    assert listed[-1].endswith("由命令行办结")  # on the date the CLI ran
    unknown = cli(db_url, "transfer", "done", "钱某")
    assert unknown.exit_code == 2 and "没有找到“钱某”" in unknown.output


def test_the_export_shows_the_request_and_the_import_passes_it_over(chat, session, tmp_path):
    roster(session)
    chat.say("我要转组织关系")
    chat.say("对")
    export_members(session, tmp_path / "台账.xlsx", org_ids=None, title="台账", now=chat.clock.now())
    rows = read_table(tmp_path / "台账.xlsx")
    zhang = next(r for r in rows[2:] if r[1] == "张某")
    assert zhang[HEADER.index("组织关系转接")] == "已申请：转到浙江宁波（2026-11-29）"
    report = import_members(session, rows, district="示例区", create_orgs=False, now=chat.clock.now(),
                            changed_by="台账.xlsx")
    assert report.summary() == "导入完成：新增 0 人，更新 0 人，无变化 3 人；有问题的行 0 行（未导入）。"
    assert report.unused_columns == []


def test_through_the_sandbox_clock_the_guide_is_queued_once_when_six_months_are_up(app, session):
    roster(session)
    api = app.test_client()

    def move_to(when: str) -> list[str]:
        resp = api.post("/sandbox/clock", json={"set": when})
        assert resp.status_code == 200, resp.get_data(as_text=True)
        return [r["job"] for r in resp.get_json()["ran"]]

    def guides() -> list[tuple[str, str]]:
        session.expire_all()
        return [(row.purpose, row.status) for row in session.scalars(
            select(OutboxMessage).where(OutboxMessage.purpose == "transfer_guide"))]

    assert "transfer_guide" in move_to("2026-12-14T11:00:00+08:00")
    assert guides() == []  # six months less a day
    assert "transfer_guide" in move_to("2026-12-15T11:00:00+08:00")
    # the member last wrote weeks ago: it waits for their next message
    assert guides() == [("transfer_guide", "deferred")]
    assert "transfer_guide" in move_to("2026-12-20T11:00:00+08:00")
    assert guides() == [("transfer_guide", "deferred")]


# -- the secretary's own words -------------------------------------------------------------------

def test_the_command_without_a_name_gets_its_usage(chat, make_chat, session):
    roster(session)
    assert make_chat(SECRETARY).say("转接办结") == (
        "请在“转接办结”后面加上党员姓名，例如：转接办结 张某；同名时加手机号后四位：转接办结 张某 1234。")
    assert chat.say("转接办结").startswith("“转接办结”是支部书记办结组织关系转接用的。")


def test_the_guide_for_the_secretary_does_not_name_himself(make_chat, session):
    member = roster(session)
    secretary = make_chat(SECRETARY)
    reply = secretary.say("转关系")
    assert "王某" not in reply
    assert f"办理请拨打{HOTLINE}。" in reply
    township = member.branch.parent
    township.secretary_name, township.secretary_phone = "孙某", "13700000009"
    session.commit()
    assert f"办理请联系红柳镇联系人孙某（电话 13700000009），也可以拨打{HOTLINE}。" in secretary.say("转关系")


def test_a_secretary_who_binds_learns_the_command(make_chat, session):
    branch = make_branch(session)
    branch.secretary_name, branch.secretary_phone = "王某", "13700000001"
    make_member(session, branch, name="王某", phone="13700000001", status="home")
    session.commit()
    reply = make_chat(SECRETARY).say("绑定 王某 13700000001")
    assert reply.startswith("绑定成功！王某您好，您是白杨村党支部的党员。")
    assert f"\n作为支部书记，您还可以发：\n· {REVIEW_USAGE}\n· 阅 " in reply and "\n· 我的工单" in reply
    assert ("\n· 转接办结 姓名 —— 党员的组织关系转接已办结"
            "（同名的加手机号后四位，如“转接办结 张某 1234”）") in reply
