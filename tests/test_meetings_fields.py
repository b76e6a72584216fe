"""A meeting's fields as staff write them (``models.meetings.fields``): the kind by its usual
names, the start in Beijing time however a sheet or a command line holds it, the 4-digit code."""
from __future__ import annotations

import datetime as dt

import pytest

from models.clock import SHANGHAI
from models.ledger import CellError
from models.meetings.fields import parse_code, parse_kind, parse_start, parse_where

AT = dt.datetime(2026, 12, 20, 19, 30, tzinfo=SHANGHAI)


@pytest.mark.parametrize(("cell", "time_cell"), [
    ("2026-12-20 19:30", None), ("2026/12/20 19:30", None), ("2026.12.20 19：30", None),
    ("２０２６－１２－２０　１９：３０", None), ("2026年12月20日 晚上7点半", None), ("2026年12月20日19点30分", None),
    (dt.datetime(2026, 12, 20, 19, 30), None), (46376.8125, None),           # an Excel date-time, or its serial
    (dt.date(2026, 12, 20), dt.time(19, 30)), ("2026-12-20", "19:30"), (46376, 0.8125), ("2026年12月20日", "下午7点半"),
])
def test_the_start_is_read_in_beijing_time(cell, time_cell):
    assert parse_start(cell, time_cell) == AT.astimezone(dt.UTC)


@pytest.mark.parametrize(("cell", "reason"), [
    ("2026-12-20", "开始时间“2026-12-20”没写几点，请写成 2026-12-20 19:30"),
    ("12月20日 19:30", "日期“12月20日 19:30”看不懂，请写成 2026-12-20 19:30（年月日都要写）"),
    ("2026-02-30 19:30", "日期“2026-02-30 19:30”的月份或日子不对"),
    ("2026-12-20 25:00", "时间“25:00”不对（0:00 到 23:59）"),
    ("2026-12-20 傍晚", "时间“傍晚”看不懂，请写成 19:30"),
    (None, "开始时间为空"),
])
def test_a_start_that_cannot_be_read_says_why(cell, reason):
    with pytest.raises(CellError) as err:
        parse_start(cell)
    assert str(err.value) == reason


@pytest.mark.parametrize(("cell", "kind"), [
    ("支部党员大会", "branch_assembly"), ("党员大会", "branch_assembly"), ("支委会", "committee"),
    ("党小组会", "group"), ("专题党课", "lesson"), ("主题党日活动", "theme_day"), ("专题组织生活会", "life_meeting"),
    ("民主评议党员", "life_meeting"), ("theme_day", "theme_day"),
])
def test_the_kind_by_its_usual_names(cell, kind):
    assert parse_kind(cell) == kind


@pytest.mark.parametrize(("cell", "code"), [("4821", "4821"), ("４８２１", "4821"), (4821.0, "4821"), (" 0427 ", "0427"),
                                            (None, None), ("", None)])
def test_the_code_is_four_digits(cell, code):
    assert parse_code(cell) == code


@pytest.mark.parametrize("cell", ["482", "48211", "48a1", 4821.5])
def test_another_code_is_refused(cell):
    with pytest.raises(CellError, match="应为4位数字"):
        parse_code(cell)


def test_a_meeting_is_somewhere():
    assert parse_where(" 村委会 ", None) == ("村委会", None)
    with pytest.raises(CellError, match="没写会议地点，也没写线上会议链接"):
        parse_where("", None)
