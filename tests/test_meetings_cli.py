"""Organisational life from the command line, on real files: ``kiteline meeting add`` prints the
check-in code and notifies the branch's bound members; ``kiteline import meetings`` reads a
messy sheet, names every bad row and stores nothing until it is right, and a re-import updates
instead of adding; ``meeting list`` and ``report meetings`` show who checked in, asked for leave
or was absent. The CLI runs on the service's clock (the wall clock in these tests), so dates are
set relative to it."""
from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, select, update
from sqlalchemy.orm import Session

from bot.cli import main
from models.clock import SHANGHAI
from models.delivery.outbox import OutboxMessage
from models.meetings import Attendance, Meeting
from models.meetings.schedule import add_meeting
from models.meetings.wording import day_and_time
from models.member import Member
from models.settings import OrgLifeSettings
from tests.conftest import CONFIG_FILE

pytestmark = pytest.mark.postgres

LEDGER = ("姓名,手机号,所属党支部\n张某,13800001234,红柳镇白杨村党支部\n李某,13800001235,红柳镇白杨村党支部\n"
          "王某,13800001236,红柳镇白杨村党支部\n赵某,13800001237,红柳镇红星村党支部\n")


def kiteline(db_url, *args):
    return CliRunner().invoke(main, ["--config", str(CONFIG_FILE), *args], env={"KITELINE_DATABASE__URL": db_url})


def days_ahead(days: int, hour: int = 19, minute: int = 30) -> dt.datetime:
    """A Beijing time ``days`` from today (the CLI's clock is the wall clock)."""
    day = dt.datetime.now(SHANGHAI).date() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI)


@pytest.fixture
def db(db_url, tmp_path):
    """红柳镇 with 白杨村党支部 (张某 bound, 李某, 王某) and 红星村党支部 (赵某)."""
    ledger = tmp_path / "台账.csv"
    ledger.write_text(LEDGER, encoding="utf-8")
    assert kiteline(db_url, "import", "members", str(ledger), "--create-orgs").exit_code == 0
    engine = create_engine(db_url)
    with Session(engine) as s:
        s.execute(update(Member).where(Member.name == "张某").values(openid="oKite_member_0001"))
        s.commit()
    yield engine
    engine.dispose()


def meetings(engine):
    with Session(engine) as s:
        return [(m.org.name, m.kind, m.title, m.starts_at, m.place, m.link, m.code, m.notice_version)
                for m in s.scalars(select(Meeting).order_by(Meeting.id))]


def notices(engine):
    with Session(engine) as s:
        return sorted(s.scalars(select(OutboxMessage.idempotency_key).where(OutboxMessage.purpose == "meeting_notice")))


def test_meeting_add_prints_the_code_and_notifies_the_branch(db_url, db):
    start = days_ahead(10)
    when = f"{start:%Y-%m-%d %H:%M}"
    result = kiteline(db_url, "meeting", "add", "--org", "红柳镇白杨村党支部", "--kind", "主题党日活动", "--title",
                      "学习新修订的纪律处分条例", "--start", when.replace("-", "/"), "--place", "村委会二楼会议室",
                      "--link", "https://meeting.example.invalid/j/1", "--code", "４８２１")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"已添加：{day_and_time(start)} 白杨村党支部 主题党日《学习新修订的纪律处分条例》",
        "签到码：4821（签到时间 19:00-20:30，请在会上公布；党员发“签到 4821”签到）",
        "已给本支部 1 名绑定微信的党员发通知（窗口已关的，随其下条消息送达）。"]
    assert notices(db) == ["meeting_notice:1.1:1"]  # meeting 1, its first version, 张某
    assert meetings(db)[0][:7] == ("白杨村党支部", "theme_day", "学习新修订的纪律处分条例", start.astimezone(dt.UTC),
                                   "村委会二楼会议室", "https://meeting.example.invalid/j/1", "4821")

    again = kiteline(db_url, "meeting", "add", "--org", "白杨村党支部", "--kind", "主题党日", "--start", when,
                     "--place", "村委会")
    assert again.exit_code == 2
    assert "已有一个主题党日（《学习新修订的纪律处分条例》，签到码 4821），没有重复添加" in again.output
    taken = kiteline(db_url, "meeting", "add", "--org", "红星村党支部", "--kind", "党课", "--start", when,
                     "--link", "腾讯会议 123-456-789", "--code", "4821")
    assert (taken.exit_code, taken.output) == (2, "没有添加会议：签到码 4821 已被另一个还没开完的会议使用，请换一个（不填则自动生成）。\n")
    bad = kiteline(db_url, "meeting", "add", "--org", "柳树村党支部", "--kind", "开会", "--start", "12月20日 19:30",
                   "--code", "48211")
    assert bad.exit_code == 2
    assert bad.output == ("没有添加会议：所属党支部“柳树村党支部”找不到，也看不出属于哪个乡镇，请写全称，如“红柳镇白杨村党支部”；"
                          "会议类型“开会”看不懂，请写支部党员大会、支部委员会、党小组会、党课、主题党日、"
                          "组织生活会之一；日期“12月20日 19:30”看不懂，请写成 2026-12-20 19:30（年月日都要写）；没写会议地点，"
                          "也没写线上会议链接（至少写一项，流动党员要知道在哪参加）；签到码“48211”应为4位数字，如 4821（不填则自动生成）。\n")
    unknown = kiteline(db_url, "meeting", "add", "--org", "红柳镇柳树村党支部", "--kind", "党课", "--start", when,
                       "--place", "村委会")
    assert unknown.output == ("没有添加会议：党支部“红柳镇柳树村党支部”在系统中找不到，请写台账上的名称（如“红柳镇白杨村党支部”），"
                              "或先导入组织架构、台账。\n")
    assert len(meetings(db)) == 1


