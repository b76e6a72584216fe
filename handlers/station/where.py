"""Where the member is, when 附近的阳光驿站 does not say and the roster does not know: dialog
``station_where``, state ``where``.

Started by the station capability for an unbound follower or a member without a city on file;
the answer is a city named (东莞, 我在东莞) or a location sent with WeChat's ＋ → 位置 (the engine
hands a location message to the state's ``location`` step while the question is open). Either
way the nearest stations are the reply and the dialog ends; nothing is stored. After the timeout
a location is what it always is (the member's destination, ``handlers.update_info``).
"""
from __future__ import annotations

from enum import StrEnum

from handlers.context import Context, Incoming
from handlers.dialog_machine import UNCLEAR, Ask, Dialog, Done, Result
from handlers.nlu.places import find_places
from handlers.people import hotline
from handlers.replies import TextReply
from handlers.station.listing import HOW_TO_SEND_LOCATION, for_city, for_point

# A place named alone (东莞, 我在东莞) routes to nothing in particular, to a change of city or to
# the stations; a place inside another request (东莞的活动 求助) is that request.
PLACE_ALONE = ("unknown", "menu", "update_info", "station")


class State(StrEnum):
    WHERE = "where"


def ask_where(msg: Incoming, ctx: Context, lead: str = "") -> str:
    """Start the question (after ``lead``, a sentence before it) and return its text."""
    return lead + DIALOG.start(ctx, msg.openid, State.WHERE, {})


def _question(ctx: Context, data: dict) -> str:
    return (f"想找离您最近的阳光驿站，请把位置发给我：{HOW_TO_SEND_LOCATION}。"
            "也可以直接告诉我在哪个城市，例如“东莞”。")


def _city(msg: Incoming, ctx: Context, data: dict) -> Result:
    """A city named: its nearest stations."""
    route = ctx.route
    places = find_places(route.normalised if route else "")
    city = next((p.name for p in places if p.kind == "city"), None)
    if city is None or route is None or route.intent not in PLACE_ALONE:
        return UNCLEAR
    listing = for_city(ctx, city, roster=False)
    return Done(TextReply(listing or f"{city}暂时还没有阳光驿站。有事请拨打流动党员{hotline(ctx)}。"))


def _location(msg: Incoming, ctx: Context, data: dict) -> Result:
    """A location sent: the stations nearest it."""
    latitude, longitude, _label = msg.location
    listing = for_point(ctx, latitude, longitude)
    # None only when no station has coordinates yet (stations stored before they were kept)
    return Done(TextReply(listing or f"驿站的位置还没有登记全，暂时算不出哪个离您近。有事请拨打流动党员{hotline(ctx)}。"))


DIALOG = Dialog(
    name="station_where",
    asks={State.WHERE: Ask("等党员发位置或说城市", _question, _city, location=_location,
                           not_understood="没看出您在哪个城市。")},
    starts_in=(State.WHERE,),
    cancelled=lambda ctx, data: "好的，不找了。想找驿站时再发“附近的阳光驿站”。",
)
