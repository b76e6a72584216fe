"""The org file's reading rules as tables: which header names which column, which phone is one,
and how a two-row header and merged cells read."""
import openpyxl
import pytest

from models.ledger import CellError
from models.org_file import header_key, parse_office_phone, read_org_rows
from models.org_rows import read_org_file


@pytest.mark.parametrize("cell, key", [
    ("乡镇（街道）", "township"), ("乡镇(街道)", "township"), ("乡镇", "township"), ("街道", "township"),
    ("所属乡镇", "township"), ("所属乡镇（街道）", "township"), ("苏木镇", "township"), ("乡镇党委", "township"),
    ("党支部", "branch"), ("党支部名称", "branch"), ("支部", "branch"), ("所属党组织", "branch"),
    ("书记", "secretary"), ("书记姓名", "secretary"), ("支部书记", "secretary"), ("党组织书记", "secretary"),
    ("书记电话", "secretary_phone"), ("书记手机号码", "secretary_phone"), ("支部书记联系电话", "secretary_phone"),
    ("支部电话", "branch_phone"), ("党支部联系电话", "branch_phone"), ("支部办公电话", "branch_phone"),
    ("乡镇联系人", "contact"), ("乡镇（街道）联系人", "contact"), ("街道党工委联系人", "contact"),
    ("乡镇联系电话", "contact_phone"), ("乡镇联系人电话", "contact_phone"), ("乡镇联系人手机", "contact_phone"),
    ("联系电话", "phone"), ("手机", "phone"),
    ("序号", None), ("备注", None), ("联系人", None), (None, None),
])
def test_header_words(cell, key):
    assert header_key(cell) == key


@pytest.mark.parametrize("cell, stored", [
    ("0471-5550001", "0471-5550001"), ("0471 5550001", "0471-5550001"), ("(0471)5550001", "0471-5550001"),
    ("010-55500001转801", "010-55500001转801"), ("０２１－５５５０００１２", "021-55500012"),
    ("13700001104", "13700001104"), (13700001104, "13700001104"), (13700001104.0, "13700001104"),
    ("137-0000-1104", "13700001104"), (None, None), ("", None),
])
def test_an_office_phone_is_a_mobile_or_a_landline_with_its_area_code(cell, stored):
    assert parse_office_phone(cell, "支部电话") == stored


@pytest.mark.parametrize("cell", ["5550001", "12345", "0471-555", "电话待补", "4715550001"])
def test_an_office_phone_that_is_not_one(cell):
    with pytest.raises(CellError, match="^支部电话“.+”不是电话号码（手机号11位，座机请带区号，如 0471-5550001）$"):
        parse_office_phone(cell, "支部电话")


def test_a_two_row_header_under_merged_cells(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["乡镇（街道）", "党支部", "书记", None, "乡镇联系人", None])
    sheet.append([None, None, "姓名", "电话", "姓名", "电话"])
    sheet.append(["红柳镇", "白杨村党支部", "王某", "13700001001", "赵某", "13700002001"])
    for cells in ("A1:A2", "B1:B2", "C1:D1", "E1:F1"):
        sheet.merge_cells(cells)
    book.save(tmp_path / "组织架构.xlsx")
    found = read_org_file(read_org_rows(tmp_path / "组织架构.xlsx"), "示例区")
    assert (found.errors, found.unused_columns) == ([], [])
    branch = found.branches[("红柳镇", "白杨村党支部")]
    assert (branch.row, str(branch.secretary), str(found.townships["红柳镇"].contact)) == (
        3, "王某（137****1001）", "赵某（137****2001）")


def test_a_branch_listed_twice_alike_is_read_once_and_noted():
    rows = [["乡镇", "党支部", "书记"], ["红柳镇", "白杨村党支部", "王某"], ["红柳镇", "红柳镇白杨村党支部", "王某"]]
    found = read_org_file(rows, "示例区")
    assert list(found.branches) == [("红柳镇", "白杨村党支部")]
    assert [str(n) for n in found.notes] == ["第3行（白杨村党支部）：与第2行重复，按一行导入"]
