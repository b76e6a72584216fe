"""阳光驿站 (station)."""
from __future__ import annotations

from sqlalchemy import Row

from handlers.capability import Intent, Offer
from handlers.context import Context, Incoming
from handlers.nlu.policy import Routing
from handlers.people import hotline
from handlers.replies import Reply, TextReply
from handlers.station.vocabulary import VOCABULARY
from models.contacts import stations_near

NAME = "station"


# Stations listed when the member's city has none: a passive reply must stay short (2048 bytes).
LISTED = 5


def handle(msg: Incoming, ctx: Context) -> Reply:
    """The sunshine stations in the city the message names (我在深圳龙华), else in the member's
    city on the roster, else the stations there are; always with the hotline from config."""
    asked = ctx.route.slots.get("city") if ctx.route else None
    city = asked or (ctx.card.current_city if ctx.card else None)
    place = city if asked else f"您所在的{city}"
    near, others = stations_near(ctx.session, city, LISTED)
    if near:
        listing = "\n".join(_line(s) for s in near)
        return TextReply(f"{place}有阳光驿站：\n{listing}\n也可以拨打流动党员{hotline(ctx)}。")
    where = f"{place}暂时还没有阳光驿站。" if city else ""
    if not others:
        return TextReply(f"阳光驿站还在筹建，目前还没有可以去的驿站。有事请拨打流动党员{hotline(ctx)}。")
    listing = "\n".join(_line(s) for s in others)
    return TextReply(f"{where}阳光驿站有：\n{listing}\n有事也可以拨打流动党员{hotline(ctx)}。")


def _line(station: Row) -> str:
    return f"· {station.name}：{station.address}，电话 {station.hotline}（{station.hours}）"


INTENT = Intent(name=NAME, usage="驿站 —— 找附近的阳光驿站", offer=Offer("找附近的阳光驿站", "驿站"),
                public=True, vocabulary=VOCABULARY,
                routing=Routing(),
                handle=handle)
