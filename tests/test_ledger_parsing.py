"""Parsing rules for ledger cells and chat text, as tables: what branches and members write →
what is stored (or the reason the row is refused)."""
import datetime as dt

import pytest

from models.binding import parse_bind_text
from models.ledger import (
    CellError,
    find_header,
    header_key,
    is_footer,
    parse_away_reason,
    parse_destination,
    parse_gender,
    parse_month,
    parse_phone,
    unused_headers,
)
from models.places import normalise_city, normalise_province, split_destination


@pytest.mark.parametrize("cell, stored", [
    ("13800001234", "13800001234"),
    (13800001234, "13800001234"),
    (13800001234.0, "13800001234"),
    ("１３８００００１２３４", "13800001234"),
    ("138-0000-1234", "13800001234"),
    (" 138 0000 1234 ", "13800001234"),
    ("+86 13800001234", "13800001234"),
    ("8613800001234", "13800001234"),
])
def test_phones_as_ledgers_write_them(cell, stored):
    assert parse_phone(cell) == stored


@pytest.mark.parametrize("cell, reason", [
    ("1380000123", "手机号应为11位数字（表中是“1380000123”）"),
    ("", "手机号为空"),
    (None, "手机号为空"),
    ("0471-5550001", "“0471-5550001”不是手机号（应为1开头的11位手机号）"),
    ("12800001234", "“12800001234”不是手机号（应为1开头的11位手机号）"),
    ("138OOOO1234", "手机号应为11位数字（表中是“138OOOO1234”）"),
])
def test_bad_phones_are_refused_with_the_reason(cell, reason):
    with pytest.raises(CellError) as err:
        parse_phone(cell)
    assert str(err.value) == reason


@pytest.mark.parametrize("cell, stored", [
    ("2023.3", dt.date(2023, 3, 1)),
    (2013.8, dt.date(2013, 8, 1)),
    ("2023年3月", dt.date(2023, 3, 1)),
    ("2023年3月15日", dt.date(2023, 3, 15)),
    ("2023/03/15", dt.date(2023, 3, 15)),
    ("2023-3", dt.date(2023, 3, 1)),
    ("２０２３．３", dt.date(2023, 3, 1)),
    ("202303", dt.date(2023, 3, 1)),
    (45000, dt.date(2023, 3, 15)),
    (dt.datetime(2022, 4, 25), dt.date(2022, 4, 25)),
    (dt.date(2022, 4, 25), dt.date(2022, 4, 25)),
    ("", None),
    (None, None),
])
def test_dates_as_ledgers_write_them(cell, stored):
    assert parse_month(cell) == stored


@pytest.mark.parametrize("cell, reason", [
    ("2024.13", "日期“2024.13”的月份或日子不对"),
    ("2023/02/30", "日期“2023/02/30”的月份或日子不对"),
    ("1899.1", "日期“1899.1”的年份不对"),
    ("去年三月", "日期“去年三月”看不懂，请写成 2023.3 或 2023年3月"),
])
def test_bad_dates_are_refused_with_the_reason(cell, reason):
    with pytest.raises(CellError) as err:
        parse_month(cell)
    assert str(err.value) == reason


@pytest.mark.parametrize("cell, code", [
    ("务工", "work"), ("外出打工", "work"), ("经商", "business"), ("做生意", "business"),
    ("求学", "study"), ("读书", "study"), ("随迁", "family"), ("探亲", "family"),
    ("其他", "other"), ("照看果园", "other"), ("", None), (None, None),
])
def test_away_reasons_map_to_codes(cell, code):
    assert parse_away_reason(cell) == code


@pytest.mark.parametrize("cell, stored", [("男", "男"), ("女性", "女"), (" 女 ", "女"), (None, None)])
def test_gender(cell, stored):
    assert parse_gender(cell) == stored


@pytest.mark.parametrize("cell, key", [
    ("姓名", "name"), ("姓 名", "name"), ("联系电话 ", "phone"), ("手机号码", "phone"),
    ("所属党支部", "branch"), ("所属党组织", "branch"), ("流动去向\n（省）", "province"),
    ("流动去向（市）", "city"), ("流动去向", "destination"), ("外出时间", "away_since"),
    ("外出原因", "away_reason"), ("工作单位", "employer"), ("入党时间", "joined_party_on"),
    ("备注", "note"), ("序号", None), (None, None),
    # what branch staff also write
    ("名字", "name"), ("党员姓名", "name"), ("电话", "phone"), ("手机", "phone"), ("联系方式", "phone"),
    ("支部", "branch"), ("党支部", "branch"), ("所在支部", "branch"), ("所在党组织", "branch"),
    ("流入地", "destination"), ("现居住地", "destination"), ("现住址", "destination"),
    ("流入地（省）", "province"), ("流入地（市）", "city"), ("流出时间", "away_since"),
    ("红色联络员", "liaison"), ("联络员", "liaison"), ("联系人（联络员）", "liaison"),
    ("联络员（姓名及电话）", "liaison"), ("联络员电话", "liaison_phone"), ("红色联络员手机号", "liaison_phone"),
    # where members are, as staff also head it
    ("现在在哪", "destination"), ("现在在哪（省）", "province"), ("现在在哪（市）", "city"),
    ("流动地点", "destination"), ("所在城市", "city"), ("工作城市", "city"), ("工作地", "destination"),
    ("工作地点", "destination"), ("务工地", "destination"), ("外出务工地点", "destination"),
    ("所在地", "destination"), ("目前所在地（市）", "city"), ("打工地点", "destination"),
    # look like ours, are not
    ("支部书记", None), ("紧急联系人电话", None), ("入党介绍人", None),
    ("流入地党组织", None), ("所在地党组织名称", None), ("户籍地", None), ("家庭住址", None),
    ("籍贯", None), ("务工单位", "employer"), ("流动原因", "away_reason"),
    ("外出务工时间", "away_since"), ("所在党支部", "branch"),
])
def test_header_words(cell, key):
    assert header_key(cell) == key


