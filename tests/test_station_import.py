"""``kiteline import stations FILE`` and ``export stations`` as district staff run them: the station
list they keep in Excel — a title above the header, full-width digits, coordinates in many
spellings — becomes the stations members are told about; every bad row named, nothing
half-stored, a second import updating instead of adding; an exported list imports unchanged.
Also the city centres the nearest stations are measured from."""
import openpyxl
import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from bot.cli import main
from models.ledger import CellError
from models.places import city_centre, county_cities, prefecture_cities
from models.stations import Station
from models.stations.coordinates import parse_angle, point_from_cell, point_from_columns
from models.stations.geo import distance_km
from models.stations.sheet import parse_hotline
from tests.conftest import CONFIG_FILE

pytestmark = pytest.mark.postgres

HEADER = ["序号", "驿站名称", "省份", "城市", "地址", "经度", "纬度", "咨询热线", "服务时间", "服务内容"]
GOOD = [
    [1, "深圳龙华阳光驿站", "广东省", "深圳市龙华区", "民治街道示例路1号", "１１４．０４３８", "22.6256", "0755-55500100",
     "每天 9:00-21:00", "政策咨询，法律援助；临时歇脚"],
    [2, "东莞长安阳光驿站", None, "东莞", "长安镇示例路18号", "113°48′14″", "22°48′59″", 75555500300.0, None, None],
    [3, "昆山花桥阳光驿站", "江苏", "昆山", "花桥镇示例街2号", 121.0650, 31.3030, "4001234567", "工作日 9:00-17:30",
     "就业信息"],
]


def kiteline(db_url, *args):
    return CliRunner().invoke(main, ["--config", str(CONFIG_FILE), *args], env={"KITELINE_DATABASE__URL": db_url})


def stored(db_url) -> list[tuple]:
    with Session(create_engine(db_url)) as session:
        return [(s.name, s.province, s.city, s.district, s.address, s.latitude, s.longitude, s.hotline, s.hours,
                 s.services) for s in session.scalars(select(Station).order_by(Station.id))]


