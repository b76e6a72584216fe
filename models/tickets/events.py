"""A ticket's history: one ``TicketEvent`` per thing that happened to it, who did it and when."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base, intpk, timestamp
from models.tickets.ticket import Ticket

# filed: the ticket was opened (status new); claimed … reopened: the lifecycle's transitions,
# named for the status they lead to (an answer or a settling said again is one more event of its
# kind); added: the member added to the case (补充), status unchanged; transferred: handed to
# another person (note: to whom and why); noted: an internal remark (备注), never shown to the
# member; escalated: a step of liaison.escalation_chain told it is late (note: the step);
# rated: the member's satisfaction rating (note: their word).
EVENT_KINDS = ("filed", "claimed", "answered", "resolved", "closed", "reopened", "added",
               "transferred", "noted", "escalated", "rated")
# Who acted, in which role. Every person is a member (a liaison is a member named by a branch, a
# secretary or township contact a member the org file names), so ``actor_id`` is a
# ``members.id``; ``system`` (a scheduled job) has none.
ACTOR_KINDS = ("member", "liaison", "secretary", "township", "system")


@dataclass(frozen=True)
class Actor:
    """Who did something to a ticket: ``kind`` (one of :data:`ACTOR_KINDS`) and the acting
    person's ``members.id`` (``None`` for ``system``)."""

    kind: str
    member_id: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in ACTOR_KINDS:
            raise ValueError(f"unknown actor kind {self.kind!r}")
        if (self.member_id is None) != (self.kind == "system"):
            raise ValueError(f"actor {self.kind!r} needs a member id exactly when it is a person")


class TicketEvent(Base):
    """One thing that happened to a ticket. ``note`` is what was said with it (the liaison's
    answer, the member's addition), if anything."""

    __tablename__ = "ticket_events"
    __table_args__ = (
        CheckConstraint(f"kind IN {EVENT_KINDS}", name="kind"),
        CheckConstraint(f"actor_kind IN {ACTOR_KINDS}", name="actor_kind"),
    )

    id: Mapped[intpk]
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    actor_kind: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None] = mapped_column()
    at: Mapped[timestamp]
    note: Mapped[str | None] = mapped_column(Text)


def record_event(session: Session, ticket: Ticket, kind: str, *, actor: Actor, now: dt.datetime,
                 note: str | None = None) -> TicketEvent:
    """Add the event ``kind`` (one of :data:`EVENT_KINDS`) of ``ticket`` (flushed: it has an
    id) to the session. Raises ``ValueError`` for an unknown kind. Status changes go through
    ``models.tickets.lifecycle.transition``, which calls this."""
    if kind not in EVENT_KINDS:
        raise ValueError(f"unknown ticket event {kind!r}")
    event = TicketEvent(ticket_id=ticket.id, kind=kind, actor_kind=actor.kind, actor_id=actor.member_id,
                        at=now, note=note)
    session.add(event)
    return event


def history(session: Session, ticket: Ticket) -> list[TicketEvent]:
    """``ticket``'s events, oldest first."""
    return list(session.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id)
                                .order_by(TicketEvent.at, TicketEvent.id)))

