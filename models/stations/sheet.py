"""Reading a station list (阳光驿站名单) as a district keeps it in Excel or CSV: 驿站名称, 省份,
城市, 区县, 地址, 经度, 纬度 (or one 经纬度 column), 电话 / 咨询热线, 服务时间, 服务内容.

Read as forgivingly as the org file (``models.org_file``): the header found wherever it is in the
first 20 rows, headers in their usual variants, full-width digits, phones as numbers, a city cell
with its district (深圳市龙华区), coordinates as ``models.stations.coordinates`` reads them. Every
row is checked and each bad one named with all its problems; coordinates written in each other's
columns are swapped and noted. Pure: nothing is stored here (``models.stations.sheet_import``).
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from models.ledger import (
    MOBILE,
    CellError,
    header_text,
    is_footer,
    parse_text,
    quoted,
    unused_headers,
)
from models.ledger_report import RowNote
from models.org_file import header_row, parse_office_phone
from models.places import (
    clean,
    normalise_city,
    normalise_province,
    province_of,
    split_destination,
)
from models.stations.coordinates import Point, point_from_cell, point_from_columns

PHONE_WORDS = ("咨询热线", "服务热线", "热线电话", "热线", "驿站电话", "联系电话", "联系方式", "电话号码", "电话",
               "手机")
# Column -> header words naming it (the cleaned header, brackets dropped, starts with one); tried
# in this order, so 驿站地址 is the address, not the name, and 服务时间 is not 服务内容.
HEADER_WORDS: dict[str, tuple[str, ...]] = {
    "address": ("驿站地址", "详细地址", "所在地址", "地址"),
    "hotline": PHONE_WORDS,
    "hours": ("服务时间", "开放时间", "营业时间", "办公时间", "工作时间", "时间"),
    "services": ("服务内容", "服务项目", "服务事项", "提供服务", "服务"),
    "coordinates": ("经纬度", "坐标", "位置坐标"),
    "longitude": ("经度", "东经", "lng", "lon"),
    "latitude": ("纬度", "北纬", "lat"),
    "district": ("所在区县", "区县", "县区", "区"),
    "city": ("所在城市", "城市", "地市", "市"),
    "province": ("所在省份", "省份", "省"),
    "name": ("驿站名称", "站点名称", "驿站", "名称"),
}
REQUIRED = {"name": "驿站名称", "city": "城市", "address": "地址", "hotline": "咨询热线"}
COLUMN_NAMES = {"province": "省份", "district": "区县", "hours": "服务时间", "services": "服务内容",
                "longitude": "经度", "latitude": "纬度", "coordinates": "经纬度"}
# A hotline that is neither a mobile nor a landline with its area code: a 400/800 service
# number (400-123-4567) or a short public line (12345, 12348 法律援助).
SERVICE_NUMBER = re.compile(r"^([48]00)[-－—]?(\d{3})[-－—]?(\d{4})$")
SHORT_NUMBER = re.compile(r"^1\d{4}$")
# Items of a 服务内容 cell: 政策咨询、法律援助；临时休息 / one a line.
SERVICE_SEPARATORS = re.compile(r"\s*[、,，;；/|\n]+\s*")
LIMITS = {"name": 100, "address": 200, "hours": 64, "services": 500, "district": 32}


@dataclass
class ListedStation:
    """One row read: the station as it will be stored, and its sheet row number."""

    row: int
    name: str
    province: str
    city: str
    district: str | None
    address: str
    hotline: str
    hours: str
    services: str | None
    point: Point


@dataclass
class StationSheet:
    """What a station list says: its stations in file order, the rows that stop the import
    (``errors``), rows read with a remark (``warnings``: coordinates swapped) and the headers
    not read."""

    stations: list[ListedStation] = field(default_factory=list)
    errors: list[RowNote] = field(default_factory=list)
    warnings: list[RowNote] = field(default_factory=list)
    unused_columns: list[str] = field(default_factory=list)


def read_station_sheet(rows: Sequence[Sequence[object]]) -> StationSheet:
    """Every row of a station list (as ``models.org_file.read_org_rows`` gives them) read and
    checked; a station named twice in one city is an error on the later row. Raises
    :class:`CellError` for an empty file, no usable header (it needs 驿站名称, 城市, 地址, 咨询热线
    and 经度 + 纬度 or 经纬度), or no station under it."""
    index, columns = header_row(rows, HEADER_WORDS, (), phone_of={}, required=REQUIRED)
    keys = set(columns.values())
    if "coordinates" not in keys and not {"longitude", "latitude"} <= keys:
        raise CellError(f"第{index + 1}行是表头，但缺少“经度”“纬度”列（或一列“经纬度”）")
    header = rows[index]
    sheet = StationSheet(unused_columns=unused_headers(header, columns))
    headers = {**COLUMN_NAMES, **REQUIRED, **{key: header_text(header[col]) for col, key in columns.items()}}
    seen: dict[tuple[str, str], int] = {}
    for number, cells in enumerate(rows[index + 1:], start=index + 2):
        if is_footer(cells):
            continue
        fields = {key: cells[col] for col, key in columns.items() if col < len(cells)}
        name = clean(fields.get("name")) or None
        try:
            listed = _read_row(number, fields, headers)
            earlier = seen.setdefault((listed.name, listed.city), number)
            if earlier != number:
                raise CellError(f"{listed.city}的{listed.name}在第{earlier}行已经有了，请只留一行")
        except CellError as exc:
            sheet.errors.append(RowNote(number, quoted(name) if name else None, str(exc)))
            continue
        if listed.point.swapped:
            sheet.warnings.append(RowNote(number, listed.name, (
                f"{headers.get('longitude', '经度')}和{headers.get('latitude', '纬度')}填反了，已按经度 "
                f"{listed.point.longitude:g}、纬度 {listed.point.latitude:g} 导入，请在表里改正")))
        sheet.stations.append(listed)
    if not sheet.stations and not sheet.errors:
        raise CellError(f"第{index + 1}行是表头，但下面没有任何驿站")
    return sheet


def _read_row(number: int, fields: dict[str, object], headers: dict[str, str]) -> ListedStation:
    """One row read. Raises one CellError naming every problem of the row."""
    problems: list[str] = []

    def checked(read, *args):
        try:
            return read(*args)
        except CellError as exc:
            problems.append(str(exc))
            return None

    name = checked(_required_text, fields, "name", headers)
    province, city, district = checked(_place, fields, headers) or (None, None, None)
    address = checked(_required_text, fields, "address", headers)
    hotline = checked(parse_hotline, fields.get("hotline"), headers["hotline"])
    hours = checked(_text, fields, "hours", headers)
    services = checked(parse_services, fields.get("services"))
    point = checked(_point, fields)
    if problems:
        raise CellError("；".join(problems))
    return ListedStation(number, name, province, city, district, address, hotline, hours or "", services, point)


def parse_hotline(cell: object, header: str = "咨询热线") -> str:
    """A station's hotline: a mobile, a landline with its area code (``0755-55500100``; typed as a
    number, its lost leading 0 put back), a 400/800 number (``400-123-4567``) or a short public
    line (``12348``). Raises CellError otherwise."""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    text = re.sub(r"[\s()（）]", "", clean(cell))
    if isinstance(cell, int) and not MOBILE.fullmatch(text) and len(text) in (10, 11):
        text = "0" + text  # a landline typed as a number: Excel dropped its leading 0
    if not text:
        raise CellError(f"没写{header}")
    service = SERVICE_NUMBER.match(text)
    if service:
        return "-".join(service.groups())
    if SHORT_NUMBER.match(text):
        return text
    phone = parse_office_phone(text, header)
    if phone is None or len(phone) > 20:
        raise CellError(f"{header}“{quoted(text)}”太长，请只写一个号码")
    return phone


def parse_services(cell: object) -> str | None:
    """What a station offers, items joined by 、 (``政策咨询，法律援助；临时休息`` → ``政策咨询、法律援助、
    临时休息``); ``None`` when empty. Raises CellError past 500 characters."""
    text = parse_text(cell, LIMITS["services"])
    if not text:
        return None
    return "、".join(item for item in SERVICE_SEPARATORS.split(text) if item)


def _required_text(fields: dict[str, object], key: str, headers: dict[str, str]) -> str:
    text = _text(fields, key, headers)
    if not text:
        raise CellError(f"没写{headers[key]}")
    return text


def _text(fields: dict[str, object], key: str, headers: dict[str, str]) -> str | None:
    try:
        return parse_text(fields.get(key), LIMITS[key])
    except CellError as exc:
        raise CellError(f"{headers[key]}{exc}") from None


def _place(fields: dict[str, object], headers: dict[str, str]) -> tuple[str, str, str | None]:
    """(province, city, district) of a row: the city a place kiteline knows (so a member's city
    finds it); a city cell with its district (深圳市龙华区) split; the province, when written,
    the city's own."""
    written = clean(fields.get("city"))
    if not written:
        raise CellError(f"没写{headers['city']}")
    city, district = normalise_city(written), clean(fields.get("district")) or None
    if province_of(city) is None:
        _, found, found_district = split_destination(written)
        city, district = (found, district or found_district) if found and province_of(found) else (None, district)
    if city is None:
        raise CellError(f"{headers['city']}“{quoted(written)}”不是认得的城市（写地级市或县级市，如“深圳”“昆山”）")
    if district and len(district) > LIMITS["district"]:
        raise CellError(f"{headers['district']}太长（最多{LIMITS['district']}个字）")
    own = province_of(city)
    province = normalise_province(fields.get("province")) or own
    if province != own:
        raise CellError(f"{city}不在{headers['province']}“{quoted(clean(fields.get('province')))}”，请核对省份和城市")
    return province, city, district


def _point(fields: dict[str, object]) -> Point:
    if "coordinates" in fields and not (clean(fields.get("longitude")) or clean(fields.get("latitude"))):
        return point_from_cell(fields.get("coordinates"))
    return point_from_columns(fields.get("longitude"), fields.get("latitude"))