def workbook(path, rows, header=HEADER):
    """As a district keeps it: a title, a blank row, then the header and the rows."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["示例区阳光驿站名单（2026年12月）"])
    sheet.append([])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    sheet.append(["合计", "3个"])
    book.save(path)
    return str(path)


def test_a_messy_list_is_imported_and_a_second_import_changes_nothing(db_url, tmp_path):
    path = workbook(tmp_path / "驿站.xlsx", GOOD)
    result = kiteline(db_url, "import", "stations", path)
    assert result.exit_code == 0, result.output
    assert result.output == "阳光驿站导入完成：新增 3 个，更新 0 个，无变化 0 个。\n"
    assert stored(db_url) == [
        ("深圳龙华阳光驿站", "广东", "深圳", "龙华区", "民治街道示例路1号", 22.6256, 114.0438, "0755-55500100",
         "每天 9:00-21:00", "政策咨询、法律援助、临时歇脚"),
        ("东莞长安阳光驿站", "广东", "东莞", None, "长安镇示例路18号", 22.816389, 113.803889, "0755-55500300", "", None),
        ("昆山花桥阳光驿站", "江苏", "昆山", None, "花桥镇示例街2号", 31.303, 121.065, "400-123-4567", "工作日 9:00-17:30",
         "就业信息"),
    ]
    again = kiteline(db_url, "import", "stations", path)
    assert again.output == "阳光驿站导入完成：新增 0 个，更新 0 个，无变化 3 个。\n没有变化：文件与系统中的驿站一致。\n"


def test_a_reimport_updates_by_name_and_city_and_leaves_the_rest(db_url, tmp_path):
    kiteline(db_url, "import", "stations", workbook(tmp_path / "a.xlsx", GOOD))
    changed = [GOOD[0][:7] + ["0755-55500199"] + GOOD[0][8:]]
    result = kiteline(db_url, "import", "stations", workbook(tmp_path / "b.xlsx", changed))
    assert result.output == ("阳光驿站导入完成：新增 0 个，更新 1 个，无变化 0 个。\n已更新：深圳龙华阳光驿站\n"
                             "系统中另有 2 个驿站不在这个文件里，没有改动。\n")
    assert [s[7] for s in stored(db_url)] == ["0755-55500199", "0755-55500300", "400-123-4567"]


def test_bad_rows_are_each_named_and_nothing_is_stored(db_url, tmp_path):
    rows = [
        GOOD[0],
        [2, "东莞长安阳光驿站", "广东", "东莞", "长安镇示例路18号", 22.8165, 113.8040, "0769-55500300", None, None],  # swapped
        [3, "", "广东", "深圳", "示例路", 114.0, 22.5, "0755-55500101", None, None],
        [4, "拉萨阳光驿站", "西藏", "拉萨", "示例路", 191.13, 29.65, "0891-5550100", None, None],
        [5, "杭州萧山阳光驿站", "浙江", "杭州", "示例路", 120.26, 30.18, "5550", None, None],
        [6, "包头阳光驿站", "内蒙古", "包头", "示例大街", None, 40.66, "0472-5550200", None, None],
        [7, "深圳龙华阳光驿站", "广东", "深圳", "另一个地址", 114.0, 22.6, "0755-55500102", None, None],
    ]
    result = kiteline(db_url, "import", "stations", workbook(tmp_path / "bad.xlsx", rows))
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        "阳光驿站没有导入：有问题的行 5 行。为免只导入一半，其他行也没有写入；请改正以下各行后重新导入：",
        "  第6行：没写驿站名称",
        "  第7行（拉萨阳光驿站）：经度 191.13 不在国内范围（73–136），请核对坐标",
        "  第8行（杭州萧山阳光驿站）：咨询热线“5550”不是电话号码（手机号11位，座机请带区号，如 0471-5550001）",
        "  第9行（包头阳光驿站）：没写经度（可在高德地图或腾讯地图的坐标拾取器里查到）",
        "  第10行（深圳龙华阳光驿站）：深圳的深圳龙华阳光驿站在第4行已经有了，请只留一行",
    ]
    assert stored(db_url) == []


def test_latitude_and_longitude_swapped_are_swapped_back_and_said(db_url, tmp_path):
    rows = [[1, "东莞长安阳光驿站", "广东", "东莞", "长安镇示例路18号", 22.8165, 113.8040, "0769-55500300", None, None]]
    result = kiteline(db_url, "import", "stations", workbook(tmp_path / "swapped.xlsx", rows))
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "阳光驿站导入完成：新增 1 个，更新 0 个，无变化 0 个。",
        "请核对以下 1 行（已导入）：",
        "  第4行（东莞长安阳光驿站）：经度和纬度填反了，已按经度 113.804、纬度 22.8165 导入，请在表里改正",
    ]
    assert stored(db_url)[0][5:7] == (22.8165, 113.804)


def test_a_csv_with_one_coordinates_column_and_a_dry_run(db_url, tmp_path):
    path = tmp_path / "驿站.csv"
    path.write_text("驿站名称,城市,地址,经纬度,电话\n成都武侯阳光驿站,成都,武侯区示例巷5号,\"104.043,30.642\",028-55500700\n",
                    encoding="utf-8-sig")
    result = kiteline(db_url, "import", "stations", str(path), "--dry-run")
    assert result.output.splitlines()[1] == "试导入结果：新增 1 个，更新 0 个，无变化 0 个。"
    assert stored(db_url) == []
    kiteline(db_url, "import", "stations", str(path))
    assert stored(db_url) == [("成都武侯阳光驿站", "四川", "成都", None, "武侯区示例巷5号", 30.642, 104.043, "028-55500700",
                               "", None)]


def test_a_list_without_coordinates_columns_is_refused_whole(db_url, tmp_path):
    path = workbook(tmp_path / "no.xlsx", [[1, "深圳驿站", "广东", "深圳", "示例路"]], header=HEADER[:5] + ["电话"])
    result = kiteline(db_url, "import", "stations", path)
    assert result.exit_code == 2
    assert "第3行是表头，但缺少“经度”“纬度”列（或一列“经纬度”），阳光驿站没有导入。" in result.output


def test_an_exported_list_imports_unchanged(db_url, tmp_path):
    kiteline(db_url, "import", "stations", workbook(tmp_path / "a.xlsx", GOOD))
    out = tmp_path / "导出.xlsx"
    result = kiteline(db_url, "export", "stations", str(out))
    assert result.output == f"已导出 3 个阳光驿站到 {out}。改好后用 kiteline import stations 导入。\n"
    header = next(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    assert header == ("驿站名称", "省份", "城市", "区县", "地址", "经度", "纬度", "咨询热线", "服务时间", "服务内容")
    again = kiteline(db_url, "import", "stations", str(out))
    assert again.output.startswith("阳光驿站导入完成：新增 0 个，更新 0 个，无变化 3 个。")


@pytest.mark.parametrize("cell, degrees", [
    ("113.95", 113.95), ("１１３．９５", 113.95), ("113.95°", 113.95), ("东经113.95", 113.95), ("113.95E", 113.95),
    ("113°57′", 113.95), ("113°57′0″", 113.95), ("22度30分", 22.5), (113.95, 113.95),
])
def test_angles_in_their_spellings(cell, degrees):
    assert parse_angle(cell, "经度") == pytest.approx(degrees)


@pytest.mark.parametrize("cell", ["113.95,22.54", "22.54,113.95", "113.95 22.54", "113.95，22.54", "113.95; 22.54"])
def test_one_cell_holds_both_in_either_order(cell):
    assert point_from_cell(cell)[:2] == (22.54, 113.95)


@pytest.mark.parametrize("lon, lat, reason", [
    ("abc", 22, "经度“abc”不是经纬度数字（写小数，如 113.95）"),
    (113, 80, "纬度 80 不在国内范围（3–54），请核对坐标"),
    (-113, 22, "经度 -113 不在国内范围（73–136），请核对坐标"),
    ("113°61′", 22, "经度“113°61′”的分、秒应小于60"),
    (None, None, "没写经度、纬度（可在高德地图或腾讯地图的坐标拾取器里查到）"),
])
def test_bad_coordinates_are_refused_with_the_reason(lon, lat, reason):
    with pytest.raises(CellError, match=reason.replace("(", r"\(")):
        point_from_columns(lon, lat)


@pytest.mark.parametrize("cell, hotline", [("0755-55500100", "0755-55500100"), ("075555500100", "0755-55500100"),
                                           ("400-123-4567", "400-123-4567"), ("12348", "12348"),
                                           (13800001234, "13800001234"), ("010 5550 0600", "010-55500600")])
def test_hotlines_as_lists_write_them(cell, hotline):
    assert parse_hotline(cell) == hotline


@pytest.mark.parametrize("city, lat, lon", [("北京", 39.90, 116.41), ("上海", 31.23, 121.47), ("深圳", 22.54, 114.06),
                                            ("乌鲁木齐", 43.83, 87.62), ("拉萨", 29.65, 91.17), ("哈尔滨", 45.80, 126.53),
                                            ("三亚", 18.25, 109.51), ("包头", 40.62, 109.95), ("昆山", 31.39, 120.98)])
def test_city_centres_match_known_values(city, lat, lon):
    centre = city_centre(city)
    assert centre is not None and distance_km(*centre, lat, lon) < 5


def test_every_mainland_prefecture_city_has_a_centre():
    missing = [city for city, province, _ in prefecture_cities() if province != "台湾" and city_centre(city) is None]
    assert missing == []
    assert sum(city_centre(c) is not None for c, _, _ in county_cities()) > 350
    assert distance_km(*city_centre("北京"), *city_centre("上海")) == pytest.approx(1067, abs=5)
