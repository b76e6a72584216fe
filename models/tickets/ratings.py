"""The member's satisfaction rating (满意度, 1–5) of a resolved ticket, and what it leads to.

When a liaison resolves a ticket the member is asked to rate it (``notices.queue_answer_notice``).
The rating is stored on the ticket (``satisfaction``, ``rating_note``, ``rated_at``; event
``rated`` with the member's words), then:

* 3–5: the member is content enough — the ticket is ``closed``;
* 1–2: the matter is not settled for them — the ticket is ``reopened`` and handed to the branch
  secretary (``models.delivery.digest.secretary_of``), or, when the branch has none bound to
  WeChat, to its township's contact (乡镇联系人): ``holder_id`` moves to them (event
  ``transferred``), and they are sent the member's words (purpose ``ticket_reopened``). With
  nobody to hand it to, it stays with the liaison and an ERROR is logged for an operator.

Only a ``resolved`` ticket waits for a rating; a rating moves it on, so a second one finds
nothing to rate. A ticket left unrated for ``liaison.rating_days`` is closed by the system
(:func:`close_unrated`), without a rating.
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.delivery.digest import secretary_of
from models.delivery.payloads import TemplateNotice, Text
from models.delivery.queue import enqueue
from models.delivery.report import local_time
from models.member import Member, mask_phone
from models.org import Organization
from models.roles import township_of
from models.tickets.events import Actor, record_event
from models.tickets.lifecycle import transition
from models.tickets.notices import within_notice
from models.tickets.ticket import TOPIC_NAMES, Ticket

SCORES = range(1, 6)
# Below this the ticket is reopened to the secretary; from it on, closed.
CONTENT_FROM = 3
REOPENED_PURPOSE = "ticket_reopened"
log = logging.getLogger("models.tickets")  # as filing's: operators filter on it


@dataclass(frozen=True)
class FollowUp:
    """Who a low rating hands the ticket to: the ``person`` (a bound member) and how the
    member is told of them (``title``: 支部书记, 红柳镇党委)."""

    person: Member
    title: str


@dataclass(frozen=True)
class Rated:
    """What a rating did: the ``ticket`` (closed or reopened) and, when reopened, who follows it
    up (``None``: nobody could be found, it stays with the liaison)."""

    ticket: Ticket
    follow_up: FollowUp | None = None

    @property
    def reopened(self) -> bool:
        """The rating was too low: the ticket is open again."""
        return self.ticket.status == "reopened"


def awaiting_rating(session: Session, member_id: int) -> Ticket | None:
    """The member's ticket waiting for their rating: the one resolved last, if any."""
    return session.scalars(select(Ticket).where(Ticket.member_id == member_id, Ticket.status == "resolved")
                           .order_by(Ticket.resolved_at.desc(), Ticket.id.desc()).limit(1)).first()


def last_rated(session: Session, member_id: int) -> Ticket | None:
    """The member's newest ticket when they have rated it, else ``None`` (their newest was never
    rated, or they have none)."""
    newest = session.scalars(select(Ticket).where(Ticket.member_id == member_id)
                             .order_by(Ticket.id.desc()).limit(1)).first()
    return newest if newest is not None and newest.rated_at is not None else None


