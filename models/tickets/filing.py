"""Filing a help request: a new ticket, the same request again, or more of a case already open.

The rules, in order (``file_help_request``):

1. a crisis while an earlier crisis ticket of the member still waits: added to that one, and the
   liaison told again;
2. exactly the same words while that ticket still waits: a duplicate, nothing filed;
3. the same topic (not ``other``) while a ticket of it is open (waiting, or answered but not
   settled): added to that case;
4. otherwise a new ticket for the member's liaison (``liaison_for``), due in ``sla_hours`` —
   or within ``URGENT_SLA_HOURS`` when urgent or a crisis.
"""
from __future__ import annotations

import datetime as dt
import enum
import logging
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models.clock import SHANGHAI
from models.member import Member, mask_phone
from models.tickets.events import Actor, record_event
from models.tickets.notices import queue_addition_notice, queue_liaison_notice
from models.tickets.ticket import HELP_TOPICS, URGENCIES, URGENT_SLA_HOURS, Ticket
from models.tickets.tickets import (
    liaison_for,
    next_ticket_number,
    open_same_matter,
    waiting_crisis,
    waiting_duplicate,
)

NUMBER_ATTEMPTS = 5
log = logging.getLogger(__package__)  # "models.tickets": operators filter on it


class Outcome(enum.StrEnum):
    """What filing did: opened a ``new`` ticket, found a ``duplicate`` still waiting, or
    ``added`` the words to a case already open."""

    NEW = "new"
    DUPLICATE = "duplicate"
    ADDED = "added"


@dataclass(frozen=True)
class Filed:
    """The result of :func:`file_help_request`: the ``outcome`` and the ``ticket`` it concerns.
    ``liaison_told``: a notice (of the new ticket or of the addition) was queued for the liaison."""

    outcome: Outcome
    ticket: Ticket
    liaison_told: bool


def file_help_request(session: Session, member: Member, text: str, topic: str, urgency: str, *,
                      now: dt.datetime, sla_hours: int, notice_template_id: str) -> Filed:
    """File ``member``'s help request ``text`` of ``topic`` (one of ``HELP_TOPICS``) and
    ``urgency`` (one of ``URGENCIES``) by the rules in this module's docstring. ``sla_hours``
    is ``liaison.sla_hours`` in config; ``notice_template_id`` the liaison notice's template.
    Raises ``ValueError`` for an unknown topic or urgency."""
    if urgency not in URGENCIES:
        raise ValueError(f"unknown urgency {urgency!r}")
    if topic not in HELP_TOPICS:
        raise ValueError(f"unknown help topic {topic!r}")
    if urgency == "crisis":
        earlier = waiting_crisis(session, member)
    else:
        earlier = waiting_duplicate(session, member, text)
        if earlier is not None:
            return Filed(Outcome.DUPLICATE, earlier, liaison_told=False)
        earlier = open_same_matter(session, member, topic)
    if earlier is not None:
        told = add_to_ticket(session, earlier, text, now=now)
        return Filed(Outcome.ADDED, earlier, liaison_told=told)
    hours = sla_hours if urgency == "normal" else URGENT_SLA_HOURS
    ticket = open_ticket(session, member, topic, text, urgency=urgency, now=now, sla_hours=hours,
                         notice_template_id=notice_template_id)
    person = ticket.liaison.member if ticket.liaison else None
    return Filed(Outcome.NEW, ticket, liaison_told=bool(person and person.openid))


def add_to_ticket(session: Session, ticket: Ticket, text: str, *, now: dt.datetime) -> bool:
    """Append what the member added (``【补充 11-29 14:05】…``) to ``ticket``'s description,
    record it (event ``added``, the member as actor) and send it on to the liaison when they have
    WeChat. Returns whether the liaison was told."""
    stamp = now.astimezone(SHANGHAI).strftime("%m-%d %H:%M")
    ticket.description = f"{ticket.description}\n【补充 {stamp}】{text}"
    record_event(session, ticket, "added", actor=Actor("member", ticket.member_id), now=now, note=text)
    return queue_addition_notice(session, ticket, text, now=now)


def open_ticket(session: Session, member: Member, topic: str, description: str, *, now: dt.datetime,
                sla_hours: int, notice_template_id: str, urgency: str = "normal") -> Ticket:
    """Create a ticket for ``member`` (status ``new``, event ``filed`` by the member), assigned
    to their liaison, due ``sla_hours`` from now. When the liaison has bound WeChat, queue a
    notice to them (``queue_liaison_notice``). A ticket that reaches nobody (no liaison, or one
    without WeChat) is logged with the ticket number, so an operator can follow it up: a WARNING,
    an ERROR when urgent or a crisis. Raises ``ValueError`` for a topic not in HELP_TOPICS."""
    if topic not in HELP_TOPICS:
        raise ValueError(f"unknown help topic {topic!r}")
    liaison = liaison_for(session, member)
    fields = dict(member_id=member.id, liaison_id=liaison.id if liaison else None,
                  holder_id=liaison.member_id if liaison else None, topic=topic,
                  description=description, status="new", urgency=urgency, created_at=now,
                  due_at=now + dt.timedelta(hours=sla_hours))
    ticket = _insert_numbered(session, fields, now)
    record_event(session, ticket, "filed", actor=Actor("member", member.id), now=now)
    # Nobody is told by the system: an operator must see this (an urgent one at once).
    level = logging.ERROR if ticket.pressing else logging.WARNING
    if liaison is None:
        log.log(level, "ticket %s: member %s (phone %s) of %s has no red liaison; nobody was notified",
                ticket.number, member.id, mask_phone(member.phone), member.branch.name)
    elif not liaison.member.openid:
        log.log(level, "ticket %s: liaison (member %s, phone %s) has not bound WeChat; no notice was queued",
                ticket.number, liaison.member_id, mask_phone(liaison.member.phone))
    else:
        queue_liaison_notice(session, ticket, now=now, notice_template_id=notice_template_id)
    return ticket


def _insert_numbered(session: Session, fields: dict, now: dt.datetime) -> Ticket:
    # Two processes may pick the same number at once; the unique constraint refuses the second,
    # which then takes the next number (the savepoint keeps the rest of the transaction).
    for _ in range(NUMBER_ATTEMPTS - 1):
        try:
            with session.begin_nested():
                ticket = Ticket(number=next_ticket_number(session, now), **fields)
                session.add(ticket)
            return ticket
        except IntegrityError:
            continue
    ticket = Ticket(number=next_ticket_number(session, now), **fields)
    session.add(ticket)
    session.flush()
    return ticket
