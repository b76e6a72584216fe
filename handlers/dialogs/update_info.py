"""Where a member who went out again has gone: dialog ``update_info``, state ``where``.

``handlers.update_info`` starts it when a member who had come home says they are out again
without naming a city (又出去打工了): their status is already ``away``; the answer names the
place (宁波), which the update_info capability then stores as their destination.
"""
from __future__ import annotations

from dataclasses import replace
from enum import StrEnum

from handlers.context import Context, Incoming
from handlers.dialog_machine import UNCLEAR, Ask, Dialog, HandOff, Result
from handlers.nlu.places import find_places

# The capability that stores a destination: the answer is handed to it.
STORES_IT = "update_info"
# A place named alone (宁波) routes to nothing in particular, or to these; a place inside
# another request (宁波有驿站吗 is the station's) is that request.
PLACE_ALONE = ("unknown", "menu", STORES_IT, "station")


class State(StrEnum):
    WHERE = "where"


def ask_where(msg: Incoming, ctx: Context) -> str:
    """Start the question and return its text."""
    return DIALOG.start(ctx, msg.openid, State.WHERE, {})


def _where(msg: Incoming, ctx: Context, data: dict) -> Result:
    """The answer to "这回去了哪个城市？": a place named alone is the new destination."""
    places = find_places(ctx.route.normalised if ctx.route else "")
    if not places or ctx.route is None or ctx.route.intent not in PLACE_ALONE:
        return UNCLEAR
    slots = {**ctx.route.slots, **{p.kind: p.name for p in places}}
    return HandOff(route=replace(ctx.route, intent=STORES_IT, slots=slots))


DIALOG = Dialog(
    name="update_info",
    asks={State.WHERE: Ask("等党员说去了哪个城市",
                           lambda ctx, data: "这回去了哪个城市？直接告诉我就行，例如：“宁波”。", _where)},
    starts_in=(State.WHERE,),
    cancelled=lambda ctx, data: "好的，城市先不登记了。到了新地方，发“我在某某市”就行，例如“我在宁波”。",
)