def sheet(path, rows) -> str:
    """As a township keeps its meetings: a title, a blank row, 序号, the date and the time in two
    columns (Excel dates and times, or text), a notes column and a sign-off."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["红柳镇2026年12月组织生活安排"])
    ws.append([])
    ws.append(["序号", "所属党支部", "会议类型", "会议主题", "会议日期", "时间", "会议地点", "线上会议链接", "签到码", "备注"])
    for number, row in enumerate(rows, start=1):
        ws.append([number, *row])
    ws.append(["填表人：王某"])
    book.save(path)
    return str(path)


def test_import_names_every_bad_row_stores_nothing_and_a_reimport_updates(db_url, db, tmp_path):
    first, second = days_ahead(12), days_ahead(13, 20, 0)
    good = [
        ["红柳镇白杨村党支部", "党员大会", "年终总结", first.date(), dt.time(19, 30), "村委会", None, "１２３４", None],
        ["红星村党支部", "党课", None, f"{second:%Y年%m月%d日}", "晚上8点", None, "腾讯会议 123-456-789", None, "线上"],
    ]
    bad = [*good,
           ["红柳镇白杨村党支部", "主题党日", "党日", "2026.13.1", "19:30", "村委会", None, None, None],
           ["红柳镇白杨村党支部", "座谈", None, first.date(), "19:30", None, None, "1234", None],
           ["红柳镇白杨村党支部", "党员大会", "又一次", first.date(), "20:30", "村委会", None, None, None]]
    result = kiteline(db_url, "import", "meetings", sheet(tmp_path / "会议.xlsx", bad))
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        "会议没有导入：有问题的行 3 行。为免只导入一半，其他行也没有写入；请改正以下各行后重新导入：",
        "  第6行（党日）：日期“2026.13.1”的月份或日子不对",
        "  第7行：会议类型“座谈”看不懂，请写支部党员大会、支部委员会、党小组会、党课、主题党日、组织生活会之一；"
        "没写会议地点，也没写线上会议链接（至少写一项，流动党员要知道在哪参加）",
        "  第8行（又一次）：与第4行是同一个会议（同一支部同一天的同类会议），请只留一行"]
    assert meetings(db) == [] and notices(db) == []

    path = sheet(tmp_path / "会议.xlsx", good)
    # a dry run shows no drawn code: the import draws its own, and staff must not announce another
    tried = kiteline(db_url, "import", "meetings", path, "--dry-run").output.splitlines()
    assert [line for line in tried if "签到码" in line and line.startswith("  ")] == [
        f"  {day_and_time(first)} 白杨村党支部 支部党员大会《年终总结》 签到码 1234",
        f"  {day_and_time(second)} 红星村党支部 党课 签到码正式导入时自动生成"]
    assert meetings(db) == []
    result = kiteline(db_url, "import", "meetings", path)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[:3] == ["会议导入完成：新增 2 个，更新 0 个，无变化 0 个；通知 1 人次（党员下次发消息前窗口已关的，随下条消息送达）。",
                         "新增的会议（签到码请在会上公布）：",
                         f"  {day_and_time(first)} 白杨村党支部 支部党员大会《年终总结》 签到码 1234"]
    assert lines[3].startswith(f"  {day_and_time(second)} 红星村党支部 党课 签到码 ")
    assert [row[:6] for row in meetings(db)] == [
        ("白杨村党支部", "branch_assembly", "年终总结", first.astimezone(dt.UTC), "村委会", None),
        ("红星村党支部", "lesson", "党课", second.astimezone(dt.UTC), None, "腾讯会议 123-456-789")]

    again = kiteline(db_url, "import", "meetings", path)
    assert again.output.splitlines()[0] == "会议导入完成：新增 0 个，更新 0 个，无变化 2 个；通知 0 人次（党员下次发消息前窗口已关的，随下条消息送达）。"
    good[0][4] = dt.time(20, 0)  # the assembly moves to 20:00: members are told again
    moved = kiteline(db_url, "import", "meetings", sheet(tmp_path / "会议.xlsx", good))
    assert moved.output.splitlines()[:3] == [
        "会议导入完成：新增 0 个，更新 1 个，无变化 1 个；通知 1 人次（党员下次发消息前窗口已关的，随下条消息送达）。",
        "更新的会议：", f"  {day_and_time(first.replace(hour=20, minute=0))} 白杨村党支部 支部党员大会《年终总结》 签到码 1234"]
    assert [row[7] for row in meetings(db)] == [2, 1]
    with Session(db) as s:  # (the dry run above took ids from PostgreSQL's sequence)
        assembly = s.scalar(select(Meeting.id).where(Meeting.kind == "branch_assembly"))
    assert notices(db) == [f"meeting_notice:{assembly}.1:1", f"meeting_notice:{assembly}.2:1"]


def test_list_and_report_show_who_came_who_asked_for_leave_and_who_was_absent(db_url, db):
    past, coming = days_ahead(-3), days_ahead(5)
    org_life = OrgLifeSettings()
    with Session(db) as s:
        branch_id = s.scalar(select(Member.branch_id).where(Member.name == "张某"))
        people = {m.name: m.id for m in s.scalars(select(Member))}
        held = add_meeting(s, org_id=branch_id, kind="theme_day", title="重温入党誓词", starts_at=past.astimezone(dt.UTC),
                           place="村委会", link=None, code="1357", created_by="测试", now=past - dt.timedelta(days=7),
                           org_life=org_life)
        next_one = add_meeting(s, org_id=branch_id, kind="lesson", title="党课", starts_at=coming.astimezone(dt.UTC),
                               place=None, link="https://meeting.example.invalid/j/2", code="2468", created_by="测试",
                               now=past, org_life=org_life)
        s.add_all([Attendance(meeting_id=held.id, member_id=people["张某"], status="attended",
                              checked_in_at=(past + dt.timedelta(minutes=3)).astimezone(dt.UTC)),
                   Attendance(meeting_id=held.id, member_id=people["李某"], status="leave", leave_reason="在外地加班"),
                   Attendance(meeting_id=next_one.id, member_id=people["王某"], status="leave", leave_reason=None)])
        s.commit()
    listed = kiteline(db_url, "meeting", "list", "--org", "白杨村党支部")
    assert listed.output.splitlines() == [
        f"{day_and_time(coming)} 白杨村党支部 党课 签到码 2468", "  线上参加：https://meeting.example.invalid/j/2",
        "  签到 0 人，请假 1 人（签到未结束）", "  请假：王某（未说明原因）"]
    month = f"{past:%Y-%m}"
    report = kiteline(db_url, "report", "meetings", "--org", "红柳镇", "--month", month)
    assert report.output.splitlines()[:6] == [
        f"组织生活签到情况（{past.year}年{past.month}月，红柳镇，北京时间）",
        f"{day_and_time(past)} 白杨村党支部 主题党日《重温入党誓词》", "  地点：村委会",
        "  签到 1 人，请假 1 人，缺席 1 人", "  签到：张某（19:33）", "  请假：李某（在外地加班）"]
    assert report.output.splitlines()[6] == "  缺席：王某"
    assert kiteline(db_url, "report", "meetings", "--month", "2026-13").exit_code == 2
