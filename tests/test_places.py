"""Place names in members' messages (``handlers.nlu.places``) and the provinces they belong to
(``models.places``): prefecture- and county-level cities, as migrants name where they work."""
import pytest

from handlers.nlu.places import find_places
from models.places import province_of


def mentions(text):
    return [(p.name, p.kind) for p in find_places(text)]


@pytest.mark.parametrize("text, found", [
    ("我在昆山电子厂", [("昆山", "city")]),                     # county-level, unambiguous
    ("新疆的库尔勒摘棉花", [("新疆", "province"), ("库尔勒", "city")]),
    ("搬到苏州昆山这边了", [("苏州", "city")]),                 # a county after its prefecture
    ("从苏州到义乌了", [("苏州", "city"), ("义乌", "city")]),    # two places, both kept
    # names that are everyday words count only after a place cue or with 市
    ("村里搞了个合作社", []),
    ("我现在在合作打工", [("合作", "city")]),
    ("龙井茶挺好喝", []),
    ("天津市红桥区", [("天津", "city")]),                       # 津市 inside 天津市 is no city
    # right after its own province an everyday-word name is that province's city
    ("去了广西北海", [("广西", "province"), ("北海", "city")]),
    ("福建石狮的鞋厂", [("福建", "province"), ("石狮", "city")]),
    ("北海公园", []),
    ("义务拉了三天水", []),                                     # three days, then water
    ("干了两天津贴还没发", []),
])
def test_places_in_a_message(text, found):
    assert mentions(text) == found


@pytest.mark.parametrize("city, province", [
    ("苏州", "江苏"), ("昆山", "江苏"), ("义乌", "浙江"), ("霍尔果斯", "新疆"), ("北京", "北京"),
    ("团场", None),
])
def test_every_listed_city_knows_its_province(city, province):
    assert province_of(city) == province
