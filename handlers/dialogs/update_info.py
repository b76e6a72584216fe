"""Where a member who went out again has gone: dialog ``update_info``, state ``where``.

``handlers.update_info`` starts it when a member who had come home says they are out again
without naming a city (又出去打工了): their status is already ``away``; the answer names the
place (宁波), which the update_info capability then stores as their destination. A place the
place list does not know (白杨镇) is stored as written and flagged for the branch to check, and
the member is told so (``models.whereabouts.move_to_unlisted``).
"""
from __future__ import annotations

from dataclasses import replace
from enum import StrEnum

from handlers.context import Context, Incoming
from handlers.details_text import unlisted_note
from handlers.dialog_machine import UNCLEAR, Ask, Dialog, Done, HandOff, Result
from handlers.nlu.places import find_places
from handlers.replies import TextReply
from models.member_details import place_as_written
from models.whereabouts import move_to_unlisted

# The capability that stores a destination: the answer is handed to it.
STORES_IT = "update_info"
# A place named alone (宁波) routes to nothing in particular, or to these; a place inside
# another request (宁波有驿站吗 is the station's) is that request.
PLACE_ALONE = ("unknown", "menu", STORES_IT, "station")
# A name the place list does not know, said alone (白杨镇), routes to nothing in particular, to a
# change, or to binding (it reads like 我是某某村的); never a greeting (你好) or another request.
UNLISTED_ALONE = ("unknown", STORES_IT, "bind")


class State(StrEnum):
    WHERE = "where"


def ask_where(msg: Incoming, ctx: Context) -> str:
    """Start the question and return its text."""
    return DIALOG.start(ctx, msg.openid, State.WHERE, {})


def _where(msg: Incoming, ctx: Context, data: dict) -> Result:
    """The answer to "这回去了哪个城市？": a place named alone is the new destination."""
    places = find_places(ctx.route.normalised if ctx.route else "")
    written = None if places or ctx.member is None else place_as_written(msg.text)
    if written and (ctx.route is None or ctx.route.intent in UNLISTED_ALONE):
        move_to_unlisted(ctx.session, ctx.member, written, now=ctx.clock.now(), source="chat",
                         changed_by=msg.openid)
        return Done(TextReply(f"已为您更新：\n流动去向：{written}{unlisted_note(ctx.member)}\n"
                              "如有不对，直接把正确的发给我就行。"))
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
