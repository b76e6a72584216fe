"""``kiteline import dues FILE``: the branch's dues sheet as branches keep it — long (a row per
member and month) or wide (a column per month), header anywhere in the first rows, full-width
digits, months and yuan in their many forms; bad rows named with the reason; all or nothing; a
re-import updates and adds nothing twice; a member's own report confirmed and the member told."""
from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from click.testing import CliRunner
from sqlalchemy import select

from bot.cli import main
from models.delivery.outbox import OutboxMessage
from models.dues import DuesPayment, DuesStandard, standing
from models.dues.file import owed_line, paid_through
from models.dues.sheet_import import import_dues
from models.ledger import CellError
from models.member import Member
from tests.conftest import CONFIG_FILE, START
from tests.factories import make_branch, make_member

pytestmark = pytest.mark.postgres

HEADER = ["序号", "姓名", "手机号", "所属党组织", "缴费月份", "缴纳金额（元）", "缴费日期", "缴费方式", "月缴纳标准"]


@pytest.fixture
def branch(session):
    """白杨村党支部 (红柳镇) with 张某 (bound), 李某 and two 刘某; 红星村党支部 with another 李某."""
    branch = make_branch(session)
    make_member(session, branch, name="张某", phone="13800001234", openid="oKite_member_0001")
    make_member(session, branch, name="李某", phone="13800002001")
    make_member(session, branch, name="刘某", phone="13800003001")
    make_member(session, branch, name="刘某", phone="13800003002")
    other = make_branch(session, name="红星村党支部", township="青石镇")
    make_member(session, other, name="李某", phone="13800004001")
    session.commit()
    return branch


def run(session, rows, scope=None, start_month=None, now=START):
    report = import_dues(session, rows, district="示例区", scope=scope, start_month=start_month, now=now,
                         changed_by="党费.xlsx")
    if report.errors:
        session.rollback()
    else:
        session.commit()
    return report


def stored(session):
    session.expire_all()
    return [(p.member.name, p.period, p.amount_fen, p.paid_on, p.channel, p.status)
            for p in session.scalars(select(DuesPayment).order_by(DuesPayment.member_id, DuesPayment.period))]


def standards(session):
    session.expire_all()
    return {s.member_id: (s.amount_fen, s.since) for s in session.scalars(select(DuesStandard))}


LONG = [
    ["白杨村党支部2026年党费收缴台账"],
    ["填表日期：2026年11月"],
    HEADER,
    [1, "张某", "13800001234", "白杨村党支部", "2026-08", "12.5", dt.datetime(2026, 8, 5), "微信", "12.50"],
    [2, "张某", "１３８００００１２３４", "红柳镇白杨村党支部", "2026.9", "¥12.50", "2026/09/06", "现金", None],
    [3, "张 某", "13800001234", "白杨村党支部", "2026年10月", "12元", 46310, "代交", None],
    [4, "李某", None, "白杨村党支部", 202608, 5, None, None, 5],
    [5, "刘某", "13800003002", None, "２０２６年８月", "8.8元", None, "银行", "8.80"],
    ["合计", None, None, None, None, "51.3"],
]


def test_a_long_sheet_is_read_as_branches_keep_it(session, branch):
    report = run(session, LONG)
    assert report.errors == []
    assert stored(session) == [
        ("张某", "2026-08", 1250, dt.date(2026, 8, 5), "微信", "confirmed"),
        ("张某", "2026-09", 1250, dt.date(2026, 9, 6), "现金", "confirmed"),
        ("张某", "2026-10", 1200, dt.date(2026, 10, 15), "代交", "confirmed"),
        ("李某", "2026-08", 500, None, None, "confirmed"),
        ("刘某", "2026-08", 880, None, "银行", "confirmed"),
    ]
    assert sorted(standards(session).values()) == [(500, "2026-08"), (880, "2026-08"), (1250, "2026-08")]
    assert report.summary() == ("党费表导入完成：读了 5 行，党员 3 人；交纳记录新增 5 条，更新 0 条，无变化 0 条；"
                                "确认党员自报 0 条；月缴纳标准新登记 3 人，调整 0 人。")


def test_a_reimport_adds_nothing_twice_and_updates_what_changed(session, branch):
    run(session, LONG)
    again = run(session, LONG)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    changed = [list(r) for r in LONG]
    changed[5][5], changed[6][8] = "12.5", "6"
    report = run(session, changed)
    assert (report.created, report.updated, report.unchanged, report.standards_changed) == (0, 1, 4, 1)
    assert stored(session)[2][2] == 1250
    assert len(stored(session)) == 5


