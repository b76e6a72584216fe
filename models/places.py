"""Place names as members and ledgers write them: provinces, cities, WeChat location labels.

Stored form (GLOSSARY ``current_province`` / ``current_city``): the short name without the
administrative suffix — 广东, 内蒙古, 深圳, 包头 — so "广东省" and "广东" compare equal.
"""
from __future__ import annotations

import re
import unicodedata

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
MUNICIPALITIES = ("北京", "天津", "上海", "重庆")

# Cities mobile members most often go to, -> province; lets "我在苏州" update the province too.
CITY_PROVINCE = {
    **{m: m for m in MUNICIPALITIES},
    "石家庄": "河北", "唐山": "河北", "保定": "河北", "廊坊": "河北", "邯郸": "河北",
    "太原": "山西", "大同": "山西", "沈阳": "辽宁", "大连": "辽宁", "鞍山": "辽宁",
    "长春": "吉林", "吉林": "吉林", "哈尔滨": "黑龙江", "大庆": "黑龙江",
    "南京": "江苏", "苏州": "江苏", "无锡": "江苏", "常州": "江苏", "南通": "江苏", "徐州": "江苏",
    "杭州": "浙江", "宁波": "浙江", "温州": "浙江", "嘉兴": "浙江", "绍兴": "浙江", "金华": "浙江",
    "义乌": "浙江", "台州": "浙江", "合肥": "安徽", "芜湖": "安徽", "福州": "福建", "厦门": "福建",
    "泉州": "福建", "南昌": "江西", "赣州": "江西", "济南": "山东", "青岛": "山东", "烟台": "山东",
    "潍坊": "山东", "临沂": "山东", "郑州": "河南", "洛阳": "河南", "武汉": "湖北", "宜昌": "湖北",
    "长沙": "湖南", "株洲": "湖南", "广州": "广东", "深圳": "广东", "东莞": "广东", "佛山": "广东",
    "珠海": "广东", "惠州": "广东", "中山": "广东", "江门": "广东", "汕头": "广东", "海口": "海南",
    "三亚": "海南", "成都": "四川", "绵阳": "四川", "贵阳": "贵州", "昆明": "云南", "西安": "陕西",
    "咸阳": "陕西", "榆林": "陕西", "兰州": "甘肃", "西宁": "青海", "呼和浩特": "内蒙古",
    "包头": "内蒙古", "鄂尔多斯": "内蒙古", "赤峰": "内蒙古", "通辽": "内蒙古", "乌海": "内蒙古",
    "南宁": "广西", "柳州": "广西", "桂林": "广西", "拉萨": "西藏", "银川": "宁夏",
    "乌鲁木齐": "新疆", "香港": "香港", "澳门": "澳门",
}

_PROVINCE_SUFFIXES = ("壮族自治区", "回族自治区", "维吾尔自治区", "特别行政区", "自治区", "省", "市")
_CITY_SUFFIXES = ("市", "地区")


def clean(text: object) -> str:
    """A cell or message fragment as plain text: NFKC (full-width → half-width), no spaces."""
    if text is None:
        return ""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text)))


def normalise_province(text: object) -> str | None:
    """``"广东省"`` → ``"广东"``, ``"内蒙古自治区"`` → ``"内蒙古"``; ``None`` for an empty cell.

    Unknown names come back without the suffix, unchanged otherwise (a ledger may say 兵团)."""
    name = clean(text)
    if not name:
        return None
    for suffix in _PROVINCE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def normalise_city(text: object) -> str | None:
    """``"包头市"`` → ``"包头"``; two-character names keep their 市 only if nothing is left."""
    name = clean(text)
    if not name:
        return None
    for suffix in _CITY_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def province_of(city: str) -> str | None:
    """The province of a well-known city (``"苏州"`` → ``"江苏"``), else ``None``."""
    return CITY_PROVINCE.get(city)


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
            city = next((c for c in CITY_PROVINCE if text.startswith(c)), None)
            text = text[len(city):] if city else text
    district_match = re.match(r"(.{1,6}?)(区|县|旗|市)", text)
    district = district_match.group(0) if district_match else None
    if province is None and city is not None:
        province = province_of(city)
    return province, city, district
