"""阳光驿站 (station)."""
from __future__ import annotations

from handlers.context import Context, Incoming
from handlers.people import hotline
from handlers.replies import Reply, TextReply
from models.contacts import all_stations, stations_in
from models.station import Station

INTENT = "station"
USAGE = "驿站 —— 找附近的阳光驿站"
OFFER = ("找附近的阳光驿站", "驿站")
PUBLIC = True
# Routing (see handlers.nlu.lexicon): the sunshine stations — where, when open, the hotline.
KEYWORDS: dict[str, float] = {
    "驿站": 5, "阳光驿站": 6, "热线": 3, "服务热线": 4, "开门": 2, "关门": 2, "开门时间": 3,
    "营业": 2, "服务站": 3, "中午休息": 2, "约一下": 1, "wifi": 1,
    "歇脚": 2.5, "喝口水": 1.5, "充电": 1,
    # stations of another kind (导航去东站怎么走) are not ours, nor like ours
    "东站": 0, "西站": 0, "南站": 0, "北站": 0, "火车站": 0, "高铁站": 0, "汽车站": 0, "地铁站": 0,
    "公交站": 0, "加油站": 0, "充电站": 0,
}
SYNONYMS: dict[str, str] = {"意站": "驿站", "译站": "驿站", "亿站": "驿站", "易站": "驿站",
                            "驿战": "驿站", "艺站": "驿站",
                            "驿栈": "驿站"}


# Stations listed when the member's city has none: a passive reply must stay short (2048 bytes).
LISTED = 5


def handle(msg: Incoming, ctx: Context) -> Reply:
    """The sunshine stations in the city the message names (我在深圳龙华), else in the member's
    city on the roster, else the stations there are; always with the hotline from config."""
    asked = ctx.route.slots.get("city") if ctx.route else None
    city = asked or (ctx.member.current_city if ctx.member else None)
    place = city if asked else f"您所在的{city}"
    near = stations_in(ctx.session, city)
    if near:
        listing = "\n".join(_line(s) for s in near)
        return TextReply(f"{place}有阳光驿站：\n{listing}\n也可以拨打流动党员{hotline(ctx)}。")
    others = all_stations(ctx.session)[:LISTED]
    where = f"{place}暂时还没有阳光驿站。" if city else ""
    if not others:
        return TextReply(f"阳光驿站还在筹建，目前还没有可以去的驿站。有事请拨打流动党员{hotline(ctx)}。")
    listing = "\n".join(_line(s) for s in others)
    return TextReply(f"{where}阳光驿站有：\n{listing}\n有事也可以拨打流动党员{hotline(ctx)}。")


def _line(station: Station) -> str:
    return f"· {station.name}：{station.address}，电话 {station.hotline}（{station.hours}）"
