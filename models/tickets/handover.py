"""Handing a ticket on (转 N 姓名): to another red liaison of the member's branch, or to the
branch secretary. (Not 组织关系转接, the transfer of membership: ``models.transfers``.)

The ticket's holder (``holder_id``) becomes the person named — and its liaison too when that
person is a liaison — the event ``transferred`` records who handed it to whom and why, the new
holder gets the ticket as a notice (its template at once when their window is closed, like a
new ticket's), and the member is told who has it now.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.clock import SHANGHAI
from models.delivery.digest import secretary_of
from models.delivery.payloads import TemplateNotice, Text
from models.delivery.queue import enqueue
from models.member import Liaison, Member
from models.tickets.events import Actor, record_event
from models.tickets.notices import TITLES, as_the_liaison_reads, within_notice
from models.tickets.ticket import TOPIC_NAMES, Ticket

# What names the branch secretary when their name is not typed: 转 3 书记.
SECRETARY_WORDS = ("书记", "支书", "支部书记")


@dataclass(frozen=True)
class Colleague:
    """Someone a ticket may be handed to: the ``person``, their ``kind`` (``liaison`` or
    ``secretary``, an actor kind) and, for a liaison, their ``liaison`` row."""

    person: Member
    kind: str
    liaison: Liaison | None = None

    @property
    def title(self) -> str:
        """Role and name as a member reads it: 红色联络员李某, 支部书记王某."""
        return f"{TITLES[self.kind]}{self.person.name}"


def colleagues(session: Session, ticket: Ticket) -> list[Colleague]:
    """Who ``ticket`` may be handed to: the liaisons of its member's branch, then the branch's
    secretary (a bound member, ``secretary_of``); never the member themself."""
    branch = ticket.member.branch
    found = [Colleague(row.member, "liaison", row) for row in session.scalars(
        select(Liaison).where(Liaison.branch_id == branch.id).order_by(Liaison.id))]
    secretary = secretary_of(session, branch)
    if secretary is not None and all(c.person.id != secretary.id for c in found):
        found.append(Colleague(secretary, "secretary"))
    return [c for c in found if c.person.id != ticket.member_id]


def named(candidates: list[Colleague], name: str) -> list[Colleague]:
    """The ``candidates`` called ``name``; 书记 (支书, 支部书记) names the secretary."""
    if name in SECRETARY_WORDS:
        return [c for c in candidates if c.kind == "secretary"]
    return [c for c in candidates if c.person.name == name]


def hand_over(session: Session, ticket: Ticket, to: Colleague, by: Actor, *, now: dt.datetime,
              why: str = "", notice_template_id: str) -> None:
    """``by`` hands ``ticket`` to ``to`` (who must have bound WeChat: the notice is how they
    learn of it): holder (and liaison, for a liaison) changed, event ``transferred`` with the
    note "转给{title}：{why}", ``to`` sent the ticket (outbox purpose ``ticket_handover``; the
    template ``notice_template_id``, the new-ticket notice's, when their window is closed), the
    member told who has it now (on their next message when their window is closed)."""
    ticket.holder_id = to.person.id
    if to.liaison is not None:
        ticket.liaison_id = to.liaison.id
    event = record_event(session, ticket, "transferred", actor=by, now=now,
                         note=f"转给{to.title}" + (f"：{why}" if why else ""))
    session.flush()
    giver = session.get(Member, by.member_id)
    key = f"ticket_handover:{ticket.number}:{event.id}"
    enqueue(session, openid=to.person.openid, member_id=to.person.id,
            payload=Text(within_notice(handover_notice(ticket, giver, why)),
                         fallback=handover_template(ticket, giver, notice_template_id)),
            purpose="ticket_handover", idempotency_key=key, now=now)
    member = ticket.member
    if member.openid:
        phone = f"，电话 {to.person.phone}" if to.person.phone else ""
        told = (f"您的求助（编号 {ticket.number}）现在由{to.title}办理{phone}。"
                f"{to.person.name}会尽快联系您；有什么要补充的，直接回复我。")
        enqueue(session, openid=member.openid, member_id=member.id, payload=Text(told),
                purpose="ticket_handover", idempotency_key=f"{key}:member", now=now)


def handover_notice(ticket: Ticket, giver: Member, why: str) -> str:
    """The new holder's notice: who handed it on and why, the member and how to call them, the
    request, and how to work it by chat."""
    member = ticket.member
    because = f"（{why}）" if why else ""
    return (f"【转来的求助 {ticket.number}】{giver.name}把{member.name}（{member.branch.name}，"
            f"电话 {member.phone or '未登记'}）的求助转给了您{because}。求助{TOPIC_NAMES[ticket.topic]}："
            f"“{as_the_liaison_reads(ticket)}”。请尽快电话联系{member.name}；"
            f"答复发“回复 {ticket.number} 内容”，办结发“办结 {ticket.number} 小结”。")


def handover_template(ticket: Ticket, giver: Member, template_id: str) -> TemplateNotice:
    """The handover notice as the new-ticket template (``wechat.templates.liaison_notice``:
    thing1, character_string2, phone_number3, time4, thing5), for when the new holder's
    window is closed; each value ≤ 20 characters, no line breaks."""
    member = ticket.member
    values = {
        "thing1": f"{giver.name}转来{member.name}求助{TOPIC_NAMES[ticket.topic]}",
        "character_string2": ticket.number,
        "phone_number3": member.phone or "无",
        "time4": ticket.created_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"),
        "thing5": f"请尽快电话联系{member.name}",
    }
    return TemplateNotice(template_id, {k: " ".join(v.split())[:20] for k, v in values.items()})
