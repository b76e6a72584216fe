"""Coordinates as station lists write them: decimals (113.95), with a degree sign (113.95°),
degrees-minutes-seconds (113°57′12″, 22度32分), with 东经/北纬/E/N, in full-width digits, or both in
one cell (113.95,22.54 — either order). Pure functions; errors are :class:`CellError` with the
Chinese reason, as the ledger's are.

Latitude and longitude written the wrong way round in their own columns are swapped, and the
import says so (a warning, the row imported): China's latitudes (3–54) and longitudes (73–136)
do not overlap, so the mix-up is certain from the values alone, never a guess. Values outside
those ranges are refused: a station abroad, or a slip of the keyboard (1139.5).
"""
from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

from models.ledger import CellError, quoted
from models.places import clean
from models.stations.geo import (
    LATITUDE_RANGE,
    LONGITUDE_RANGE,
    is_latitude,
    is_longitude,
)

# One angle: an optional sign, degrees, then optional minutes and seconds (NFKC writes ″ as ′′).
ANGLE = re.compile(r"(?P<sign>[-+])?(?P<deg>\d+(?:\.\d+)?)(?:[°度º˚](?:(?P<min>\d+(?:\.\d+)?)[′'分])?"
                   r"(?:(?P<sec>\d+(?:\.\d+)?)(?:″|′′|''|\"|秒))?)?")
HEMISPHERE = re.compile(r"^(?:东经|北纬|西经|南纬|[EeNnWwSs])|(?:[EeNnWwSs])$")
SOUTH_OR_WEST = ("西经", "南纬", "W", "w", "S", "s")
# Between the two numbers of one cell: a comma, semicolon, slash or space.
PAIR = re.compile(r"\s*[,，;；/、]\s*|\s+")
DECIMALS = 6  # about 0.1 m: more than any map gives


class Point(NamedTuple):
    """A station's place: ``latitude``, ``longitude`` (decimal degrees), and ``swapped``: the
    file had them in each other's columns."""

    latitude: float
    longitude: float
    swapped: bool = False


def parse_angle(cell: object, what: str) -> float:
    """One angle in decimal degrees (``what``: 经度 / 纬度, for the reason). Raises CellError for
    text that is no angle."""
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        return float(cell)
    text = clean(cell)
    hemisphere = HEMISPHERE.search(text)
    negative = bool(hemisphere) and hemisphere.group(0) in SOUTH_OR_WEST
    body = HEMISPHERE.sub("", text)
    match = ANGLE.fullmatch(body)
    if not match:
        raise CellError(f"{what}“{quoted(text)}”不是经纬度数字（写小数，如 113.95）")
    minutes, seconds = float(match["min"] or 0), float(match["sec"] or 0)
    if minutes >= 60 or seconds >= 60:
        raise CellError(f"{what}“{quoted(text)}”的分、秒应小于60")
    value = float(match["deg"]) + minutes / 60 + seconds / 3600
    return -value if negative or match["sign"] == "-" else value


def point_from_columns(lon_cell: object, lat_cell: object) -> Point:
    """The point of a row with 经度 and 纬度 columns; swapped when they are plainly each other's.
    Raises CellError when one is missing, unreadable or outside China."""
    if not clean(lon_cell) or not clean(lat_cell):
        missing = "、".join(w for w, c in (("经度", lon_cell), ("纬度", lat_cell)) if not clean(c))
        raise CellError(f"没写{missing}（可在高德地图或腾讯地图的坐标拾取器里查到）")
    lon, lat = parse_angle(lon_cell, "经度"), parse_angle(lat_cell, "纬度")
    if is_latitude(lat) and is_longitude(lon):
        return Point(round(lat, DECIMALS), round(lon, DECIMALS))
    if is_latitude(lon) and is_longitude(lat):
        return Point(round(lon, DECIMALS), round(lat, DECIMALS), swapped=True)
    return _out_of_range(lat, lon)


def point_from_cell(cell: object) -> Point:
    """The point of a one-cell 经纬度 (``113.95,22.54`` or ``22.54,113.95``: which is which is told
    by value). Raises CellError when it is empty, not two angles, or outside China."""
    text = unicodedata.normalize("NFKC", str(cell)).strip() if cell is not None else ""
    if not text:
        raise CellError("没写经纬度（可在高德地图或腾讯地图的坐标拾取器里查到）")
    parts = [p for p in PAIR.split(text) if p]
    if len(parts) != 2:
        raise CellError(f"经纬度“{quoted(text)}”应是两个数，如 113.95,22.54")
    first, second = parse_angle(parts[0], "经纬度"), parse_angle(parts[1], "经纬度")
    if is_longitude(first) and is_latitude(second):
        return Point(round(second, DECIMALS), round(first, DECIMALS))
    if is_latitude(first) and is_longitude(second):
        return Point(round(first, DECIMALS), round(second, DECIMALS))
    return _out_of_range(second, first)


def _out_of_range(lat: float, lon: float) -> Point:
    lat_text, lon_text = f"{LATITUDE_RANGE[0]:g}–{LATITUDE_RANGE[1]:g}", f"{LONGITUDE_RANGE[0]:g}–{LONGITUDE_RANGE[1]:g}"
    bad = []
    if not is_longitude(lon):
        bad.append(f"经度 {lon:g} 不在国内范围（{lon_text}）")
    if not is_latitude(lat):
        bad.append(f"纬度 {lat:g} 不在国内范围（{lat_text}）")
    raise CellError("；".join(bad) + "，请核对坐标")
