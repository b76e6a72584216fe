"""Escalation (升级): a late ticket goes up ``liaison.escalation_chain``, one step at a time.

A ticket is late while it is open (``OPEN``) and either nobody has answered it by ``due_at``
(first response) or it is not settled by its resolution target (``Sla.resolution_due`` from
when it was filed or last reopened). Then the next step of the chain is told:

- ``liaison``: whoever holds the ticket (its liaison, or the secretary standing in) is reminded
  what is late, and who hears of it next;
- ``secretary``: the branch secretary bound to WeChat; ``township``: the township committee's
  contact — each told the member, the topic, how late, who holds it and how to act.

Each step is told once (``escalation_level`` is the last step taken, claimed with a conditional
UPDATE, and the outbox key ``ticket_escalation:<number>:<step>``), so a rerun, a second
scheduler or a clock jump tells nobody twice. The next step comes one response period (the
ticket's first-response target for its urgency, in working time when configured) after the
last: each person gets as long to act as the liaison had. A step with nobody to tell (nobody
bound to WeChat, the member themself, someone already told) is recorded as passed and the next
one follows at once. Every step is an ``escalated`` event by ``system`` whose note is the step.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from models.delivery.digest import secretary_of
from models.delivery.outbox import OutboxMessage
from models.delivery.payloads import Text
from models.delivery.queue import enqueue
from models.member import Member
from models.roles import Role, roles_of, township_contact_of
from models.tickets.chain_notices import (
    Lateness,
    escalation_notice,
    escalation_template,
    how_long,
)
from models.tickets.events import Actor, TicketEvent, record_event
from models.tickets.routing import STEP_TITLES
from models.tickets.sla import Sla
from models.tickets.ticket import OPEN, Ticket

PURPOSE = "ticket_escalation"
# Tickets looked at per transaction by the job (scheduler.jobs).
BATCH_SIZE = 200
# What the people above are told the holder of a ticket is, by the first role they have.
HOLDER_TITLES = ((Role.LIAISON, "红色联络员"), (Role.SECRETARY, "支部书记"), (Role.TOWNSHIP, "乡镇党委联系人"))
log = logging.getLogger(__package__)


def late(ticket: Ticket, sla: Sla, now: dt.datetime, opened_at: dt.datetime | None = None) -> Lateness | None:
    """How ``ticket`` is late at ``now``: its first answer (``due_at`` passed with none), else its
    settling (``sla.resolution_due`` from ``opened_at``, the last reopening, or its filing);
    ``None`` when it is on time or settled."""
    if ticket.status not in OPEN:
        return None
    if ticket.first_response_at is None and now >= ticket.due_at:
        return Lateness("response", ticket.due_at, now)
    due = sla.resolution_due(opened_at or ticket.created_at, ticket.urgency)
    return Lateness("resolution", due, now) if now >= due else None


def escalate_batch(session: Session, now: dt.datetime, *, sla: Sla, chain: Sequence[str], template_id: str,
                   after_id: int = 0, limit: int = BATCH_SIZE) -> tuple[int, int | None]:
    """Take the next step for each late ticket among up to ``limit`` candidates with an id
    above ``after_id`` (see the module's docstring). ``chain`` is ``liaison.escalation_chain``,
    ``template_id`` ``wechat.templates.ticket_escalation``. Returns how many people were told
    and the last id looked at (``None``: no candidates left). The caller commits."""
    # A resolution target spans at least this much wall time (working time only lengthens it),
    # so a ticket filed later cannot be late yet.
    least = sla.working.day_length * sla.resolution_days if sla.working else dt.timedelta(days=sla.resolution_days)
    tickets = list(session.scalars(
        select(Ticket).where(Ticket.id > after_id, Ticket.status.in_(OPEN), Ticket.escalation_level < len(chain),
                             or_(and_(Ticket.first_response_at.is_(None), Ticket.due_at <= now),
                                 Ticket.created_at <= now - least))
        .order_by(Ticket.id).limit(limit)))
    if not tickets:
        return 0, None
    times = _last_times(session, [t.id for t in tickets])
    told = 0
    for ticket in tickets:
        lateness = late(ticket, sla, now, times.get((ticket.id, "reopened")))
        last_step = times.get((ticket.id, "escalated"))
        if lateness is None or (ticket.escalation_level and last_step is not None
                                and now < sla.response_due(last_step, ticket.urgency)):
            continue
        told += _next_step(session, ticket, lateness, sla=sla, chain=chain, template_id=template_id, now=now)
    return told, tickets[-1].id


def _last_times(session: Session, ids: list[int]) -> dict[tuple[int, str], dt.datetime]:
    rows = session.execute(select(TicketEvent.ticket_id, TicketEvent.kind, func.max(TicketEvent.at))
                           .where(TicketEvent.ticket_id.in_(ids), TicketEvent.kind.in_(("reopened", "escalated")))
                           .group_by(TicketEvent.ticket_id, TicketEvent.kind))
    return {(ticket_id, kind): at for ticket_id, kind, at in rows}


def _next_step(session: Session, ticket: Ticket, lateness: Lateness, *, sla: Sla, chain: Sequence[str],
               template_id: str, now: dt.datetime) -> int:
    """Take steps from ``ticket.escalation_level`` on until one tells somebody (1) or the chain
    ends (0); each step claimed first, so a concurrent run takes none of them twice."""
    told_before = set(session.scalars(select(OutboxMessage.member_id).where(
        OutboxMessage.idempotency_key.like(f"{PURPOSE}:{ticket.number}:%"))))
    for level in range(ticket.escalation_level, len(chain)):
        claimed = session.execute(update(Ticket).where(Ticket.id == ticket.id, Ticket.escalation_level == level)
                                  .values(escalation_level=level + 1))
        if claimed.rowcount != 1:
            return 0  # another run took this step
        step = chain[level]
        person, missing = _recipient(session, ticket, step)
        if person is not None and (person.id in told_before or person.id == ticket.member_id):
            person, missing = None, "已通知过此人" if person.id in told_before else "是求助人本人"
        if person is None:
            record_event(session, ticket, "escalated", actor=Actor("system"), now=now, note=f"{step}（跳过：{missing}）")
            continue
        record_event(session, ticket, "escalated", actor=Actor("system"), now=now, note=step)
        text = escalation_notice(ticket, "liaison" if person.id == ticket.holder_id else step, lateness,
                                 holder_title=_holder_title(session, ticket),
                                 next_title=_next_title(session, ticket, chain[level + 1:], person),
                                 period=_period(sla, ticket.urgency))
        enqueue(session, openid=person.openid, member_id=person.id,
                payload=Text(text, fallback=escalation_template(ticket, lateness, template_id)),
                purpose=PURPOSE, idempotency_key=f"{PURPOSE}:{ticket.number}:{step}", now=now)
        return 1
    log.error("ticket %s is late (%s) and nobody up the escalation chain could be told; an operator must "
              "follow it up", ticket.number, lateness.missed)
    return 0


def _recipient(session: Session, ticket: Ticket, step: str) -> tuple[Member | None, str]:
    """Who ``step`` tells about ``ticket`` (bound to WeChat), or ``None`` and why nobody."""
    if step == "liaison":
        person, missing = ticket.holder, "没有经办人" if ticket.holder is None else "经办人没有开通微信"
    elif step == "secretary":
        person, missing = secretary_of(session, ticket.member.branch), "支部书记没有开通微信或未登记"
    else:
        person, missing = township_contact_of(session, ticket.member.branch), "乡镇联系人没有开通微信或未登记"
    return (person, "") if person is not None and person.openid else (None, missing)


def _next_title(session: Session, ticket: Ticket, later: Sequence[str], person: Member) -> str | None:
    """Who hears of ``ticket`` after ``person`` (the title of the first of the ``later`` steps
    with somebody else to tell), or ``None``."""
    for step in later:
        found, _ = _recipient(session, ticket, step)
        if found is not None and found.id not in (person.id, ticket.member_id):
            return STEP_TITLES[step]
    return None


def _holder_title(session: Session, ticket: Ticket) -> str:
    roles = roles_of(session, ticket.holder)
    return next((title for role, title in HOLDER_TITLES if role in roles), "")


def _period(sla: Sla, urgency: str) -> str:
    hours, rest = divmod(sla.response_time(urgency), dt.timedelta(hours=1))
    span = how_long(sla.response_time(urgency)) if rest else f"{hours}小时"
    return f"{span}（按工作时间计）" if sla.clock(urgency) else span
