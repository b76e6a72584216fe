"""The replies that list sunshine stations: the nearest three to a city or to a shared location,
each with name, address, distance, hotline, hours and a map link, and the one line a shared
location's reply adds. Long addresses make long replies: the webhook pages them at line ends
(``handlers.paging``), so no station is ever cut off mid-line."""
from __future__ import annotations

from urllib.parse import quote

from handlers.context import Context
from handlers.people import hotline
from models.stations import Nearby, nearest_to_city, nearest_to_point

# How to send a location in WeChat, said simply: the ＋ beside the input box, then 位置.
HOW_TO_SEND_LOCATION = "点输入框右边的“＋”，选“位置”，再点“发送”"
# A station farther than this from a shared location is no help on the way: the one line a
# location's reply adds names a station only within it (附近的阳光驿站 still lists farther ones).
NEARBY_KM = 100


def for_city(ctx: Context, city: str, roster: bool) -> str | None:
    """The nearest stations to ``city`` (``roster``: the member's city on file, said as 您所在的…),
    its own first; ``None`` when none can be named (no station there and the city's centre
    unknown, or no station with coordinates anywhere)."""
    found = nearest_to_city(ctx.session, city)
    if not found:
        return None
    place = f"您所在的{city}" if roster else city
    head = f"离{place}最近的阳光驿站：" if found[0].same_city else f"{place}暂时还没有阳光驿站，离{city}最近的是："
    return _listing(ctx, head, found)


def for_point(ctx: Context, latitude: float, longitude: float) -> str | None:
    """The nearest stations to a shared location (GCJ-02, as WeChat sends it), with how far
    each is; ``None`` when no station has coordinates."""
    found = nearest_to_point(ctx.session, latitude, longitude)
    return _listing(ctx, "离您最近的阳光驿站：", found) if found else None


def nearest_line(ctx: Context, latitude: float, longitude: float) -> str | None:
    """One line naming the station nearest a shared location, when one is within
    :data:`NEARBY_KM`: ``离这里最近的阳光驿站：深圳龙华阳光驿站（约1.2公里），电话 0755-55500100。…``."""
    found = nearest_to_point(ctx.session, latitude, longitude, count=1)
    if not found or found[0].km > NEARBY_KM:
        return None
    s = found[0].station
    return (f"离这里最近的阳光驿站：{s.name}（{distance_text(found[0].km)}），电话 {s.hotline}。"
            "发“附近的阳光驿站”看地址和地图。")


def _listing(ctx: Context, head: str, found: list[Nearby]) -> str:
    lines = [head]
    for n, near in enumerate(found, 1):
        lines += station_lines(n, near)
    lines.append(f"有事也可以拨打流动党员{hotline(ctx)}。")
    return "\n".join(lines)


def station_lines(n: int, near: Nearby) -> list[str]:
    """One station of a listing, numbered ``n``: name and how far, address, hotline and hours,
    map link (left out for a station stored without coordinates)."""
    s = near.station
    how_far = "同城" if near.same_city or near.km is None else f"{s.city}，{distance_text(near.km)}"
    lines = [f"{n}. {s.name}（{how_far}）",
             f"地址：{s.address}",
             f"电话 {s.hotline}" + (f"，服务时间 {s.hours}" if s.hours else "")]
    if s.latitude is not None and s.longitude is not None:
        lines.append(f"地图：{map_link(s.name, s.latitude, s.longitude)}")
    return lines


def distance_text(km: float) -> str:
    """A distance as people say it: 约300米 under 1 km (to 100 m, at least 100), 约3.4公里 under
    10 km, then whole kilometres (约56公里, 约1068公里)."""
    metres = round(km * 10) * 100
    if metres < 1000:
        return f"约{max(100, metres)}米"
    if round(km, 1) < 10:
        return f"约{km:.1f}公里"
    return f"约{round(km)}公里"


def map_link(name: str, latitude: float, longitude: float) -> str:
    """A link that shows the station on a map: AMap's URI API
    (``https://uri.amap.com/marker?position=经度,纬度&name=…``). Chosen because it opens inside
    WeChat's own browser with no developer key, shows the marker with the station's name and
    offers the route or the AMap app from there; and it reads GCJ-02 (``coordinate=gaode``), the
    datum stations are stored in. Tencent Maps' URI API needs a registered key, Baidu's reads
    BD-09. The name is URL-encoded."""
    return (f"https://uri.amap.com/marker?position={_degrees(longitude)},{_degrees(latitude)}"
            f"&name={quote(name, safe='')}&src=kiteline&coordinate=gaode")


def _degrees(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".")
