"""The ticket lifecycle, stated once: which status may follow which (``TRANSITIONS``).

The happy path is new → claimed → answered → resolved → closed; a settled ticket (resolved or
closed) can be reopened, and from there claimed, answered or resolved again.

A liaison who answers a ticket nobody has claimed claims it by answering (both events are
recorded); one who answers a settled ticket reopens it first. An answer (or a settling) said
again is recorded as one more event of its kind, the status unchanged. The member's rating
(满意度, ``models.tickets.ratings``) closes a resolved ticket, or reopens it when too low; the
system closes one left unrated.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from models.tickets.events import Actor, TicketEvent, record_event
from models.tickets.ticket import Ticket

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "new": ("claimed",),
    "claimed": ("answered", "resolved"),
    "answered": ("resolved",),
    "resolved": ("closed", "reopened"),
    "closed": ("reopened",),
    "reopened": ("claimed", "answered", "resolved"),
}
# The step a liaison's answer or settling takes first, from a status that does not lead to it.
_ON_THE_WAY = {"new": "claimed", "resolved": "reopened", "closed": "reopened"}


class TransitionRefused(ValueError):
    """A ticket was asked to go from ``current`` to ``wanted``, which :data:`TRANSITIONS` does
    not allow."""

    def __init__(self, ticket: Ticket, wanted: str) -> None:
        self.number, self.current, self.wanted = ticket.number, ticket.status, wanted
        super().__init__(f"ticket {ticket.number}: no transition from {ticket.status!r} to {wanted!r}")


def transition(session: Session, ticket: Ticket, to: str, *, actor: Actor, now: dt.datetime,
               note: str | None = None) -> TicketEvent:
    """Move ``ticket`` to status ``to`` and record the event (kind ``to``) by ``actor`` at
    ``now``; ``resolved`` also sets ``resolved_at``, and the first ``answered`` or ``resolved``
    ``first_response_at``. Raises :class:`TransitionRefused` when
    :data:`TRANSITIONS` has no step from the ticket's status to ``to``."""
    if to not in TRANSITIONS.get(ticket.status, ()):
        raise TransitionRefused(ticket, to)
    ticket.status = to
    if to == "resolved":
        ticket.resolved_at = now
    if to in ("answered", "resolved") and ticket.first_response_at is None:
        ticket.first_response_at = now
    return record_event(session, ticket, to, actor=actor, now=now, note=note)


def liaison_answers(session: Session, ticket: Ticket, answer: str, *, resolved: bool,
                    now: dt.datetime, actor: Actor | None = None) -> list[TicketEvent]:
    """``actor`` (default: ``ticket``'s liaison) answered it (``resolved``: and said it is
    settled): the ticket goes to ``answered`` or ``resolved`` — claimed on the way when new,
    reopened on the way when settled — and each step is recorded with ``actor`` and
    ``answer`` as the last event's note. Returns the events, in order."""
    actor = actor or Actor("liaison", ticket.liaison.member_id)
    to = "resolved" if resolved else "answered"
    if ticket.status == to:
        return [record_event(session, ticket, to, actor=actor, now=now, note=answer or None)]
    events = []
    if to not in TRANSITIONS[ticket.status]:
        events.append(transition(session, ticket, _ON_THE_WAY[ticket.status], actor=actor, now=now))
    events.append(transition(session, ticket, to, actor=actor, now=now, note=answer or None))
    return events
