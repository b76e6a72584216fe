"""我的积分 (the member's own points: balance, this month, the newest entries, how to earn more),
积分排名 (the branches' totals, never a ranking of people) and ``kiteline report points``."""
from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from click.testing import CliRunner

from bot.cli import main
from models.clock import SHANGHAI
from models.points import ActivityClaim, PointsEntry
from tests.conftest import CONFIG_FILE
from tests.factories import make_branch, make_member

pytestmark = pytest.mark.postgres

HOW = ("怎么得积分：\n· 学习：每打开一篇新的学习资料得 1 分，每天最多 5 分\n"
       "· 组织生活：参加三会一课、主题党日等组织生活，每次得 5 分\n"
       "· 志愿服务：做了好事直接发给我（如“过年回村参加了义务清扫”），联络员审核通过后每次得 3 分，每月最多 15 分\n"
       "· 思想汇报：交一篇思想汇报得 5 分，每月最多 5 分\n积分不公开个人排名，发“积分排名”可以看各支部的积分。")


def bj(month: int, day: int, hour: int = 9, year: int = 2026) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=SHANGHAI).astimezone(dt.UTC)


@pytest.fixture
def district(session):
    """红柳镇: 白杨村党支部 (张某 with points, 李某) and 红星村党支部 (赵某); 青山镇's 河西村党支部 (钱某)."""
    baiyang = make_branch(session)
    hongxing = make_branch(session, name="红星村党支部")
    hongxing.parent = baiyang.parent
    hexi = make_branch(session, name="河西村党支部", township="青山镇")
    zhang = make_member(session, baiyang, name="张某", phone="13800001234", openid="oKite_member_0001")
    li = make_member(session, baiyang, name="李某", phone="13800001235")
    zhao = make_member(session, hongxing, name="赵某", phone="13800001236")
    qian = make_member(session, hexi, name="钱某", phone="13800001237")

    def entry(member, rule, source, delta, at, kind="lesson"):
        session.add(PointsEntry(member_id=member.id, rule=rule, source_kind=kind, source_id=source, delta=delta,
                                created_at=at))

    entry(zhang, "study", 1, 1, bj(10, 30))
    entry(zhang, "org_life", 1, 5, bj(11, 2), kind="meeting")
    entry(zhang, "study", 2, 1, bj(11, 20))
    entry(zhang, "activity", 1, 3, bj(11, 25), kind="activity_claim")
    entry(zhang, "correction", 1, -1, bj(11, 26), kind="entry")
    entry(li, "study", 2, 1, bj(11, 21))
    entry(zhao, "org_life", 1, 5, bj(11, 2), kind="meeting")
    entry(zhao, "org_life", 2, 5, bj(11, 16), kind="meeting")
    entry(qian, "thought_report", 1, 5, bj(11, 3), kind="thought_report")
    session.add(ActivityClaim(number="H20261128001", member_id=zhang.id, text="帮邻居修了房顶", status="pending",
                              created_at=bj(11, 28)))
    session.commit()
    return zhang


def test_my_points_are_a_sum_with_this_month_the_newest_entries_and_how_to_earn_more(chat, district):
    assert chat.say("我的积分") == (
        "您现在共有 9 分，本月（11月）得了 8 分：学习 1 分、组织生活 5 分、志愿服务 3 分、积分更正 -1 分。\n"
        "最近的积分：\n· 11月26日 积分更正 -1 分\n· 11月25日 志愿服务 +3 分\n· 11月20日 学习 +1 分\n"
        "· 11月2日 组织生活 +5 分\n· 10月30日 学习 +1 分\n"
        "还有 1 件志愿服务申报在等审核（H20261128001），审核通过后记入积分。\n" + HOW)


def test_a_member_without_points_is_told_how_to_earn_them(make_chat, session, district):
    make_member(session, district.branch, name="周某", phone="13800001239", openid="oKite_member_0009")
    session.commit()
    assert make_chat("oKite_member_0009").say("积分怎么算") == "您现在还没有积分。\n" + HOW


@pytest.mark.parametrize("text", ["积分排名", "我的积分排第几", "排行榜", "我们支部排第几"])
def test_a_ranking_is_of_branches_never_of_people(chat, district, text):
    assert chat.say(text) == (
        "积分不排个人名次：每个人的积分只有自己看得到，大家一起为支部争光。\n红柳镇各支部11月的积分：\n"
        "· 红星村党支部：10 分（1 名党员）\n· 白杨村党支部（您的支部）：9 分（2 名党员）\n"
        "您自己的积分，发“我的积分”查看。")


def run(db_url, *args):
    result = CliRunner().invoke(main, ["--config", str(CONFIG_FILE), "report", "points", *args],
                                env={"KITELINE_DATABASE__URL": db_url})
    assert result.exit_code == 0, result.output
    return result.output.splitlines()


HEADER = "党支部                  党员  有积分的党员  学习  组织生活  志愿服务  思想汇报  积分更正  合计  待审核申报"


def test_the_report_gives_branch_and_rule_totals(district, db_url, tmp_path):
    assert run(db_url) == [
        "积分情况（全部时间，全部党组织）", HEADER,
        "红柳镇白杨村党支部      2     2             3     5         3         0         -1        10    1",
        "红柳镇红星村党支部      1     1             0     10        0         0         0         10    0",
        "青山镇河西村党支部      1     1             0     0         0         5         0         5     0",
        "合计                    4     4             3     15        3         5         -1        25    1",
        "加 --xlsx 文件名 导出每位党员的积分明细。",
    ]
    path = tmp_path / "积分.xlsx"
    lines = run(db_url, "--month", "2026-10", "--org", "红柳镇", "--xlsx", str(path))
    assert lines == [
        "积分情况（2026年10月，红柳镇）", HEADER,
        "红柳镇白杨村党支部      2     1             1     0         0         0         0         1     1",
        "红柳镇红星村党支部      1     0             0     0         0         0         0         0     0",
        "合计                    3     1             1     0         0         0         0         1     1",
        f"已写入 {path}（含党员明细）。",
    ]
    book = openpyxl.load_workbook(path)
    assert list(book["支部汇总"].values)[1:] == [
        ("党支部", "党员", "有积分的党员", "学习", "组织生活", "志愿服务", "思想汇报", "积分更正", "合计", "待审核申报"),
        ("红柳镇白杨村党支部", 2, 1, 1, 0, 0, 0, 0, 1, 1), ("红柳镇红星村党支部", 1, 0, 0, 0, 0, 0, 0, 0, 0),
        ("合计", 3, 1, 1, 0, 0, 0, 0, 1, 1)]
    assert list(book["党员明细"].values) == [
        ("党支部", "姓名", "手机号", "学习", "组织生活", "志愿服务", "思想汇报", "积分更正", "合计"),
        ("红柳镇白杨村党支部", "张某", "138****1234", 1, 0, 0, 0, 0, 1),
        ("红柳镇白杨村党支部", "李某", "138****1235", 0, 0, 0, 0, 0, 0),
        ("红柳镇红星村党支部", "赵某", "138****1236", 0, 0, 0, 0, 0, 0)]
