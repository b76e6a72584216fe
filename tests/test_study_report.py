"""``kiteline report study``: a month's study per branch and member, as a secretary reads it.

A small fictional district: in 白杨村党支部 张某明 reads most of what he gets (and says he finished
one), 李某 gets lessons but opens none this month, 王某 never bound WeChat; in 红星村党支部 赵某 reads
around midnight at the month's edges (Beijing time decides the month)."""
from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from click.testing import CliRunner

from bot.cli import main
from models.clock import SHANGHAI
from models.lesson import StudyRecord
from models.org import Organization
from models.points import PointsEntry
from tests.conftest import CONFIG_FILE
from tests.factories import make_lesson, make_member

pytestmark = pytest.mark.postgres


def bj(month: int, day: int, hour: int = 9, minute: int = 0, year: int = 2026) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI).astimezone(dt.UTC)


def study(session, member, lesson, delivered, opened=None, last=None, points=0, completed=None) -> None:
    """A study record; the points its first opening earned are the lesson's study entry in the ledger."""
    session.add(StudyRecord(member_id=member.id, lesson_id=lesson.id, source="schedule", delivered_at=delivered,
                            opened_at=opened, last_opened_at=last or opened, opens=(opened is not None) + (last is not None),
                            completed_at=completed))
    if points:
        session.add(PointsEntry(member_id=member.id, delta=points, rule="study", source_kind="lesson",
                                source_id=lesson.id, created_at=opened))


@pytest.fixture
def district(session):
    d = Organization(name="示例区", kind="district")
    town = Organization(name="红柳镇", kind="township", parent=d)
    baiyang = Organization(name="白杨村党支部", kind="branch", parent=town)
    hongxing = Organization(name="红星村党支部", kind="branch", parent=town)
    session.add_all([d, town, baiyang, hongxing])
    session.flush()
    zhang = make_member(session, baiyang, name="张某明", phone="13800001234", openid="oKite_demo_0001")
    li = make_member(session, baiyang, name="李某", phone="13800001235", openid="oKite_demo_0002")
    make_member(session, baiyang, name="王某", phone="13800001236")
    zhao = make_member(session, hongxing, name="赵某", phone="13800001237", openid="oKite_demo_0004")
    l0, l1, l2, l3 = (make_lesson(session, title=f"第{n}课") for n in range(4))
    # 张某明: three lessons in December, two opened (1 point each); a November lesson opened again
    study(session, zhang, l0, bj(11, 28), bj(11, 28, 20), last=bj(12, 10, 21), points=1)
    study(session, zhang, l1, bj(12, 1, 8, 30), bj(12, 1, 9), points=1, completed=bj(12, 1, 9, 20))
    study(session, zhang, l2, bj(12, 2, 8, 30), bj(12, 5, 20), points=1)
    study(session, zhang, l3, bj(12, 3, 8, 30))
    # 李某: two in December, none opened; read one in November
    study(session, li, l0, bj(11, 20), bj(11, 20, 12), points=1)
    study(session, li, l1, bj(12, 1, 8, 30))
    study(session, li, l2, bj(12, 2, 8, 30))
    # 赵某: opened at 23:30 on 30 November and at 00:30 on 1 December (both 30 November in UTC);
    # one delivered at 23:50 on 31 December is opened on New Year's Day
    study(session, zhao, l0, bj(11, 30, 8, 30), bj(11, 30, 23, 30), points=1)
    study(session, zhao, l1, bj(12, 1, 0, 10), bj(12, 1, 0, 30), points=1)
    study(session, zhao, l2, bj(12, 31, 23, 50), bj(1, 1, 0, 10, year=2027), points=1)
    session.commit()


def run(db_url, *args):
    result = CliRunner().invoke(main, ["--config", str(CONFIG_FILE), "report", "study", *args],
                                env={"KITELINE_DATABASE__URL": db_url})
    assert result.exit_code == 0, result.output
    return result.output.splitlines()


