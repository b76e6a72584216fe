"""Filing a help request: a new ticket, the same request again, or more of a case already open.

The rules, in order (``file_help_request``):

1. a crisis while an earlier crisis ticket of the member still waits: added to that one, and the
   liaison told again;
2. exactly the same words while that ticket still waits: a duplicate, nothing filed;
3. the same topic (not ``other``) while a ticket of it is open (waiting, or answered but not
   settled): added to that case;
4. otherwise a new ticket for the member's liaison (``liaison_for``) — or, when none can take
   it, for the branch secretary or township contact (``models.tickets.routing``) — its first
   answer due as ``liaison`` in config says for its urgency (``models.tickets.sla``).
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
from models.tickets.routing import Holder, holder_for, queue_standin_notice
from models.tickets.sla import Sla
from models.tickets.ticket import HELP_TOPICS, URGENCIES, Ticket
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
    ``liaison_told``: a notice (of the new ticket or of the addition) was queued for the person
    who has the ticket in hand (``ticket.holder``: its liaison, or for a new ticket the secretary
    or township contact in their stead). ``holder``: for a new ticket, who has it and in which
    role (``models.tickets.routing.Holder``); ``None`` for an addition or a duplicate."""

    outcome: Outcome
    ticket: Ticket
    liaison_told: bool
    holder: Holder | None = None


def file_help_request(session: Session, member: Member, text: str, topic: str, urgency: str, *,
                      now: dt.datetime, sla: Sla, notice_template_id: str) -> Filed:
    """File ``member``'s help request ``text`` of ``topic`` (one of ``HELP_TOPICS``) and
    ``urgency`` (one of ``URGENCIES``) by the rules in this module's docstring. ``sla`` holds
    the targets of ``liaison`` in config (``Sla.of``); ``notice_template_id`` the new help
    request notice's template. Raises ``ValueError`` for an unknown topic or urgency."""
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
    ticket, holder = _open(session, member, topic, text, urgency=urgency, now=now, sla=sla,
                           notice_template_id=notice_template_id)
    person = holder.member
    return Filed(Outcome.NEW, ticket, liaison_told=bool(person and person.openid), holder=holder)


def add_to_ticket(session: Session, ticket: Ticket, text: str, *, now: dt.datetime) -> bool:
    """Append what the member added (``【补充 11-29 14:05】…``) to ``ticket``'s description,
    record it (event ``added``, the member as actor) and send it on to the liaison when they have
    WeChat. Returns whether the liaison was told."""
    stamp = now.astimezone(SHANGHAI).strftime("%m-%d %H:%M")
    ticket.description = f"{ticket.description}\n【补充 {stamp}】{text}"
    event = record_event(session, ticket, "added", actor=Actor("member", ticket.member_id), now=now, note=text)
    session.flush()  # the event's id keys the notice
    return queue_addition_notice(session, ticket, text, now=now, event_id=event.id)


def open_ticket(session: Session, member: Member, topic: str, description: str, *, now: dt.datetime,
                sla: Sla, notice_template_id: str, urgency: str = "normal") -> Ticket:
    """Create a ticket for ``member`` (status ``new``, event ``filed`` by the member), assigned
    to their liaison, its first answer due as ``sla`` says for ``urgency``. Who has it in hand
    (``holder_id``) and is told follows ``models.tickets.routing``: the liaison when they have
    bound WeChat (``queue_liaison_notice``); the branch secretary or township contact at once
    when the branch has no liaison, the member is its only liaison, or a crisis's liaison has
    not bound WeChat (``queue_standin_notice``). A ticket nobody is told of (the liaison has not
    bound WeChat, or nobody could be found) is logged with its number, so an operator can
    follow it up: a WARNING, an ERROR when urgent, a crisis or reaching nobody at all. Raises
    ``ValueError`` for a topic not in HELP_TOPICS."""
    return _open(session, member, topic, description, now=now, sla=sla, notice_template_id=notice_template_id,
                 urgency=urgency)[0]


def _open(session: Session, member: Member, topic: str, description: str, *, now: dt.datetime, sla: Sla,
          notice_template_id: str, urgency: str) -> tuple[Ticket, Holder]:
    if topic not in HELP_TOPICS:
        raise ValueError(f"unknown help topic {topic!r}")
    liaison = liaison_for(session, member)
    holder = holder_for(session, member, liaison, urgency)
    fields = dict(member_id=member.id, liaison_id=liaison.id if liaison else None,
                  holder_id=holder.member.id if holder.member else None, topic=topic,
                  description=description, status="new", urgency=urgency, created_at=now,
                  due_at=sla.response_due(now, urgency))
    ticket = _insert_numbered(session, fields, now)
    record_event(session, ticket, "filed", actor=Actor("member", member.id), now=now)
    if holder.member is None:
        log.error("ticket %s: member %s (phone %s) of %s has no red liaison who can take it (%s) and no "
                  "secretary or township contact bound to WeChat; nobody was notified", ticket.number,
                  member.id, mask_phone(member.phone), member.branch.name, holder.why)
    elif holder.stands_in:
        log.info("ticket %s: %s, so it went to the %s (member %s)", ticket.number, holder.why, holder.role,
                 holder.member.id)
        queue_standin_notice(session, ticket, holder, now=now, notice_template_id=notice_template_id)
    elif not holder.member.openid:
        # Nobody is told by the system until the liaison binds or escalation takes it up.
        log.log(logging.ERROR if ticket.pressing else logging.WARNING, "ticket %s: liaison (member %s, phone %s) has not bound WeChat; no notice was queued",
                ticket.number, liaison.member_id, mask_phone(liaison.member.phone))
    else:
        queue_liaison_notice(session, ticket, now=now, notice_template_id=notice_template_id)
    return ticket, holder


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
