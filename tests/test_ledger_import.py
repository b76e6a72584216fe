"""Importing the ledgers branches really send: every good row in, every bad row named, nothing
twice, nothing half-imported."""
import datetime as dt

import pytest
from sqlalchemy import func, select

from models.ledger import CellError
from models.ledger_files import read_table
from models.ledger_import import import_members
from models.member import Member, MemberChange
from models.org import Organization
from tests.conftest import SHARED, START
from tests.factories import make_branch, make_member

CLEAN = SHARED / "ledgers" / "ledger_clean.xlsx"
MESSY = SHARED / "ledgers" / "ledger_messy.xlsx"


def run(session, path_or_rows, create_orgs=True, now=START):
    rows = read_table(path_or_rows) if not isinstance(path_or_rows, list) else path_or_rows
    report = import_members(session, rows, district="示例区", create_orgs=create_orgs, now=now, changed_by="台账.xlsx")
    session.commit()
    return report


def count(session, model=Member):
    return session.scalar(select(func.count()).select_from(model))


@pytest.mark.postgres
def test_clean_ledger_imports_as_is_and_builds_the_org_tree(session):
    report = run(session, CLEAN)
    assert report.summary() == ("导入完成：新增 30 人，更新 0 人，无变化 0 人；有问题的行 0 行（未导入）。\n"
                                "新建党组织 8 个：\n"
                                "  区县：示例区\n"
                                "  乡镇（街道）：红柳镇\n"
                                "  村（社区）：白杨村、沙河村、新建社区\n"
                                "  党支部：红柳镇白杨村党支部、红柳镇沙河村党支部、红柳镇新建社区党支部")
    first = session.scalar(select(Member).where(Member.name == "高某海"))
    assert (first.phone, first.gender, first.joined_party_on, first.away_since, first.away_reason,
            first.current_province, first.current_city, first.employer, first.status) == (
        "13800004179", "女", dt.date(2013, 8, 1), dt.date(2023, 4, 8), "work", "河北", "石家庄", "某大学", "away")
    assert [n.name for n in first.branch.path()] == ["示例区", "红柳镇", "白杨村", "白杨村党支部"]
    assert len(first.bind_code) == 8
    assert len({m.bind_code for m in session.scalars(select(Member))}) == 30


def test_reimport_adds_nobody_twice(session):
    run(session, CLEAN)
    again = run(session, CLEAN)
    assert again.summary() == "导入完成：新增 0 人，更新 0 人，无变化 30 人；有问题的行 0 行（未导入）。"
    assert count(session) == 30
    assert count(session, Organization) == 8  # district, township, 3 villages, 3 branches


def test_unknown_branch_is_a_row_error_without_create_orgs(session):
    report = run(session, CLEAN, create_orgs=False)
    assert report.created == 0 and len(report.errors) == 30
    assert report.errors[0] == (5, "高某海", "所属党支部“红柳镇白杨村党支部”在系统中找不到（导入时加 --create-orgs 可自动建立）")
    assert count(session) == 0


def test_existing_branch_is_found_by_its_full_ledger_name(session):
    make_branch(session, name="白杨村党支部", township="红柳镇")
    session.commit()
    report = run(session, CLEAN, create_orgs=False)
    assert report.created == 13  # the 白杨村 rows; the other two branches are unknown
    assert len(report.errors) == 17


@pytest.mark.postgres
def test_messy_ledger_takes_every_good_row_and_names_every_bad_one(session):
    report = run(session, MESSY)
    assert report.summary().splitlines()[0] == "导入完成：新增 60 人，更新 0 人，无变化 0 人；有问题的行 4 行（未导入）。"
    assert report.errors == [
        (65, "刘某强强", "手机号应为11位数字（表中是“1380000123”）"),
        (66, None, "姓名为空"),
        (67, "孔某杰", "与第7行重复"),
        # rejected for the branch; the bad month is named too so one correction fixes the row
        (68, "孙某梅梅", ("所属党支部“不存在的党支部”找不到，也看不出属于哪个乡镇，"
                          "请写全称，如“红柳镇白杨村党支部”；外出时间“2024.13”看不懂")),
    ]
    stored = {m.name: m for m in session.scalars(select(Member))}
    assert stored["赵某凤"].phone == "18600005217"          # full-width digits
    assert stored["雷某超"].phone == "18600006973"          # dashes
    assert stored["沈某华"].phone == "15000005010"          # spaces around
    assert stored["孔某国"].phone == "18600005109"          # typed as a number
    assert stored["杜某英"].name == "杜某英"                # trailing space gone
    assert stored["孔某杰"].away_since == dt.date(2024, 1, 1)   # 2024年1月
    assert stored["黄某敏"].away_since == dt.date(2020, 5, 1)   # 2020-5
    assert stored["常某华"].current_province == "江苏"          # 江苏省
    assert stored["田某芳"].current_city == "包头"              # 包头市
    assert count(session, Organization) == 8  # the bad row's branch was not created


