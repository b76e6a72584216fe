"""Which ticket a desk command names, and whether the sender may work it
(``models.tickets.scope``): a number out of their reach is "not found", never "not yours" —
a liaison learns nothing of another branch's tickets."""
from __future__ import annotations

from dataclasses import dataclass

from handlers.context import Context
from handlers.replies import TextReply
from handlers.ticket_desk.syntax import POSITION, number_in
from models.tickets import (
    Actor,
    Ticket,
    has_list,
    listed_ticket_id,
    reach_of,
    ticket_numbered,
)

EXAMPLE_NUMBER = "Q20261129001"


@dataclass(frozen=True)
class Picked:
    """The ``ticket`` named, the ``actor`` the sender is on it, and ``ref``: how they named it
    ("2" or "Q20261129001"), to write it back the same way in the next step's example."""

    ticket: Ticket
    actor: Actor
    ref: str


def pick(ctx: Context, ref: str, command: str) -> Picked | TextReply:
    """The ticket ``ref`` names for ``command`` (接单, 回复 …), or the reply saying why there is
    none: an unknown or unreachable number, a position with no list shown or past its end, the
    sender's own request."""
    if POSITION.fullmatch(ref):
        return _by_position(ctx, int(ref), command)
    number = number_in(ref)
    ticket = ticket_numbered(ctx.session, number) if number else None
    return _reached(ctx, ticket, number or ref, number or ref)


def _by_position(ctx: Context, position: int, command: str) -> Picked | TextReply:
    now = ctx.clock.now()
    ticket_id = listed_ticket_id(ctx.session, ctx.member.id, position, now)
    if ticket_id is None:
        if not has_list(ctx.session, ctx.member.id, now):
            return TextReply(f"“{command} {position}”里的{position}是“我的工单”清单里的序号。请先发“我的工单”看清单，"
                             f"或直接写编号，例如“{command} {EXAMPLE_NUMBER}”。")
        return TextReply(f"您最近看的清单里没有第{position}件，没有改动。请核对序号，或发“我的工单”看最新的清单。")
    ticket = ctx.session.get(Ticket, ticket_id)
    return _reached(ctx, ticket, ticket.number if ticket else str(position), str(position))


def _reached(ctx: Context, ticket: Ticket | None, number: str, ref: str) -> Picked | TextReply:
    if ticket is not None and ticket.member_id == ctx.member.id:
        return TextReply(f"编号 {ticket.number} 是您自己的求助，由别的同志办理，没有改动。想问进展，直接发“{ticket.number}”。")
    actor = reach_of(ctx.session, ctx.member).actor_for(ticket) if ticket is not None else None
    if actor is None:
        return TextReply(not_found(number))
    return Picked(ticket, actor, ref)


def not_found(number: str) -> str:
    """The reply to a number the sender cannot work (unknown, or another branch's)."""
    return f"没有找到您能处理的编号 {number} 的求助，没有改动。请核对编号，或发“我的工单”看您能处理的求助。"
