"""The fast .xlsx reader (``models.ledger_sheet``) gives what openpyxl gives, row for row."""
import datetime as dt

import openpyxl
import pytest
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from models.ledger_sheet import SheetReader
from tests.conftest import SHARED


def openpyxl_rows(path):
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    return [trim(r) for r in book.worksheets[0].iter_rows(values_only=True)]


def trim(row):
    row = list(row)
    while row and row[-1] is None:
        row.pop()
    return tuple(row)


def our_rows(path):
    sheet = SheetReader(str(path))
    try:
        return [trim(r) for r in sheet.rows()]
    finally:
        sheet.close()


@pytest.mark.parametrize("name", ["ledger_clean.xlsx", "ledger_messy.xlsx"])
def test_the_shared_ledgers_read_as_openpyxl_reads_them(name):
    assert our_rows(SHARED / "ledgers" / name) == openpyxl_rows(SHARED / "ledgers" / name)


@pytest.mark.parametrize("epoch", [None, CALENDAR_MAC_1904])
def test_strings_numbers_dates_gaps_and_rich_cells(tmp_path, epoch):
    book = openpyxl.Workbook()
    if epoch:
        book.epoch = epoch
    sheet = book.active
    sheet.append(["姓名", "手机号", "入党时间", "备注"])
    sheet.append(["张某", 13800001234, dt.datetime(2019, 3, 1), True])
    sheet.append(["王某", "138 0000 1235", 2019.3, "=SUM(1)"])
    sheet["B6"], sheet["D6"] = "13800001236", 0.5  # rows 4 and 5 missing, A6 and C6 empty
    sheet["C7"] = dt.date(2023, 1, 22)
    sheet["C7"].number_format = "yyyy/m/d"
    path = tmp_path / "台账.xlsx"
    book.save(path)
    ours = our_rows(path)
    assert ours == openpyxl_rows(path)
    assert ours[1] == ("张某", 13800001234, dt.datetime(2019, 3, 1), True)
    assert ours[3:6] == [(), (), (None, "13800001236", None, 0.5)]