def test_messy_ledger_reimport_is_idempotent(session):
    run(session, MESSY)
    again = run(session, MESSY)
    assert (again.created, again.updated, again.unchanged, len(again.errors)) == (0, 0, 60, 4)
    assert count(session) == 60


@pytest.mark.postgres
def test_changed_row_is_updated_with_history(session):
    header = ["姓名", "手机号", "所属党支部", "流动去向（省）", "流动去向（市）"]
    run(session, [header, ["张某", "13800001234", "红柳镇白杨村党支部", "广东", "深圳"]])
    later = START + dt.timedelta(days=30)
    report = run(session, [header, ["张某", "13800001234", "红柳镇白杨村党支部", "江苏省", "苏州市"]], now=later)
    assert (report.created, report.updated) == (0, 1)
    changes = session.scalars(select(MemberChange).order_by(MemberChange.field)).all()
    assert [(c.field, c.old_value, c.new_value, c.source, c.changed_at) for c in changes] == [
        ("current_city", "深圳", "苏州", "import", later),
        ("current_province", "广东", "江苏", "import", later),
    ]


def test_csv_in_gb18030_with_combined_destination(session, tmp_path):
    path = tmp_path / "台账.csv"
    path.write_bytes("某村台账\n姓名,联系电话,所属党组织,\"流动\n去向\",外出时间\n"
                     "张某,138-0000-1234,红柳镇白杨村党支部,广东省深圳市宝安区,2023年3月\n"
                     "合计：1人\n".encode("gb18030"))
    report = run(session, path)
    assert (report.created, report.errors) == (1, [])
    member = session.scalar(select(Member))
    assert (member.current_province, member.current_city, member.current_district, member.away_since) == (
        "广东", "深圳", "宝安区", dt.date(2023, 3, 1))


def test_a_file_without_a_header_imports_nothing(session):
    with pytest.raises(CellError):
        run(session, [["张某", "13800001234", "红柳镇白杨村党支部"]])
    assert count(session) == 0


def test_other_formats_are_refused(tmp_path):
    path = tmp_path / "台账.xls"
    path.write_bytes(b"old")
    with pytest.raises(ValueError, match="只支持 .xlsx 或 .csv 文件"):
        read_table(path)


def test_headers_as_branch_staff_write_them(session):
    report = run(session, [["党员姓名", "手机", "所在支部", "现居住地", "流出时间"],
                           ["张某", "13800001234", "红柳镇白杨村党支部", "江苏省苏州市", "2023.3"]])
    assert (report.created, report.errors) == (1, [])
    member = session.scalar(select(Member))
    assert (member.current_province, member.current_city, member.away_since) == ("江苏", "苏州", dt.date(2023, 3, 1))


def test_a_missing_branch_column_is_named_not_every_row(session):
    with pytest.raises(CellError, match="^第1行是表头，但缺少“所属党支部”列"):
        run(session, [["姓名", "手机号", "流动去向"], ["张某", "13800001234", "广东省深圳市"]])
    assert count(session) == 0


def test_a_shared_phone_is_imported_and_named(session):
    make_member(session, make_branch(session), name="王某", phone="13800009999")
    session.commit()
    report = run(session, [["姓名", "手机号", "所属党支部"],
                           ["张某", "13800001234", "红柳镇白杨村党支部"],
                           ["张某某", "13800001234", "红柳镇白杨村党支部"],
                           ["赵某", "13800009999", "红柳镇白杨村党支部"]])
    assert report.summary().splitlines() == [
        "导入完成：新增 3 人，更新 0 人，无变化 0 人；有问题的行 0 行（未导入）。",
        "请核对以下 2 行（已导入）：",
        "  第3行（张某某）：手机号与第2行（张某）相同，已照常导入；如果是家人共用可不处理，否则请改正",
        "  第4行（赵某）：手机号与名册中的王某（白杨村党支部）相同，已照常导入；如果是家人共用可不处理，否则请改正",
    ]
    assert count(session) == 4


