"""Opening help requests (求助) as tickets for the member's red liaison (1+N contact scheme)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.clock import SHANGHAI
from models.member import Liaison, Member
from models.outbox import enqueue
from models.ticket import HELP_TOPICS, TOPIC_NAMES, Ticket


def liaison_for(session: Session, member: Member) -> Liaison | None:
    """The member's own liaison, else the first liaison their branch named, else ``None``."""
    if member.liaison is not None:
        return member.liaison
    return session.scalar(select(Liaison).where(Liaison.branch_id == member.branch_id).order_by(Liaison.id))


def next_ticket_number(session: Session, now: dt.datetime) -> str:
    """``Q`` + the Shanghai date + a 3-digit sequence of the day: ``Q20261129001``."""
    prefix = "Q" + now.astimezone(SHANGHAI).strftime("%Y%m%d")
    today = session.scalar(select(func.count()).select_from(Ticket).where(Ticket.number.like(prefix + "%")))
    return f"{prefix}{today + 1:03d}"


def open_ticket(session: Session, member: Member, topic: str, description: str, *,
                now: dt.datetime, sla_hours: int) -> Ticket:
    """Create a ticket for ``member``, assigned to their liaison, due ``sla_hours`` from now
    (``liaison.sla_hours`` in config). When the liaison has bound WeChat, queue a notice to them
    (outbox purpose ``liaison_notice``). Raises ``ValueError`` for a topic not in HELP_TOPICS."""
    if topic not in HELP_TOPICS:
        raise ValueError(f"unknown help topic {topic!r}")
    liaison = liaison_for(session, member)
    ticket = Ticket(number=next_ticket_number(session, now), member_id=member.id,
                    liaison_id=liaison.id if liaison else None, topic=topic,
                    description=description, status="open", created_at=now,
                    due_at=now + dt.timedelta(hours=sla_hours))
    session.add(ticket)
    session.flush()
    if liaison is not None and liaison.member.openid:
        enqueue(session, openid=liaison.member.openid, kind="text",
                payload={"content": liaison_notice(ticket, member, sla_hours)},
                purpose="liaison_notice", idempotency_key=f"liaison_notice:{ticket.number}", now=now)
    return ticket


def liaison_notice(ticket: Ticket, member: Member, sla_hours: int) -> str:
    """The text a liaison receives for a new ticket: who, how to call them, what, by when."""
    return (f"【新求助 {ticket.number}】{member.name}（{member.branch.name}，电话 {member.phone}）"
            f"求助{TOPIC_NAMES[ticket.topic]}：“{ticket.description}”。请在{sla_hours}小时内联系并回复。")
