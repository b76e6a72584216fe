"""Place names in normalised text: provinces, prefecture-level cities (``models/places.txt``)
and county-level cities (``models/county_cities.txt``).

``find_places(text)`` scans once with dictionary look-ups (no large regex alternation, which
would cost more than the rest of routing together) and returns every mention with its position,
so the router can look at the words just before it (在 / 到 / 搬到 …).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from models.places import MUNICIPALITIES, county_cities, prefecture_cities

# Words that continue a place name into something smaller or different (朝阳区, 中山路, 黄山上).
_NOT_A_CITY_AFTER = frozenset("区县路街镇乡村山")
# ... or one character later, a village's name (东营子村, 徐州屯): the place is the village.
_VILLAGE_ENDS = frozenset("村屯寨庄")
# A count of days runs into a city named 天… (拉了三天水, 干了两天津贴没发): no place.
_NUMERALS = frozenset("0123456789一二三四五六七八九十两几半百")
# A cue right before an ambiguous city makes it a place: 在来宾, 到安康, 去了中山.
_CUES = ("在", "到", "去", "来", "搬到", "搬去", "调到", "去了", "到了", "来了", "回了")


@dataclass(frozen=True)
class Place:
    """One mention: ``name`` (short form), ``kind`` ("city" | "province"), ``start``/``end``
    character offsets in the normalised text, ``province`` the city's province."""

    name: str
    kind: str
    start: int
    end: int
    province: str


@dataclass(frozen=True)
class Gazetteer:
    """Every known name → (kind, province, ambiguous)."""

    names: dict[str, tuple[str, str, bool]]
    longest: int
    first_chars: frozenset[str]
    counties: frozenset[str]  # the county-level cities among ``names``


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """Built once per process from the shared place list."""
    names: dict[str, tuple[str, str, bool]] = {}
    for city, province, ambiguous in prefecture_cities():
        if city in MUNICIPALITIES or city not in names:
            names[city] = ("city", province, ambiguous)
    for _city, province, _ambiguous in prefecture_cities():
        if province not in MUNICIPALITIES:
            names[province] = ("province", province, False)
    counties = set()
    for city, province, ambiguous in county_cities():
        if city not in names:  # a prefecture or province of that name wins
            names[city] = ("city", province, ambiguous)
            counties.add(city)
    return Gazetteer(names, max(len(n) for n in names), frozenset(n[0] for n in names),
                     frozenset(counties))


def find_places(text: str) -> list[Place]:
    """Every province and city mentioned in ``text`` (normalised), left to right, longest match
    first at each position; a trailing 省 / 市 is part of the mention."""
    gaz, found, i = gazetteer(), [], 0
    while i < len(text):
        if text[i] not in gaz.first_chars:  # most characters start no place name: skip fast
            i += 1
            continue
        for size in range(min(gaz.longest, len(text) - i), 1, -1):
            name = text[i:i + size]
            entry = gaz.names.get(name)
            if entry is None:
                continue
            end = i + size
            after = text[end:end + 1]
            kind, province, ambiguous = entry
            last = found[-1] if found else None
            # 广西北海, 福建石狮: right after its own province a name is that province's city
            after_province = (last is not None and last.end == i and last.kind == "province"
                              and last.name == province)
            if after in ("市", "省"):
                end += 1
            elif (after in _NOT_A_CITY_AFTER or text[end + 1:end + 2] in _VILLAGE_ENDS
                  or (ambiguous and not after_province and not text[:i].endswith(_CUES))):
                continue
            if name[0] == "天" and i > 0 and text[i - 1] in _NUMERALS:
                continue
            if (name in gaz.counties and last is not None and last.end == i
                    and last.kind == "city" and last.province == province):
                # 苏州昆山: the county-level city only details the city before it
                found[-1] = Place(last.name, last.kind, last.start, end, province)
            else:
                found.append(Place(name, kind, i, end, province))
            i = end - 1
            break
        i += 1
    return found
