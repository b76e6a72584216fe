"""Who has a new ticket in hand: no help request reaches no one.

The member's liaison (``liaison_for``) has it, and is told when they have bound WeChat. Three
tickets go to a person above at once instead: a branch without a liaison, a liaison's own
request (no other liaison in the branch), and a crisis whose liaison has not bound WeChat (a
crisis cannot wait for them to). That person is the branch secretary (支部书记) bound to WeChat,
else the township committee's contact (乡镇联系人) — never the member themself. A normal ticket
whose liaison has not bound WeChat stays theirs (they hear of it when they bind), and escalation
(``models.tickets.escalation``) takes it up the chain once it is late.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from models.delivery.digest import secretary_of
from models.delivery.payloads import Payload, TemplateNotice, Text
from models.delivery.queue import enqueue
from models.member import Liaison, Member
from models.roles import township_contact_of
from models.tickets.chain_notices import standin_notice
from models.tickets.notices import about, notice_template
from models.tickets.ticket import Ticket

STANDIN_PURPOSE = "secretary_notice"
# What a person above is called in the member's reply and the notices, by escalation step.
STEP_TITLES = {"liaison": "红色联络员", "secretary": "支部书记", "township": "乡镇党委联系人"}


@dataclass(frozen=True)
class Holder:
    """Who has a new ticket: ``member`` (``None``: nobody could be found) in ``role``
    (``liaison``, ``secretary`` or ``township``), and ``why`` no liaison has it (``no_liaison``,
    ``own_request``, ``liaison_unbound``; ``None`` when the liaison has it)."""

    member: Member | None
    role: str | None
    why: str | None = None

    @property
    def stands_in(self) -> bool:
        """Whether someone above has it in a liaison's stead."""
        return self.why is not None and self.member is not None


def holder_for(session: Session, member: Member, liaison: Liaison | None, urgency: str) -> Holder:
    """Who should have ``member``'s new ticket of ``urgency``, given their ``liaison``
    (``liaison_for``; ``None`` when the branch has no liaison but, at most, the member)."""
    if liaison is not None and (liaison.member.openid or urgency != "crisis"):
        return Holder(liaison.member, "liaison")
    if liaison is not None:
        why = "liaison_unbound"
    elif session.scalar(select(exists().where(Liaison.member_id == member.id))):
        why = "own_request"
    else:
        why = "no_liaison"
    for role, find in (("secretary", secretary_of), ("township", township_contact_of)):
        person = find(session, member.branch)
        if person is not None and person.id != member.id:
            return Holder(person, role, why)
    # Nobody above: a liaison who has not bound WeChat is still the one to hear of it when they do.
    return Holder(liaison.member, "liaison") if liaison is not None else Holder(None, None, why)


def queue_standin_notice(session: Session, ticket: Ticket, holder: Holder, *, now: dt.datetime,
                         notice_template_id: str) -> None:
    """Tell ``holder`` (a secretary or township contact, bound to WeChat) of the new ``ticket``
    they have in a liaison's stead: the whole request as a customer-service text, or the new
    help request template (``notice_template_id``, as a liaison's) at once when their window is
    closed and the text on their next message. Key ``secretary_notice:<number>``: once a ticket.
    The payload is about the ticket and why they have it, so it is rendered again when it is sent
    (:func:`refreshed_standin_notice`)."""
    enqueue(session, openid=holder.member.openid, member_id=holder.member.id,
            payload=Text(standin_notice(ticket, STEP_TITLES[holder.role], holder.why),
                         fallback=notice_template(ticket, ticket.member, notice_template_id),
                         about={**about(ticket), "role": holder.role, "why": holder.why}),
            purpose=STANDIN_PURPOSE, idempotency_key=f"{STANDIN_PURPOSE}:{ticket.number}", now=now)


def refreshed_standin_notice(session: Session, payload: Payload, now: dt.datetime) -> Payload | None:
    """A queued stand-in notice (``payload``, about a ticket, the reader's role and why they have
    it) rendered from the ticket and its member as they are now, in the same form (text with or
    without its template, or the template alone); ``None`` when the ticket is gone. A refresher
    of ``models.delivery.refresh``, registered for purpose ``secretary_notice`` in
    ``bot.dispatcher.refreshers``."""
    ticket = session.get(Ticket, payload.about["ticket_id"])
    if ticket is None:
        return None
    if isinstance(payload, TemplateNotice):
        return replace(notice_template(ticket, ticket.member, payload.template_id), about=payload.about)
    fallback = payload.fallback and notice_template(ticket, ticket.member, payload.fallback.template_id)
    text = standin_notice(ticket, STEP_TITLES[payload.about["role"]], payload.about["why"])
    return Text(text, fallback=fallback, about=payload.about)