def test_a_month_per_branch_and_member_with_the_follow_up_list(district, db_url, tmp_path):
    lines = run(db_url, "--month", "2026-12", "--xlsx", str(tmp_path / "学习.xlsx"))
    assert lines == [
        "学习情况（2026年12月，全部党组织）",
        "党支部                  党员  已绑定微信  收到(篇)  打开(篇)  学完(篇)  学习积分  有学习  没学习",
        "红柳镇白杨村党支部      3     2           5         3         1         2         1       2",
        "红柳镇红星村党支部      1     1           2         1         0         1         1       0",
        "合计                    4     3           7         4         1         3         2       2",
        "本月没有学习的党员 2 人。已写入 " + str(tmp_path / "学习.xlsx") + "（含党员明细和未学习名单）。",
    ]
    book = openpyxl.load_workbook(tmp_path / "学习.xlsx")
    summary = book["支部汇总"]
    assert summary.freeze_panes == "A3" and summary.column_dimensions["A"].width == 30
    assert list(summary.values)[1:] == [
        ("党支部", "党员", "已绑定微信", "收到(篇)", "打开(篇)", "学完(篇)", "学习积分", "有学习", "没学习"),
        ("红柳镇白杨村党支部", 3, 2, 5, 3, 1, 2, 1, 2), ("红柳镇红星村党支部", 1, 1, 2, 1, 0, 1, 1, 0),
        ("合计", 4, 3, 7, 4, 1, 3, 2, 2)]
    assert book["党员明细"].freeze_panes == "A2"
    assert list(book["党员明细"].values) == [
        ("党支部", "姓名", "手机号", "微信", "本月收到(篇)", "本月打开(篇)", "本月学完(篇)", "本月学习积分", "最近学习日期"),
        ("红柳镇白杨村党支部", "张某明", "138****1234", "已绑定", 3, 3, 1, 2, dt.datetime(2026, 12, 10)),
        ("红柳镇白杨村党支部", "李某", "138****1235", "已绑定", 2, 0, 0, 0, dt.datetime(2026, 11, 20)),
        ("红柳镇白杨村党支部", "王某", "138****1236", "未绑定", 0, 0, 0, 0, "从未学习"),
        ("红柳镇红星村党支部", "赵某", "138****1237", "已绑定", 2, 1, 0, 1, dt.datetime(2026, 12, 1))]
    assert list(book["未学习名单"].values) == [
        ("党支部", "姓名", "手机号", "微信", "本月收到(篇)", "最近学习日期"),
        ("红柳镇白杨村党支部", "李某", "138****1235", "已绑定", 2, dt.datetime(2026, 11, 20)),
        ("红柳镇白杨村党支部", "王某", "138****1236", "未绑定", 0, "从未学习")]


def test_one_branch_and_another_month(district, db_url):
    assert run(db_url, "--month", "2026-11", "--org", "红星村党支部") == [
        "学习情况（2026年11月，红星村党支部）",
        "党支部                  党员  已绑定微信  收到(篇)  打开(篇)  学完(篇)  学习积分  有学习  没学习",
        "红柳镇红星村党支部      1     1           1         1         0         1         1       0",
        "合计                    1     1           1         1         0         1         1       0",
        "本月没有学习的党员 0 人。加 --xlsx 文件名 导出党员明细和未学习名单。",
    ]


def test_a_member_who_said_finished_in_chat_studied_without_opening_a_link(chat, session, db_url):
    """学完了 in chat is study, though the link was never tapped: off 未学习名单, 学完 counted, the
    day of the finish the last study date. A lesson only asked for is received, not studied."""
    branch = Organization(name="白杨村党支部", kind="branch")
    session.add(branch)
    session.flush()
    make_member(session, branch, name="张某", phone="13800001234", openid="oKite_member_0001")
    make_lesson(session, "学习党章第一章", sequence=1)
    make_lesson(session, "学习党章第二章", sequence=2)
    make_lesson(session, "学习党章第三章", sequence=3)
    session.commit()
    chat.advance(days=3)   # 2 December, 09:00 Beijing time
    chat.say("学习")
    chat.say("学完了")      # 第一章 finished, 第二章 given

    assert run(db_url, "--month", "2026-12") == [
        "学习情况（2026年12月，全部党组织）",
        "党支部                  党员  已绑定微信  收到(篇)  打开(篇)  学完(篇)  学习积分  有学习  没学习",
        "白杨村党支部            1     1           2         0         1         0         1       0",
        "合计                    1     1           2         0         1         0         1       0",
        "本月没有学习的党员 0 人。加 --xlsx 文件名 导出党员明细和未学习名单。",
    ]
    chat.advance(days=30)   # January: only asked for a lesson
    chat.say("学习")        # 第三章
    assert run(db_url, "--month", "2027-01")[2:] == [
        "白杨村党支部            1     1           1         0         0         0         0       1",
        "合计                    1     1           1         0         0         0         0       1",
        "本月没有学习的党员 1 人。加 --xlsx 文件名 导出党员明细和未学习名单。",
    ]


def test_a_month_that_is_not_one_is_named(db_url):
    result = CliRunner().invoke(main, ["--config", str(CONFIG_FILE), "report", "study", "--month", "2026-13"],
                                env={"KITELINE_DATABASE__URL": db_url})
    assert result.exit_code == 2 and "请写成 2026-12 这样" in result.output