def test_a_wide_sheet_with_a_column_per_month(session, branch):
    rows = [["2026年度党费收缴登记表"],
            ["姓名", "手机号", "月缴纳标准", "7月", "8月", "9月", "10月", "11月", "12月", "合计"],
            ["张某", "13800001234", 12.5, "12.5", "√", "", "-", None, None, 25],
            ["李某", None, "5", 5, "未交", "5", "５", 0, "", 15]]
    report = run(session, rows, scope={branch.id})
    assert report.errors == [] and report.unused_columns == ["合计"]
    assert [(n, p, f) for n, p, f, *_ in stored(session)] == [
        ("张某", "2026-07", 1250), ("张某", "2026-08", 1250),
        ("李某", "2026-07", 500), ("李某", "2026-09", 500), ("李某", "2026-10", 500)]
    assert sorted(standards(session).values()) == [(500, "2026-07"), (1250, "2026-07")]


@pytest.mark.parametrize("cells, reason", [
    ([1, "张某", "13800001234", "白杨村党支部", "2024.13", "12.5"],
     "第4行（张某）：缴费月份“2024.13”不是有效的月份（请写成 2026-03、2026.3 或 2026年3月）"),
    ([1, "张某", "13800001234", "白杨村党支部", "2026-10", "十二元"],
     "第4行（张某）：缴纳金额（元）“十二元”请写成数字，如 12 或 12.50"),
    ([1, "张某", "13800001234", "白杨村党支部", "2026-10", "-12.5"],
     "第4行（张某）：缴纳金额（元）“-12.5”是负数，请写实际交纳的金额"),
    ([1, "张某", "13800001234", "白杨村党支部", "2026-12", "12.5"],
     "第4行（张某）：缴费月份“2026-12”是2026年12月，还没到，不能登记为已交"),
    ([1, "王某", "13800009999", "白杨村党支部", "2026-10", "12.5"],
     "第4行（王某）：白杨村党支部的名册中没有王某（138****9999），请核对，或先导入台账"),
    ([1, "刘某", None, "白杨村党支部", "2026-10", "8.8"],
     "第4行（刘某）：白杨村党支部的名册中有2位刘某，请写上手机号"),
    ([1, "李某", None, None, "2026-10", "5"], "第4行（李某）：名册中有2位李某，请写上手机号"),
    ([1, "张某", "13800005678", "白杨村党支部", "2026-10", "12.5"],
     "第4行（张某）：手机号与白杨村党支部的名册中的张某（138****1234）不一致，请核对"),
    ([1, "张某", "13800001234", "白杨村党支部", "2026-08", "12.5"],
     "第4行（张某）：2026年8月与第3行重复（同一人同一月份只写一次）"),
])
def test_a_bad_row_is_named_and_nothing_is_stored(session, branch, cells, reason):
    rows = [["党费"], HEADER[:6], [0, "张某", "13800001234", "白杨村党支部", "2026-08", "12.5"], cells]
    report = run(session, rows)
    assert [str(e) for e in report.errors] == [reason]
    assert stored(session) == [] and standards(session) == {}
    assert report.summary().startswith("党费表没有导入：有问题的行 1 行。为免只导入一半，其他行也没有写入")


def test_a_file_without_a_usable_header_says_so(session, branch):
    with pytest.raises(CellError, match="找不到表头"):
        run(session, [["党费"], ["张某", "12.5"]])
    with pytest.raises(CellError, match="没有“缴纳金额”列"):
        run(session, [["姓名", "手机号", "缴费月份"], ["张某", "13800001234", "2026-10"]])


def test_an_import_confirms_what_the_member_reported_and_tells_them(chat, session, branch, app, send):
    run(session, LONG)
    chat.say("你好")
    assert chat.say("我交了11月的党费").startswith("收到！已记下您交了2026年11月的党费（共12.50元）")
    rows = [HEADER[:6], [1, "张某", "13800001234", "白杨村党支部", "2026-11", "12.5"]]
    report = run(session, rows, now=chat.clock.now())
    assert report.confirmed == ["张某 2026年11月"]
    assert "确认党员自报 1 条" in report.summary()
    assert stored(session)[3] == ("张某", "2026-11", 1250, None, None, "confirmed")
    send()
    assert app.test_client().get("/sandbox/messages/oKite_member_0001").get_json()[-1]["text"] == (
        "您2026年11月的党费（共12.50元）支部（党费台账）已确认，记为已交。谢谢！发“党费”可以查看交纳情况。")


