"""Place names as members and ledgers write them: provinces, cities, WeChat location labels.

Stored form (GLOSSARY ``current_province`` / ``current_city``): the short name without the
administrative suffix — 广东, 内蒙古, 深圳, 包头 — so "广东省" and "广东" compare equal.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

# The 34 provincial-level divisions, short name -> full name as the state lists them.
PROVINCES = {
    "北京": "北京市", "天津": "天津市", "上海": "上海市", "重庆": "重庆市",
    "河北": "河北省", "山西": "山西省", "辽宁": "辽宁省", "吉林": "吉林省", "黑龙江": "黑龙江省",
    "江苏": "江苏省", "浙江": "浙江省", "安徽": "安徽省", "福建": "福建省", "江西": "江西省",
    "山东": "山东省", "河南": "河南省", "湖北": "湖北省", "湖南": "湖南省", "广东": "广东省",
    "海南": "海南省", "四川": "四川省", "贵州": "贵州省", "云南": "云南省", "陕西": "陕西省",
    "甘肃": "甘肃省", "青海": "青海省", "台湾": "台湾省",
    "内蒙古": "内蒙古自治区", "广西": "广西壮族自治区", "西藏": "西藏自治区",
    "宁夏": "宁夏回族自治区", "新疆": "新疆维吾尔自治区",
    "香港": "香港特别行政区", "澳门": "澳门特别行政区",
}
# Province-level cities (and the two SARs): province and city are the same name.
MUNICIPALITIES = ("北京", "天津", "上海", "重庆", "香港", "澳门")

PLACES_FILE = Path(__file__).with_name("places.txt")
COUNTY_CITIES_FILE = Path(__file__).with_name("county_cities.txt")
CITY_CENTRES_FILE = Path(__file__).with_name("city_centres.txt")


@lru_cache(maxsize=1)
def prefecture_cities() -> tuple[tuple[str, str, bool], ...]:
    """Every prefecture-level city from ``places.txt`` as (city, province, ambiguous), short
    names; ``ambiguous`` marks names that are also everyday words (来宾, 安康). Read once."""
    return _read_cities(PLACES_FILE)


@lru_cache(maxsize=1)
def county_cities() -> tuple[tuple[str, str, bool], ...]:
    """Every county-level city (县级市: 昆山, 义乌, 库尔勒) from ``county_cities.txt``, in the same
    shape as :func:`prefecture_cities`. Migrants work in many of them. Read once."""
    return _read_cities(COUNTY_CITIES_FILE)


def _read_cities(path: Path) -> tuple[tuple[str, str, bool], ...]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        province, _, cities = line.partition(":")
        rows.extend((raw.rstrip("?"), province.strip(), raw.endswith("?")) for raw in cities.split())
    return tuple(rows)


@lru_cache(maxsize=1)
def _city_province() -> dict[str, str]:
    table: dict[str, str] = {}
    for city, province, _ambiguous in prefecture_cities() + county_cities():
        # A municipality's own name wins over a same-named city elsewhere (吉林 city vs province
        # is fine either way; 北京 is only ever 北京).
        if city in MUNICIPALITIES or city not in table:
            table[city] = province
    return table


@lru_cache(maxsize=1)
def _city_centres() -> dict[str, tuple[float, float]]:
    table: dict[str, tuple[float, float]] = {}
    for line in CITY_CENTRES_FILE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            _province, city, lat, lon = line.split()
            table.setdefault(city, (float(lat), float(lon)))  # prefecture-level first: 吉林 the city
    return table


def city_centre(city: str | None) -> tuple[float, float] | None:
    """The centre of a prefecture- or county-level city (short name: 深圳, 昆山) as (latitude,
    longitude), GCJ-02 decimal degrees, from ``city_centres.txt`` (its header names the source);
    ``None`` for a name it does not hold. Read once."""
    return _city_centres().get(city) if city else None


_PROVINCE_SUFFIXES = ("壮族自治区", "回族自治区", "维吾尔自治区", "特别行政区", "自治区", "省", "市")
_CITY_SUFFIXES = ("市", "地区")


def clean(text: object) -> str:
    """A cell or message fragment as plain text: NFKC (full-width → half-width), no spaces."""
    if text is None:
        return ""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text)))


def _strip_suffix(text: object, suffixes: tuple[str, ...]) -> str | None:
    name = clean(text)
    if not name:
        return None
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def normalise_province(text: object) -> str | None:
    """``"广东省"`` → ``"广东"``, ``"内蒙古自治区"`` → ``"内蒙古"``; ``None`` for an empty cell.

    Unknown names come back without the suffix, unchanged otherwise (a ledger may say 兵团)."""
    return _strip_suffix(text, _PROVINCE_SUFFIXES)


def normalise_city(text: object) -> str | None:
    """``"包头市"`` → ``"包头"``; two-character names keep their 市 only if nothing is left."""
    return _strip_suffix(text, _CITY_SUFFIXES)


def province_of(city: str) -> str | None:
    """The province of a prefecture- or county-level city (``"苏州"``, ``"昆山"`` → ``"江苏"``),
    else ``None``."""
    return _city_province().get(city)


def knows_city(name: str) -> bool:
    """Whether ``name`` (short form: 苏州, 昆山, 北京) is a city the place list holds, or a
    province-level name (a member may name only the province)."""
    return name in _city_province() or name in PROVINCES


def split_destination(label: str) -> tuple[str | None, str | None, str | None]:
    """Split an address or WeChat location label into (province, city, district).

    ``"广东省深圳市福田区福华路"`` → ``("广东", "深圳", "福田区")``; ``"上海市浦东新区…"`` →
    ``("上海", "上海", "浦东新区")``. Parts that cannot be found are ``None``.
    """
    text = clean(label)
    province = next((p for p in sorted(PROVINCES, key=len, reverse=True) if text.startswith(p)), None)
    if province:
        full = PROVINCES[province]
        text = text[len(full):] if text.startswith(full) else text[len(province):]
    if province in MUNICIPALITIES:
        city: str | None = province
    else:
        match = re.match(r"(.{2,8}?)(市|地区|盟|自治州)", text)
        city = normalise_city(match.group(0)) if match else None
        text = text[match.end():] if match else text
        if city is None:
            city = next((c for c in _city_province() if text.startswith(c)), None)
            text = text[len(city):] if city else text
    district_match = re.match(r"(.{1,6}?)(区|县|旗|市)", text)
    district = district_match.group(0) if district_match else None
    if province is None and city is not None:
        province = province_of(city)
    return province, city, district
