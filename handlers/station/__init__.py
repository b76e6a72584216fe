"""阳光驿站 (station): the nearest sunshine stations — to the city the message names (深圳附近有驿站吗),
else to the member's city on the roster, else to a location the member is asked to send
(``handlers.station.where``) — and what a station is for (阳光驿站是干啥的). Unbound followers may
ask too."""
from __future__ import annotations

import re

from sqlalchemy import select

from handlers.capability import Intent, Offer
from handlers.context import Context, Incoming
from handlers.nlu.policy import Routing
from handlers.people import hotline
from handlers.replies import Reply, TextReply
from handlers.station.listing import for_city, nearest_line
from handlers.station.vocabulary import VOCABULARY
from handlers.station.where import ask_where
from models.stations import Station, any_station

NAME = "station"

# Asking what a station is for (是干啥的, 能帮我什么, 提供什么服务) — unless the message asks where one
# is or how to reach it (驿站电话是什么, 附近的驿站是干啥的 still wants the list).
ABOUT = re.compile(r"干啥|干嘛|干什么|做什么|做啥|是什么|是啥|什么是|啥是|能帮|帮.{0,2}什么|帮啥|有什么用|有啥用"
                   r"|什么服务|哪些服务|啥服务|服务项目|服务内容|提供什么|提供啥|管什么|管啥|作用|用处|介绍一下")
WHERE_WORDS = re.compile(r"哪|附近|最近|离我|电话|热线|地址|几点|时间|开门|关门|怎么走|有没有|有吗|在不在")
ABOUT_TEXT = ("阳光驿站是党组织为在外的流动党员设的服务站，离家在外也有个“娘家”：有难处可以去坐坐、问问，"
              "能歇脚、喝口水，也能找到人帮忙。")
# Said when no station lists its services yet.
USUAL_SERVICES = "政策咨询、临时歇脚、就业信息、法律援助和维权帮助"
LISTED_SERVICES = 8


def handle(msg: Incoming, ctx: Context) -> Reply:
    """What a station is for, or the nearest three stations (``handlers.station.listing``): to
    the city the router found in the message (slot ``city``), else to the member's city on the
    roster; without either, the member is asked for a location or a city
    (``handlers.station.where``). No station at all: the hotline."""
    text = ctx.route.normalised if ctx.route and ctx.route.normalised else (msg.text or "")
    if ABOUT.search(text) and not WHERE_WORDS.search(text):
        return TextReply(about(ctx))
    asked = ctx.route.slots.get("city") if ctx.route else None
    city = asked or (ctx.card.current_city if ctx.card else None)
    listing = for_city(ctx, city, roster=not asked) if city else None
    if listing:
        return TextReply(listing)
    if not any_station(ctx.session):
        return TextReply(f"阳光驿站还在筹建，目前还没有可以去的驿站。有事请拨打流动党员{hotline(ctx)}。")
    lead = f"{city if asked else f'您所在的{city}'}暂时还没有阳光驿站。" if city else ""
    return TextReply(ask_where(msg, ctx, lead))


def about(ctx: Context) -> str:
    """What a station offers: a fixed warm text, the services the registered stations list (the
    most common first), how to find the nearest, and the hotline."""
    counts: dict[str, int] = {}
    for listed in ctx.session.scalars(select(Station.services).where(Station.services.isnot(None))):
        for item in listed.split("、"):
            counts[item] = counts.get(item, 0) + 1
    common = sorted(counts, key=lambda item: -counts[item])[:LISTED_SERVICES]
    services = ("驿站提供的服务有：" + "、".join(common) + "等，各驿站不尽相同，去之前可以先打驿站的电话问问。"
                if common else f"驿站一般提供{USUAL_SERVICES}等服务，去之前可以先打驿站的电话问问。")
    return (f"{ABOUT_TEXT}\n{services}\n发“附近的阳光驿站”，我帮您找离您最近的驿站。"
            f"有事也可以拨打流动党员{hotline(ctx)}。")


def with_nearest(reply: Reply, ctx: Context, msg: Incoming) -> Reply:
    """``reply`` to a shared location with one line more naming the nearest station, when one is
    near (``handlers.station.listing.nearest_line``)."""
    if not isinstance(reply, TextReply) or not msg.location:
        return reply
    line = nearest_line(ctx, msg.location[0], msg.location[1])
    return TextReply(f"{reply.text}\n{line}") if line else reply


INTENT = Intent(name=NAME, usage="驿站 —— 找附近的阳光驿站", offer=Offer("找附近的阳光驿站", "驿站"),
                public=True, vocabulary=VOCABULARY,
                routing=Routing(),
                handle=handle)