def test_start_month_bounds_what_is_owed(session, branch):
    run(session, LONG, start_month="2026-09")
    assert min(standards(session).values()) == (500, "2026-09")



# -- months the sheet shows unpaid are owed ---------------------------------------------------------

WIDE_HEADER = ["姓名", "手机号", "月缴纳标准", "7月", "8月", "9月", "10月", "11月", "12月"]


def owed(session, name, now=START):
    """What 张某 (or ``name``) reads in their 党费 answer and member file at ``now``: paid through, owed."""
    member = session.scalar(select(Member).where(Member.name == name).order_by(Member.id))
    mine = standing(session, member.id, now)
    return paid_through(mine), owed_line(mine)


def workbook(path, rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return str(path)


def test_a_member_with_only_unpaid_months_owes_every_month_the_sheet_shows(db_url, session, branch, tmp_path):
    sheet = workbook(tmp_path / "党费.xlsx", [["白杨村党支部2026年度党费收缴登记表"], WIDE_HEADER,
                                              ["张某", "13800001234", 12.5, "", "未交", "-", None, 0, ""]])
    done = cli(db_url, "import", "dues", sheet, "--org", "白杨村党支部")
    assert done.exit_code == 0, done.output
    assert "月缴纳标准新登记 1 人" in done.output and stored(session) == []
    assert owed(session, "张某") == ("2026年7月起还没有交纳记录", "还欠2026年7月至11月，共5个月62.50元")


def test_a_member_with_blank_months_owes_from_the_first_month_column_not_the_first_paid(session, branch):
    rows = [["2026年度党费收缴登记表"], WIDE_HEADER,
            ["张某", "13800001234", 12.5, None, None, None, None, None, None],
            ["李某", "13800002001", 5, "未交", "5", "5", "", "", ""]]
    assert run(session, rows).errors == []
    assert owed(session, "张某") == ("2026年7月起还没有交纳记录", "还欠2026年7月至11月，共5个月62.50元")
    assert owed(session, "李某")[1] == "还欠2026年7月、2026年10月至11月，共3个月15元"


def test_start_month_bounds_the_months_a_blank_row_owes(session, branch):
    rows = [["2026年度党费收缴登记表"], WIDE_HEADER, ["张某", "13800001234", 12.5]]
    assert run(session, rows, scope={branch.id}, start_month="2026-09").errors == []
    assert owed(session, "张某")[1] == "还欠2026年9月至11月，共3个月37.50元"


def test_a_blank_row_is_priced_at_the_standard_on_file(session, branch):
    member = session.scalar(select(Member).where(Member.phone == "13800001234"))
    session.add(DuesStandard(member_id=member.id, amount_fen=1000, since="2026-10", set_by="旧表.xlsx",
                             updated_at=START))
    session.commit()
    rows = [["2026年度党费收缴登记表"], ["姓名", "手机号", "7月", "8月", "9月", "10月", "11月"],
            ["张某", "13800001234", "", "", "", "", ""]]
    report = run(session, rows, scope={branch.id})
    assert report.errors == []
    assert owed(session, "张某")[1] == "还欠2026年7月至11月，共5个月50元"


def test_a_blank_row_with_no_standard_anywhere_is_named_and_nothing_is_stored(db_url, session, branch, tmp_path):
    sheet = workbook(tmp_path / "党费.xlsx", [["2026年度党费收缴登记表"], ["姓名", "手机号", "7月", "8月", "9月", "10月", "11月"],
                                              ["李某", "13800002001", 5, 5, 5, 5, 5],
                                              ["张某", "13800001234", None, None, "未交", None, None]])
    done = cli(db_url, "import", "dues", sheet, "--org", "白杨村党支部")
    assert done.exit_code == 2
    assert done.output.startswith("党费表没有导入：有问题的行 1 行。")
    assert ("第4行（张某）：2026年7月至11月没有交，但表里和系统里都没有张某的月缴纳标准，算不出欠交多少；"
            "请在“月缴纳标准”列写上每月金额后重新导入") in done.output
    assert stored(session) == [] and standards(session) == {}


# -- ticks (✓ / 已交) are paid at the standard ------------------------------------------------------

TICKS_HEADER = ["姓名", "手机号", "7月", "8月", "9月", "10月", "11月"]


def on_file(session, branch, name, fen, since):
    """``name`` (added to ``branch`` as 138 0000 2003 when not on the roster) with a standard of
    ``fen`` from ``since``."""
    member = session.scalar(select(Member).where(Member.name == name).order_by(Member.id))
    if member is None:
        member = make_member(session, branch, name=name, phone="13800002003")
    session.add(DuesStandard(member_id=member.id, amount_fen=fen, since=since, set_by="旧表.xlsx", updated_at=START))
    session.commit()
    return member


def test_ticks_are_paid_at_the_standard_on_file(db_url, session, branch, tmp_path):
    on_file(session, branch, "陈某", 1000, "2026-07")
    sheet = workbook(tmp_path / "党费.xlsx", [["2026年党费收缴台账"], TICKS_HEADER,
                                              ["陈某", "13800002003", "✓", "✓", "✓", "已交", "✓"]])
    done = cli(db_url, "import", "dues", sheet, "--org", "白杨村党支部")
    assert done.exit_code == 0, done.output
    assert "交纳记录新增 5 条" in done.output and "月缴纳标准新登记 0 人，调整 0 人" in done.output
    assert {(p, f) for n, p, f, *_ in stored(session)} == {(f"2026-{m:02d}", 1000) for m in range(7, 12)}
    assert owed(session, "陈某") == ("已交至2026年11月", "没有欠费")


def test_ticks_beside_a_blank_standard_cell_are_paid_at_the_standard_on_file(session, branch):
    on_file(session, branch, "陈某", 1000, "2026-07")
    rows = [["2026年党费收缴台账"], ["姓名", "手机号", "月缴纳标准", "7月", "8月", "9月", "10月", "11月"],
            ["李某", "13800002001", 5, 5, 5, 5, 5, 5],
            ["陈某", "13800002003", None, "✓", "✓", "✓", "", ""]]
    report = run(session, rows)
    assert report.errors == [] and report.created == 8
    assert owed(session, "陈某") == ("已交至2026年9月", "还欠2026年10月至11月，共2个月20元")
    assert owed(session, "李某") == ("已交至2026年11月", "没有欠费")


def test_ticks_with_no_standard_anywhere_are_named_and_nothing_is_stored(db_url, session, branch, tmp_path):
    sheet = workbook(tmp_path / "党费.xlsx", [["2026年党费收缴台账"], TICKS_HEADER,
                                              ["李某", "13800002001", 5, 5, 5, 5, 5],
                                              ["张某", "13800001234", "✓", "✓", "✓", "", None]])
    done = cli(db_url, "import", "dues", sheet, "--org", "白杨村党支部")
    assert done.exit_code == 2
    assert ("第4行（张某）：2026年7月至9月写了“已交”、2026年10月至11月没有交，但表里和系统里都没有张某的月缴纳标准，"
            "算不出交了多少、欠交多少；请在“月缴纳标准”列写上每月金额后重新导入") in done.output
    assert stored(session) == [] and standards(session) == {}
    rows = [["2026年党费收缴台账"], TICKS_HEADER, ["张某", "13800001234", "✓", "✓", "✓", "✓", "✓"]]
    assert [str(e) for e in run(session, rows).errors] == [
        ("第3行（张某）：2026年7月至11月写了“已交”，但表里和系统里都没有张某的月缴纳标准，算不出交了多少；"
        "请在“月缴纳标准”列写上每月金额后重新导入")]


# -- an older sheet moves the first month owed back only without a gap ------------------------------

def paid_june_to_october(session, branch):
    """胡某 (白杨村党支部), 2元 a month from 2026年6月, paid through 2026年10月 (a 2026 sheet)."""
    make_member(session, branch, name="胡某", phone="13800002004")
    session.commit()
    rows = [["2026年党费收缴台账"], ["姓名", "手机号", "月缴纳标准", "6月", "7月", "8月", "9月", "10月"],
            ["胡某", "13800002004", 2, 2, 2, 2, 2, 2]]
    assert run(session, rows).errors == []
    assert owed(session, "胡某") == ("已交至2026年10月", "还欠2026年11月，共1个月2元")


OLD_HEADER = ["姓名", "手机号", "月缴纳标准", "11月", "12月"]


def test_an_older_paid_sheet_behind_a_gap_records_its_payments_and_owes_no_month_no_sheet_showed(session, branch):
    paid_june_to_october(session, branch)
    report = run(session, [["2025年和平社区党支部党费台账"], OLD_HEADER, ["胡某", "13800002004", 2, "✓", "✓"]])
    assert report.errors == [] and report.created == 2
    assert [p for n, p, *_ in stored(session) if p < "2026"] == ["2025-11", "2025-12"]
    assert owed(session, "胡某") == ("已交至2026年10月", "还欠2026年11月，共1个月2元")
    assert "没有算作欠交" not in report.summary()


def test_the_secretary_is_told_which_unpaid_months_a_gap_left_out(db_url, session, branch, tmp_path):
    paid_june_to_october(session, branch)
    sheet = workbook(tmp_path / "2025党费.xlsx", [["2025年和平社区党支部党费台账"], OLD_HEADER,
                                                   ["胡某", "13800002004", 2, "✓", ""]])
    done = cli(db_url, "import", "dues", sheet)
    assert done.exit_code == 0, done.output
    assert ("胡某 2025年12月没有算作欠交：这张表的月份与系统里已记的月份之间缺2026年1月至5月；"
            "如要算上，请先导入2026年1月至5月的党费表，再重新导入这张表。") in done.output
    assert owed(session, "胡某") == ("已交至2026年10月", "还欠2026年11月，共1个月2元")


def test_a_sheet_reaching_the_first_month_owed_moves_it_back_as_far_as_it_reaches_without_a_gap(session, branch):
    paid_june_to_october(session, branch)
    rows = [["党费"], ["姓名", "手机号", "缴费月份", "缴纳金额（元）"],
            ["胡某", "13800002004", "2025-11", 2], ["胡某", "13800002004", "2026-04", 2],
            ["胡某", "13800002004", "2026-05", 2]]
    report = run(session, rows)
    assert report.errors == []
    assert owed(session, "胡某") == ("已交至2026年10月", "还欠2026年11月，共1个月2元")
    assert [s for f, s in standards(session).values()] == ["2026-04"]


def test_an_earlier_sheet_of_the_same_year_moves_the_first_month_owed_back(session, branch):
    rows = [["2026年度党费收缴登记表"], ["姓名", "手机号", "月缴纳标准", "9月", "10月", "11月"],
            ["张某", "13800001234", 12.5, 12.5, 12.5, ""]]
    assert run(session, rows).errors == []
    assert owed(session, "张某") == ("已交至2026年10月", "还欠2026年11月，共1个月12.50元")
    assert run(session, [rows[0], WIDE_HEADER, ["张某", "13800001234", 12.5, "", "", 12.5, 12.5]]).errors == []
    assert owed(session, "张某") == ("2026年7月起还没交齐", "还欠2026年7月至8月、2026年11月，共3个月37.50元")


def test_a_sheet_without_dates_keeps_the_dates_and_channels_on_file(session, branch):
    """The trial user's wide sheet (no 缴费日期 column) had wiped the pay dates already recorded."""
    rows = [["2026年度党费收缴登记表"], ["姓名", "手机号", "月缴纳标准", "缴费月份", "缴纳金额（元）", "缴费日期", "缴费方式"],
            ["张某", "13800001234", 12.5, "2026-10", 12.5, "2026-10-01", "微信"]]
    assert run(session, rows).errors == []
    report = run(session, [rows[0], ["姓名", "手机号", "月缴纳标准", "9月", "10月"], ["张某", "13800001234", 12.5, "", "✓"]])
    assert report.errors == [] and (report.updated, report.unchanged) == (0, 1)
    assert stored(session) == [("张某", "2026-10", 1250, dt.date(2026, 10, 1), "微信", "confirmed")]


def test_the_secretary_is_told_when_a_sheet_moves_the_first_month_owed_back(session, branch):
    """The trial user's re-import moved two members' first month owed back a year and said 无变化."""
    rows = [["2026年度党费收缴登记表"], ["姓名", "手机号", "月缴纳标准", "9月", "10月", "11月"],
            ["张某", "13800001234", 12.5, 12.5, 12.5, ""]]
    assert run(session, rows).errors == []
    report = run(session, [rows[0], WIDE_HEADER, ["张某", "13800001234", 12.5, "", "", 12.5, 12.5]])
    assert "张某的党费改从2026年7月起算（原从2026年9月起），其间没有交的月份算作欠交。" in report.summary()


def test_a_month_on_record_as_paid_that_the_sheet_shows_unpaid_is_kept_and_named(session, branch):
    """The trial user's sheet said 未交 for a month confirmed on record: kept, and nobody told."""
    rows = [["2026年度党费收缴登记表"], ["姓名", "手机号", "月缴纳标准", "9月", "10月", "11月"],
            ["张某", "13800001234", 12.5, 12.5, 12.5, 12.5]]
    assert run(session, rows).errors == []
    report = run(session, [rows[0], rows[1], ["张某", "13800001234", 12.5, 12.5, "未交", ""]])
    assert report.errors == []
    assert ("表里写着没交、系统里已记为已交的月份，保留已交，请核对：张某 2026年10月至11月"
            in report.summary())
    assert [p[1] for p in stored(session)] == ["2026-09", "2026-10", "2026-11"]


# -- bare months with no year anywhere: this year, or last year's sheet ------------------------------

NEW_YEAR = dt.datetime(2027, 1, 10, 1, 0, tzinfo=dt.UTC)  # 2027年1月10日 09:00 in Shanghai


def test_last_years_sheet_imported_in_january_is_last_year(session, branch):
    rows = [WIDE_HEADER, ["张某", "13800001234", 12.5, "✓", "✓", "✓", "✓", "✓", "已交"],
            ["李某", "13800002001", 5, 5, 5, 5, "", "", ""]]
    report = run(session, rows, now=NEW_YEAR)
    assert report.errors == [] and report.created == 9
    assert owed(session, "张某", NEW_YEAR) == ("已交至2026年12月", "还欠2027年1月，共1个月12.50元")
    assert owed(session, "李某", NEW_YEAR) == ("已交至2026年9月", "还欠2026年10月至2027年1月，共4个月20元")


def test_a_blank_row_of_last_years_sheet_owes_last_years_months(session, branch):
    rows = [WIDE_HEADER, ["张某", "13800001234", 12.5, "", "", "", "", "", ""]]
    assert run(session, rows, now=NEW_YEAR).errors == []
    assert owed(session, "张某", NEW_YEAR) == ("2026年7月起还没有交纳记录", "还欠2026年7月至2027年1月，共7个月87.50元")


def test_this_years_template_filled_so_far_stays_this_year(session, branch):
    march = dt.datetime(2027, 3, 15, 1, 0, tzinfo=dt.UTC)
    rows = [["姓名", "手机号", "月缴纳标准", *(f"{m}月" for m in range(1, 13))],
            ["张某", "13800001234", 12.5, 12.5, "✓", "✓", *[""] * 9]]
    assert run(session, rows, now=march).errors == []
    assert [p for n, p, *_ in stored(session)] == ["2027-01", "2027-02", "2027-03"]
    assert owed(session, "张某", march) == ("已交至2027年3月", "没有欠费")


def test_a_month_still_to_come_this_year_is_still_refused_when_the_title_gives_the_year(session, branch):
    rows = [["2027年党费收缴台账"], WIDE_HEADER, ["张某", "13800001234", 12.5, "✓", "", "", "", "", ""]]
    assert [str(e) for e in run(session, rows, now=NEW_YEAR).errors] == ["第3行（张某）：2027年7月还没到，不能登记为已交"]


# -- the command ------------------------------------------------------------------------------------

def cli(db_url, *args):
    return CliRunner().invoke(main, ["--config", str(CONFIG_FILE), *args], env={"KITELINE_DATABASE__URL": db_url})


def test_the_command_imports_xlsx_and_csv_and_refuses_a_bad_file_whole(db_url, session, branch, tmp_path):
    workbook(tmp_path / "党费.xlsx", LONG)
    dry = cli(db_url, "import", "dues", str(tmp_path / "党费.xlsx"), "--dry-run")
    assert dry.exit_code == 0 and "试导入结果：读了 5 行" in dry.output and stored(session) == []
    done = cli(db_url, "import", "dues", str(tmp_path / "党费.xlsx"))
    assert done.exit_code == 0, done.output
    assert "交纳记录新增 5 条" in done.output and len(stored(session)) == 5
    (tmp_path / "bad.csv").write_text("姓名,缴费月份,金额\n李某,2026-11,5\n张某,2026.13,12.5\n", encoding="utf-8")
    bad = cli(db_url, "import", "dues", str(tmp_path / "bad.csv"), "--org", "白杨村党支部")
    assert bad.exit_code == 2
    assert "第3行（张某）：缴费月份“2026.13”不是有效的月份" in bad.output
    assert len(stored(session)) == 5  # 李某's good row is not stored either
    unknown = cli(db_url, "import", "dues", str(tmp_path / "bad.csv"), "--org", "没有这个支部")
    assert unknown.exit_code == 2 and "没有叫“没有这个支部”的党组织" in unknown.output
    assert session.scalar(select(OutboxMessage.id)) is None