def test_header_row_is_found_below_titles():
    rows = [["某镇流动党员台账", None], ["填报日期：2024年12月", None], [None, None],
            ["序号", "姓 名", "联系\n电话", "所属党支部"]]
    assert find_header(rows) == (3, {1: "name", 2: "phone", 3: "branch"})


def test_a_sheet_without_a_header_is_refused():
    with pytest.raises(CellError):
        find_header([["张某", "13800001234"]])


def test_a_sign_off_line_above_the_header_is_not_the_header():
    rows = [["填报单位：红柳镇", "联系电话：0471-5550001"], ["姓名", "手机号", "所属党支部"]]
    assert find_header(rows) == (1, {0: "name", 1: "phone", 2: "branch"})


@pytest.mark.parametrize("header, missing", [
    (["姓名", "手机号", "支部书记", "外出时间"], "缺少“所属党支部”列"),
    (["序号", "姓名", "所属党支部"], "缺少“手机号”列"),
    (["党员", "流动去向", "外出时间", "支部"], "缺少“姓名”、“手机号”列"),
])
def test_a_header_without_a_required_column_names_it(header, missing):
    with pytest.raises(CellError) as err:
        find_header([["某村流动党员台账"], header, ["张某", "13800001234", "红柳镇白杨村党支部"]])
    assert str(err.value) == f"第2行是表头，但{missing}（请在表头加上、每人填好后重新导入）"


@pytest.mark.parametrize("header, unused", [
    (["序号", "姓名", "手机号", "所属党支部"], []),
    (["姓名", "手机号", "所属党支部", "籍贯", "流入地党组织"], ["籍贯", "流入地党组织"]),
    (["姓名", "手机号", "所属党支部", "婚姻\n状况（是否）", None, " "], ["婚姻状况（是否）"]),
    (["姓名", "手机号", "电话", "所属党支部"], ["电话"]),  # the first phone column counts
])
def test_headers_not_imported_are_named_as_written(header, unused):
    _, columns = find_header([header])
    assert unused_headers(header, columns) == unused


@pytest.mark.parametrize("province, city, stored", [
    ("广东", "深圳", ("广东", "深圳", None)),
    (None, "广东深圳", ("广东", "深圳", None)),
    ("", "广东省深圳市", ("广东", "深圳", None)),
    (None, "深圳市南山区", ("广东", "深圳", "南山区")),
    ("广东省", "深圳市南山区", ("广东", "深圳", "南山区")),
    (None, "北京市朝阳区", ("北京", "北京", "朝阳区")),
    ("内蒙古", "内蒙古包头市", ("内蒙古", "包头", None)),
    ("吉林", "吉林市", ("吉林", "吉林", None)),  # the city 吉林, not the province again
    (None, "包头市", (None, "包头", None)),
    ("湖北", "沙市", ("湖北", "沙市", None)),
    ("广东", None, ("广东", None, None)),
])
def test_a_city_cell_naming_province_or_district_is_split(province, city, stored):
    parts = parse_destination({"province": province, "city": city})
    assert (parts["current_province"], parts["current_city"], parts.get("current_district")) == stored


@pytest.mark.parametrize("row, footer", [
    (["合计：64人", None], True), (["填表人：某某    审核人：某某"], True), ([None, " "], True),
    ([62, None, "女"], False),
])
def test_footer_rows(row, footer):
    assert is_footer(row) is footer


@pytest.mark.parametrize("text, province, city", [
    ("广东省", "广东", None), ("内蒙古自治区", "内蒙古", None), ("北京市", "北京", None),
    ("广西壮族自治区", "广西", None),
])
def test_province_suffixes(text, province, city):
    assert normalise_province(text) == province


@pytest.mark.parametrize("text, city", [("包头市", "包头"), ("呼和浩特市 ", "呼和浩特"), ("深圳", "深圳"), ("沙市", "沙市")])
def test_city_suffixes(text, city):
    assert normalise_city(text) == city


@pytest.mark.parametrize("label, parts", [
    ("广东省深圳市福田区福华一路", ("广东", "深圳", "福田区")),
    ("上海市浦东新区世纪大道100号", ("上海", "上海", "浦东新区")),
    ("内蒙古自治区包头市昆都仑区", ("内蒙古", "包头", "昆都仑区")),
    ("苏州工业园区星湖街", ("江苏", "苏州", "工业园区")),
    ("某个没有地名的地方", (None, None, None)),
])
def test_location_labels(label, parts):
    assert split_destination(label) == parts


@pytest.mark.parametrize("text, parsed", [
    ("绑定 张某 13800001234", ("张某", "13800001234")),
    ("绑定张某13800001234", ("张某", "13800001234")),
    ("绑定：张某，138-0000-1234", ("张某", "13800001234")),
    ("绑定　张某　１３８００００１２３４", ("张某", "13800001234")),
    ("我是张某某，手机号 138 0000 1234", ("张某某", "13800001234")),
    ("你好，我叫张某，我的手机号是13800001234", ("张某", "13800001234")),
    ("绑定 13800001234", (None, "13800001234")),
    ("绑定 张某", ("张某", None)),
    ("绑定", (None, None)),
])
def test_bind_messages(text, parsed):
    assert parse_bind_text(text) == parsed
