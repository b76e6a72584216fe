"""A member's transfer request, confirmed before it reaches the branch: dialog
``transfer_request``.

``handlers.transfer_relation`` starts it when a member says they want to move their membership
(我要转组织关系, 想把关系转到宁波) and the message or their record names a city — state
``confirming``, the place read back. Then:

* 对 / 是 / 确认 / 👍 record the request (``models.transfers.request_transfer``) and tell the
  branch secretary;
* 不对 / 不是 / 取消 record nothing;
* another city is read back instead (转到杭州吧).

A clear new request ends the question, anything else asks it again, and it lapses after 30
minutes with nothing recorded (the engine's rules for every dialog).
"""
from __future__ import annotations

from enum import StrEnum

from handlers.context import Context, Incoming
from handlers.dialog_machine import (
    UNCLEAR,
    Ask,
    Dialog,
    Done,
    GoTo,
    HandOff,
    Result,
    words,
)
from handlers.dialogs.phone_change import NO, YES
from handlers.nlu.slots import places
from handlers.replies import TextReply
from models.delivery.digest import secretary_of
from models.transfers import destination_of, request_transfer
from models.transfers.guide import ASK_WORDS, whom_to_contact


class State(StrEnum):
    CONFIRMING = "confirming"


def ask(msg: Incoming, ctx: Context, destination: str) -> str:
    """Start the dialog for ``destination``; returns its question."""
    return DIALOG.start(ctx, msg.openid, State.CONFIRMING, {"destination": destination})


def named_destination(ctx: Context) -> str | None:
    """The city (with its province when written) the routed message names, or ``None``."""
    found = places(ctx.route.normalised) if ctx.route and ctx.route.normalised else {}
    return destination_of(ctx.member, found.get("city"), found.get("province")) if found.get("city") else None


def _confirm(msg: Incoming, ctx: Context, data: dict) -> Result:
    if ctx.member is None:  # unbound since the question was asked
        return HandOff()
    said = words(msg.text) or (msg.text or "").strip()
    if NO.search(said):
        return Done(TextReply(_cancelled(ctx, data)))
    if YES.fullmatch(said):
        requested = request_transfer(ctx.session, ctx.member, data["destination"], ctx.clock.now())
        secretary = requested.secretary
        told = (f"并转告了支部书记{secretary.name}" if secretary is not None
                else "支部会在转接名单里看到")
        return Done(TextReply(f"已登记您的组织关系转接申请（转到{data['destination']}），{told}。"
                              f"支部会联系您办理；着急的话，{_contact(ctx)}"))
    other = named_destination(ctx)
    if other is not None and other != data["destination"]:
        return GoTo(State.CONFIRMING, TextReply(_question(ctx, {"destination": other})), {"destination": other})
    return UNCLEAR


def _contact(ctx: Context) -> str:
    return whom_to_contact(ctx.session, ctx.member, ctx.settings.district)


def _question(ctx: Context, data: dict) -> str:
    secretary = secretary_of(ctx.session, ctx.member.branch) if ctx.member else None
    who = f"支部书记{secretary.name}" if secretary is not None else "支部"
    return (f"您要申请把组织关系转到{data['destination']}吗？确认后我把申请转告{who}，由支部为您办理。"
            "回复“对”确认，回复“不对”取消。")


def _cancelled(ctx: Context, data: dict) -> str:
    return f"好的，转接申请没有提交。以后想办，随时发“{ASK_WORDS}”。"


DIALOG = Dialog(
    name="transfer_request",
    asks={State.CONFIRMING: Ask("等党员确认转接申请", _question, _confirm,
                                goes_to={State.CONFIRMING: "另一个城市 — 重新读回"})},
    starts_in=(State.CONFIRMING,),
    cancelled=_cancelled,
)