def rate(session: Session, ticket: Ticket, score: int, note: str | None, *, now: dt.datetime,
         template_id: str) -> Rated:
    """Record the member's ``score`` (1–5) and ``note`` (their words, or ``None``) on the
    resolved ``ticket`` and act on it as this module's docstring says. ``template_id`` is the
    template of the follow-up notice when that person's window is closed. Raises ``ValueError``
    for a score outside 1–5 and :class:`~models.tickets.lifecycle.TransitionRefused` for a
    ticket that is not resolved."""
    if score not in SCORES:
        raise ValueError(f"a satisfaction rating is 1 to 5, not {score!r}")
    member = Actor("member", ticket.member_id)
    note = (note or "").strip() or None
    ticket.satisfaction, ticket.rating_note, ticket.rated_at = score, note, now
    record_event(session, ticket, "rated", actor=member, now=now, note=f"{score}分" + (f"：{note}" if note else ""))
    if score >= CONTENT_FROM:
        transition(session, ticket, "closed", actor=member, now=now)
        return Rated(ticket)
    transition(session, ticket, "reopened", actor=member, now=now, note=note)
    follow_up = follow_up_for(session, ticket.member.branch)
    if follow_up is None:
        log.error("ticket %s: member %s (phone %s) rated it %d and it was reopened, but %s has no secretary "
                  "or township contact bound to WeChat; it stays with its liaison", ticket.number,
                  ticket.member_id, mask_phone(ticket.member.phone), score, ticket.member.branch.name)
        return Rated(ticket)
    ticket.holder_id = follow_up.person.id
    record_event(session, ticket, "transferred", actor=Actor("system"), now=now,
                 note=f"满意度{score}分，转给{follow_up.title}{follow_up.person.name}跟进")
    enqueue(session, openid=follow_up.person.openid, member_id=follow_up.person.id,
            payload=Text(reopened_notice(ticket, score, note),
                         fallback=reopened_template(ticket, score, now, template_id)),
            purpose=REOPENED_PURPOSE, idempotency_key=f"{REOPENED_PURPOSE}:{ticket.number}:{now.isoformat()}",
            now=now)
    return Rated(ticket, follow_up)


def follow_up_for(session: Session, branch: Organization) -> FollowUp | None:
    """Who takes up a ticket of ``branch`` its member was not content with: the branch
    secretary, else the contact of the township the branch is under, each as a member bound to
    WeChat; ``None`` when neither is."""
    secretary = secretary_of(session, branch)
    if secretary is not None:
        return FollowUp(secretary, "支部书记")
    township = township_of(branch)
    contact = secretary_of(session, township) if township is not None else None
    return FollowUp(contact, f"{township.name}党委") if contact is not None else None


def reopened_notice(ticket: Ticket, score: int, note: str | None) -> str:
    """What the secretary (or township contact) is sent: who, how to call them, what they asked,
    who resolved it, the rating and the member's words."""
    member = ticket.member
    liaison = ticket.liaison.member.name if ticket.liaison else "联络员"
    said = f"，说：“{note}”" if note else ""
    return within_notice(
        f"【求助重新打开 {ticket.number}】{member.name}（{member.branch.name}，电话 {member.phone or '未登记'}）"
        f"对{liaison}办结的求助（{TOPIC_NAMES[ticket.topic]}）打了{score}分{said}。"
        f"这件求助已转给您跟进，请尽快电话联系{member.name}。\n求助内容：“{ticket.description}”")


def reopened_template(ticket: Ticket, score: int, now: dt.datetime, template_id: str) -> TemplateNotice:
    """The follow-up notice as a template message (the liaison notice's template: who and what,
    number, phone, time, what to do; each value ≤ 20 characters, no line breaks)."""
    member = ticket.member
    values = {"thing1": f"{member.name}对办结不满意({score}分)", "character_string2": ticket.number,
              "phone_number3": member.phone or "无", "time4": local_time(now),
              "thing5": f"请尽快电话联系{member.name}"}
    return TemplateNotice(template_id, {k: v[:20] for k, v in values.items()})


def close_unrated(session: Session, now: dt.datetime, days: int) -> list[Ticket]:
    """Close every ticket resolved ``days`` or more ago that its member never rated (actor
    ``system``, no rating stored). Returns them. The caller commits."""
    tickets = list(session.scalars(select(Ticket).where(
        Ticket.status == "resolved", Ticket.resolved_at <= now - dt.timedelta(days=days)).order_by(Ticket.id)))
    for ticket in tickets:
        transition(session, ticket, "closed", actor=Actor("system"), now=now, note=f"{days}天未评价，系统关闭")
    return tickets
