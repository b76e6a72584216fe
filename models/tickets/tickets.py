"""Finding tickets: by number, for a liaison or a member, the member's cases still open, and
the one whose liaison waits for the member's reply."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, ScalarSelect, select
from sqlalchemy.orm import Session

from models.day_numbers import next_day_number
from models.member import Liaison, Member
from models.tickets.events import TicketEvent
from models.tickets.ticket import OPEN, WAITING, Ticket


def liaison_for(session: Session, member: Member) -> Liaison | None:
    """The member's own liaison, else the first liaison their branch named, else ``None`` —
    never the member themself: a liaison's own request goes to another liaison of the branch."""
    if member.liaison is not None and member.liaison.member_id != member.id:
        return member.liaison
    return session.scalar(select(Liaison).where(Liaison.branch_id == member.branch_id,
                                                Liaison.member_id != member.id).order_by(Liaison.id))


def next_ticket_number(session: Session, now: dt.datetime) -> str:
    """``Q`` + the Beijing date + a 3-digit sequence of the day: ``Q20261129001``."""
    return next_day_number(session, Ticket.number, "Q", now)


def waiting_duplicate(session: Session, member: Member, description: str) -> Ticket | None:
    """``member``'s ticket with exactly this ``description`` that still waits for its liaison
    (status in ``WAITING``), if any: a member who sends the same request twice (or twelve times,
    anxious for an answer) has one ticket, and the liaison one notice."""
    return session.scalars(
        select(Ticket).where(Ticket.member_id == member.id, Ticket.description == description,
                             Ticket.status.in_(WAITING)).order_by(Ticket.id).limit(1)).first()


def open_same_matter(session: Session, member: Member, topic: str) -> Ticket | None:
    """``member``'s newest ticket of this ``topic`` not yet settled (status in ``OPEN``: waiting,
    or answered by the liaison; not ``other``, which holds unrelated matters): a second message
    about unpaid wages while the first is in hand is more of the same case, not a new one."""
    if topic == "other":
        return None
    return session.scalars(
        select(Ticket).where(Ticket.member_id == member.id, Ticket.topic == topic,
                             Ticket.status.in_(OPEN)).order_by(Ticket.id.desc()).limit(1)).first()


def waiting_crisis(session: Session, member: Member) -> Ticket | None:
    """``member``'s newest ticket of urgency ``crisis`` still waiting for its liaison, if any."""
    return session.scalars(
        select(Ticket).where(Ticket.member_id == member.id, Ticket.urgency == "crisis",
                             Ticket.status.in_(WAITING)).order_by(Ticket.id.desc()).limit(1)).first()


def waiting_on(session: Session, liaison_member: Member) -> list[Ticket]:
    """The tickets waiting on ``liaison_member`` (status in ``WAITING``), oldest first; empty
    when the member is no liaison."""
    return list(session.scalars(
        select(Ticket).join(Liaison, Ticket.liaison_id == Liaison.id)
        .where(Liaison.member_id == liaison_member.id, Ticket.status.in_(WAITING)).order_by(Ticket.id)))


def liaisons_ticket(session: Session, liaison_member: Member, number: str) -> Ticket | None:
    """The ticket numbered ``number`` (``Q20261129003``) when it is assigned to
    ``liaison_member``, else ``None`` (a liaison sees only their own members' tickets)."""
    return session.scalar(select(Ticket).join(Liaison, Ticket.liaison_id == Liaison.id)
                          .where(Ticket.number == number, Liaison.member_id == liaison_member.id))


def members_ticket(session: Session, member: Member, number: str) -> Ticket | None:
    """The ticket numbered ``number`` when ``member`` filed it, else ``None``."""
    return session.scalar(select(Ticket).where(Ticket.number == number, Ticket.member_id == member.id))


def awaiting_reply_of(member_id: ColumnElement[int], since: ColumnElement[dt.datetime]) -> ScalarSelect[int]:
    """The id of the member's ticket (``member_id``: a column or parameter) awaiting their reply:
    still ``answered``, answered at or after ``since`` (now minus ``liaison.follow_up_hours``) —
    the most recently answered, if several; NULL when none (or ``since`` is NULL). A correlated
    subquery, so the webhook's one read of the sender (``models.inbound_sender``) carries it."""
    return (select(Ticket.id).join(TicketEvent, TicketEvent.ticket_id == Ticket.id)
            .where(Ticket.member_id == member_id, Ticket.status == "answered", TicketEvent.kind == "answered",
                   TicketEvent.at >= since)
            .order_by(TicketEvent.at.desc(), TicketEvent.id.desc()).limit(1)
            .correlate_except(Ticket, TicketEvent).scalar_subquery())


def awaiting_reply(session: Session, member_id: int, since: dt.datetime) -> Ticket | None:
    """The ticket of :func:`awaiting_reply_of`, for a caller that did not read it ahead."""
    ticket_id = session.scalar(select(awaiting_reply_of(member_id, since)))
    return session.get(Ticket, ticket_id) if ticket_id is not None else None
