"""The member file (一人一档): "我的档案" in one message — details and last confirmation, liaison,
this month's study, open help requests, the transfer, and plainly what is not kept yet — and the
secretary's ``kiteline member show`` with the phone in full and every change."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from bot.cli import main
from handlers.replies import PASSIVE_REPLY_MAX_BYTES
from models.member_file import SECTIONS
from tests.conftest import CONFIG_FILE
from tests.factories import make_lesson, make_member
from tests.test_transfers import roster

pytestmark = pytest.mark.postgres

PLACEHOLDERS = ("【积分】还没有积分（发“积分”看怎么得积分）\n"
                "【党费】支部还没有在这里登记党费，交纳情况请问支部\n"
                "【组织生活】今年还没有组织生活记录\n"
                "【思想汇报】还没有交过（发“思想汇报”就能交）")
FOOTER = "信息有变化直接告诉我，例如“我现在在苏州”“电话换成13800005678”。"


def cli(db_url, *args):
    return CliRunner().invoke(main, ["--config", str(CONFIG_FILE), *args], env={"KITELINE_DATABASE__URL": db_url})


def test_my_file_in_one_message(chat, session):
    roster(session)
    make_lesson(session, title="家乡新变化：白杨村通了公交", category="news")
    session.commit()
    chat.say("学习")
    chat.say("学完了")
    chat.say("求助 老板拖欠了三个月工资")
    chat.say("我要转组织关系")
    chat.say("对")
    file = chat.say("我的档案")
    assert file == ("【张某的档案】\n"
                    "【基本信息】\n"
                    "所属党支部：白杨村党支部\n"
                    "状态：在外流动（2026年6月外出）\n"
                    "流动去向：浙江宁波\n"
                    "手机号：138****1234\n"
                    "最近核实：2026-11-29\n"
                    "【红色联络员】李某（电话 13900000001）\n"
                    "【联络员联系】还没有联系记录\n"
                    "【本月学习】本月收到 1 篇，学完 1 篇，打开 0 篇；最近一篇：《家乡新变化：白杨村通了公交》（2026-11-29）\n"
                    "【求助】Q20261129001 欠薪：等联络员处理\n"
                    "【组织关系转接】已申请转到浙江宁波（2026-11-29），待支部办理\n"
                    f"{PLACEHOLDERS}\n{FOOTER}")
    assert len(file.encode("utf-8")) <= PASSIVE_REPLY_MAX_BYTES


def test_a_new_month_a_settled_request_and_a_change_by_chat_show_in_the_file(chat, make_chat, session):
    roster(session)
    make_lesson(session, title="家乡新变化：白杨村通了公交", category="news")
    session.commit()
    chat.say("学习")
    chat.say("求助 老板拖欠了三个月工资")
    make_chat("oKite_liaison_0001").say("Q20261129001 已解决")
    chat.advance(days=5)  # 4 December
    chat.say("我现在在杭州")
    file = chat.say("我的档案")
    assert "流动去向：浙江杭州\n" in file
    assert "最近核实：2026-12-04\n" in file
    assert "【本月学习】本月还没有学习记录，发“学习”看今天的学习资料\n" in file
    assert "【求助】没有未办结的求助\n" in file
    assert "【联络员联系】2026-11-29 回复（李某）\n" in file  # the liaison's answer counts as contact
    assert "【组织关系转接】未申请（了解办法请发“转关系”）\n" in file


def test_the_file_gives_the_points_and_claims_waiting(chat, make_chat, session):
    roster(session)
    chat.say("过年回村参加了义务清扫")
    assert "【积分】还没有积分（发“积分”看怎么得积分）；1 件志愿服务申报待审核\n" in chat.say("我的档案")
    make_chat("oKite_liaison_0001").say("审核 H20261129001 通过")
    chat.advance(days=3)  # December
    assert "【积分】共 3 分，本月 0 分\n" in chat.say("我的档案")


def test_the_liaisons_latest_contacts_show_in_the_file_without_their_notes(chat, make_chat, session):
    roster(session)
    liaison = make_chat("oKite_liaison_0001")
    for said in ("联系 张某 电话聊了工作情况", "微信联系张某 问了孩子上学", "走访了张某", "联系 张某 说老板还欠两个月"):
        liaison.say(said)
        liaison.advance(days=1)
    file = chat.say("我的档案")
    assert ("【联络员联系】\n2026-12-02 电话（李某）\n2026-12-01 走访（李某）\n2026-11-30 微信（李某）\n"
            "【本月学习】") in file
    assert "老板" not in file


def test_every_section_has_a_title_and_a_key_of_its_own():
    assert len({s.key for s in SECTIONS}) == len(SECTIONS) == len({s.title for s in SECTIONS})


def test_member_show_prints_the_ledger_in_full_and_every_change(chat, session, db_url):
    roster(session)
    chat.say("我现在在杭州")
    chat.advance(hours=2)
    chat.say("手机号换成13800005678")
    chat.say("对")
    result = cli(db_url, "member", "show", "张某")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[:15] == [
        "【张某的档案】", "姓名：张某", "性别：未登记", "手机号：13800005678", "所属党支部：白杨村党支部",
        "入党时间：未登记", "状态：在外流动", "外出时间：2026-06-15", "外出原因：未登记", "流动去向：浙江杭州",
        "工作单位：未登记", "备注：未登记", "红色联络员：李某 13900000001", "微信：已绑定",
        "【红色联络员】李某（电话 13900000001）"]
    assert "【组织关系转接】未申请（了解办法请发“转关系”）" in lines
    assert "【积分】还没有积分（发“积分”看怎么得积分）" in lines
    assert not any(line.startswith("【基本信息】") for line in lines)  # the ledger above says it in full
    assert lines[-3:] == ["【变更记录】共 2 条（北京时间）",
                          "2026-11-29 09:00  流动去向（市）：宁波 → 杭州  （本人聊天）",
                          "2026-11-29 11:00  手机号：13800001234 → 13800005678  （本人聊天）"]


def test_member_show_by_phone_and_within_an_org(chat, session, db_url):
    roster(session)
    assert cli(db_url, "member", "show", "138-0000-1234").output.splitlines()[0] == "【张某的档案】"
    assert cli(db_url, "member", "show", "张某", "--org", "白杨村党支部").exit_code == 0
    assert cli(db_url, "member", "show", "张某", "--org", "沙河村党支部").exit_code == 2  # no such organisation


def test_an_ambiguous_name_lists_the_candidates_and_exits_2(chat, session, db_url):
    member = roster(session)
    make_member(session, member.branch, name="张某", phone="13800005678")
    make_member(session, member.branch, name="李某", phone="13800001234")  # one phone, two members
    session.commit()
    result = cli(db_url, "member", "show", "张某")
    assert result.exit_code == 2
    assert result.output.splitlines() == ["有2位党员叫“张某”，请用手机号再查：",
                                          "  张某  13800001234  白杨村党支部", "  张某  13800005678  白杨村党支部"]
    by_phone = cli(db_url, "member", "show", "138 0000 1234")
    assert by_phone.exit_code == 2
    assert by_phone.output.splitlines() == ["有2位党员登记了手机号 13800001234：",
                                            "  张某  13800001234  白杨村党支部", "  李某  13800001234  白杨村党支部"]
    nobody = cli(db_url, "member", "show", "钱某")
    assert nobody.exit_code == 2 and nobody.output == "没有找到“钱某”：请核对姓名或手机号。\n"
