"""Reading the cells and headers of a liaison list and the org file's 红色联络员 column: the
parsing rules as tables."""
import pytest

from models.ledger import CellError
from models.liaisons.people import parse_people
from models.liaisons.sheet import find_header, read_liaison_sheet


@pytest.mark.parametrize("cell, people", [
    (None, []),
    ("", []),
    ("李某", [("李某", None)]),
    ("张某 13800001234、李某", [("张某", "13800001234"), ("李某", None)]),
    ("张某(138-0000-1234)，李某", [("张某", "13800001234"), ("李某", None)]),
    ("张某/13800001234 李某 电话13900001111", [("张某", "13800001234"), ("李某", "13900001111")]),
    ("张某：１３８００００１２３４；李某", [("张某", "13800001234"), ("李某", None)]),
    ("阿依古丽·买买提 13800001234", [("阿依古丽·买买提", "13800001234")]),
    ("张某\n李某", [("张某", None), ("李某", None)]),
])
def test_people_in_a_cell(cell, people):
    assert parse_people(cell, "联络员") == people


@pytest.mark.parametrize("cell, reason", [
    ("13800001234", "联络员一栏的电话“138****1234”前面没写姓名，请写成“张某 13900001111”"),
    ("张某 13800001234 13900001111", "联络员一栏的电话“139****1111”前面没写姓名，请写成“张某 13900001111”"),
    ("张某 1380000123", "联络员张某的手机号应为11位数字（表中是“1380000123”）"),
    ("这是一个非常非常非常非常非常非常非常长的名字", "联络员一栏：姓名“这是一个非常非常非常非常非常非常非常长的名字”看起来不对"),
])
def test_cells_that_name_no_one_say_why(cell, reason):
    with pytest.raises(CellError) as exc:
        parse_people(cell, "联络员")
    assert str(exc.value) == reason


@pytest.mark.parametrize("header, columns", [
    (["所属党组织", "联络员姓名", "联系电话", "负责党员"], {0: "branch", 1: "name", 2: "phone", 3: "members"}),
    (["乡镇", "支部", "红色联络员", "联络员手机号", "联系对象", "党员电话"],
     {0: "township", 1: "branch", 2: "name", 3: "phone", 4: "members", 5: "member_phone"}),
    (["党支部名称", "联络员（姓名）", "结对党员", "联系电话"], {0: "branch", 1: "name", 2: "members", 3: "member_phone"}),
])
def test_header_words(header, columns):
    assert find_header([["红色联络员名单"], header]) == (1, columns)


def test_a_header_without_the_liaison_is_refused():
    with pytest.raises(CellError, match="第1行是表头，但缺少“联络员姓名”列"):
        find_header([["所属党支部", "负责党员"]])


def test_a_township_column_goes_before_the_branch_and_a_member_phone_to_a_lone_member():
    sheet = read_liaison_sheet([["乡镇", "支部", "联络员", "负责党员", "党员电话"],
                                ["红柳镇", "白杨村党支部", "李某 13900000001", "张某", "13800001234"],
                                ["红柳镇", "红柳镇沙河村党支部", "王某、周某", None, None]])
    assert [(r.row, r.branch, r.liaisons, r.members) for r in sheet.rows] == [
        (2, "红柳镇白杨村党支部", [("李某", "13900000001")], [("张某", "13800001234")]),
        (3, "红柳镇沙河村党支部", [("王某", None), ("周某", None)], [])]