@pytest.mark.parametrize("header, cell, note, field", [
    ("入党时间", "2019年13月", "入党时间“2019年13月”看不懂，已留空", "joined_party_on"),
    ("入党时间", "2018-02-30", "入党时间“2018-02-30”看不懂，已留空", "joined_party_on"),
    ("外出时间", "昨天", "外出时间“昨天”看不懂，已留空", "away_since"),
    ("流出时间（年月）", "去年春天", "流出时间（年月）“去年春天”看不懂，已留空", "away_since"),
    ("性别", "未知", "性别“未知”看不懂，已留空", "gender"),
    ("工作单位", "某" * 101, "工作单位“某某某某某某某某某某…”太长（最多100个字），已留空", "employer"),
])
def test_an_unreadable_optional_cell_is_left_empty_and_named(session, header, cell, note, field):
    report = run(session, [["姓名", "手机号", "所属党支部", header],
                           ["张某", "13800001234", "红柳镇白杨村党支部", cell]])
    lines = report.summary().splitlines()
    assert lines[0] == "导入完成：新增 1 人，更新 0 人，无变化 0 人；有问题的行 0 行（未导入）。"
    assert lines[-2:] == ["请核对以下 1 行（已导入）：", f"  第2行（张某）：{note}"]
    member = session.scalar(select(Member))
    assert (member.name, member.phone, getattr(member, field)) == ("张某", "13800001234", None)


def test_a_bad_required_cell_still_refuses_the_row_and_names_every_problem(session):
    report = run(session, [["姓名", "手机号", "所属党支部", "入党时间"],
                           ["张某", "1380000123", "红柳镇白杨村党支部", "昨天"]])
    assert report.errors == [(2, "张某", "手机号应为11位数字（表中是“1380000123”）；入党时间“昨天”看不懂")]
    assert report.warnings == [] and count(session) == 0


def test_an_unreadable_cell_on_reimport_keeps_what_the_roster_has(session):
    header = ["姓名", "手机号", "所属党支部", "入党时间"]
    run(session, [header, ["张某", "13800001234", "红柳镇白杨村党支部", "2019.3"]])
    report = run(session, [header, ["张某", "13800001234", "红柳镇白杨村党支部", "2019年13月"]])
    assert (report.unchanged, [str(n) for n in report.warnings]) == (
        1, ["第2行（张某）：入党时间“2019年13月”看不懂，已留空"])
    assert session.scalar(select(Member)).joined_party_on == dt.date(2019, 3, 1)


def test_columns_not_imported_are_named_so_staff_can_rename_them(session):
    report = run(session, [["序号", "姓名", "手机号", "所属党支部", "籍贯", "婚姻状况"],
                           [1, "张某", "13800001234", "红柳镇白杨村党支部", "山西", "已婚"]])
    assert report.summary().splitlines()[:2] == [
        "导入完成：新增 1 人，更新 0 人，无变化 0 人；有问题的行 0 行（未导入）。",
        "未识别的列（未导入）：籍贯、婚姻状况；如需导入，请把表头改成常用写法（如“流动去向（市）”“工作单位”）后重新导入",
    ]


@pytest.mark.parametrize("header, cell, stored", [
    (["现在在哪（省）", "现在在哪（市）"], ["广东", "深圳"], ("广东", "深圳", None)),
    (["流动去向（省）", "流动去向（市）"], [None, "广东深圳"], ("广东", "深圳", None)),
    (["流动去向（省）", "流动去向（市）"], ["广东省", "广东省深圳市"], ("广东", "深圳", None)),
    (["所在省份", "所在城市"], [None, "深圳市南山区"], ("广东", "深圳", "南山区")),
    (["流动地点"], ["广东省深圳市南山区"], ("广东", "深圳", "南山区")),
    (["务工地"], ["深圳"], ("广东", "深圳", None)),
    (["流动地点"], ["广东省"], ("广东", None, None)),
    (["现在在哪（市）", "流动地点"], [None, "深圳市南山区"], ("广东", "深圳", "南山区")),
    (["现在在哪（市）", "流动地点"], ["苏州", "深圳市南山区"], (None, "苏州", None)),  # the 市 column wins
])
def test_whereabouts_as_staff_head_and_write_them(session, header, cell, stored):
    report = run(session, [["姓名", "手机号", "所属党支部", *header],
                           ["张某", "13800001234", "红柳镇白杨村党支部", *cell]])
    assert (report.created, report.errors, report.warnings, report.unused_columns) == (1, [], [], [])
    member = session.scalar(select(Member))
    assert (member.current_province, member.current_city, member.current_district) == stored
