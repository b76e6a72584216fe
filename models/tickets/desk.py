"""What a liaison (secretary, township contact) does to a ticket from WeChat besides answering
it (``models.tickets.answers``) or handing it on (``models.tickets.handover``): claim it (接单)
and note something on it for the people working it (备注).

Each operation changes nothing when the ticket is not in a state for it and says why
(:class:`Claim`), so the handler can answer "already yours" instead of claiming twice.
"""
from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy.orm import Session

from models.tickets.events import Actor, record_event
from models.tickets.lifecycle import transition
from models.tickets.ticket import Ticket

# Settled: nothing more goes to the member (a rating of 1–2, or a new request, reopens it).
SETTLED = ("resolved", "closed")


class Claim(enum.StrEnum):
    """What 接单 did: ``claimed`` it, or nothing because it is ``already_yours``, ``held``
    by someone else who claimed it, already ``answered`` (in hand), or ``settled``."""

    CLAIMED = "claimed"
    ALREADY_YOURS = "already_yours"
    HELD = "held"
    ANSWERED = "answered"
    SETTLED = "settled"


def claim(session: Session, ticket: Ticket, actor: Actor, *, now: dt.datetime) -> Claim:
    """``actor`` claims ``ticket``: a new or reopened ticket becomes ``claimed`` (event
    ``claimed``) and theirs to hold (``holder_id``); otherwise nothing changes and the
    :class:`Claim` says why."""
    if ticket.status in ("new", "reopened"):
        transition(session, ticket, "claimed", actor=actor, now=now)
        ticket.holder_id = actor.member_id
        return Claim.CLAIMED
    if ticket.status == "claimed":
        return Claim.ALREADY_YOURS if ticket.holder_id == actor.member_id else Claim.HELD
    return Claim.ANSWERED if ticket.status == "answered" else Claim.SETTLED


def note(session: Session, ticket: Ticket, text: str, actor: Actor, *, now: dt.datetime) -> None:
    """``actor``'s internal remark on ``ticket`` (event ``noted``): for the people working it,
    never sent or shown to the member. Any status: a settled case may still need a word."""
    record_event(session, ticket, "noted", actor=actor, now=now, note=text)
