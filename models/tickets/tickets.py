"""Opening help requests (求助) as tickets for the member's red liaison (1+N contact scheme)."""
from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models.clock import SHANGHAI
from models.member import Liaison, Member, mask_phone
from models.outbox import enqueue
from models.tickets.ticket import HELP_TOPICS, TOPIC_NAMES, Ticket

NUMBER_ATTEMPTS = 5
# WeChat refuses a customer-service text whose content is too long (errcode 45002 "content size
# out of limit"). The 客服消息 doc (developers.weixin.qq.com/doc/offiaccount/Message_Management/
# Service_Center_messages.html) gives no figure; 2048 bytes is the limit developers measured and
# report on WeChat's open community (developers.weixin.qq.com/community/develop/doc/
# 00084e2936c340b9015a753405b800), the same as a passive reply's (bot.wire.MAX_REPLY_BYTES).
NOTICE_MAX_BYTES = 2048
# A ticket due this soon (a crisis, handlers.crisis) is urgent: its notices say so.
URGENT_HOURS = 1
log = logging.getLogger(__package__)  # "models.tickets": operators filter on it


def liaison_for(session: Session, member: Member) -> Liaison | None:
    """The member's own liaison, else the first liaison their branch named, else ``None`` —
    never the member themself: a liaison's own request goes to another liaison of the branch."""
    if member.liaison is not None and member.liaison.member_id != member.id:
        return member.liaison
    return session.scalar(select(Liaison).where(Liaison.branch_id == member.branch_id,
                                                Liaison.member_id != member.id).order_by(Liaison.id))


def next_ticket_number(session: Session, now: dt.datetime) -> str:
    """``Q`` + the Shanghai date + a 3-digit sequence of the day: ``Q20261129001``."""
    prefix = "Q" + now.astimezone(SHANGHAI).strftime("%Y%m%d")
    last = session.scalar(select(func.max(Ticket.number)).where(Ticket.number.like(prefix + "%")))
    return f"{prefix}{int(last[len(prefix):]) + 1 if last else 1:03d}"


# A ticket still waiting for its liaison: the same request again is not a new one.
WAITING = ("open", "claimed", "escalated")


def waiting_duplicate(session: Session, member: Member, description: str) -> Ticket | None:
    """``member``'s ticket with exactly this ``description`` that still waits for its liaison
    (status in ``WAITING``), if any: a member who sends the same request twice (or twelve times,
    anxious for an answer) has one ticket, and the liaison one notice."""
    return session.scalars(
        select(Ticket).where(Ticket.member_id == member.id, Ticket.description == description,
                             Ticket.status.in_(WAITING)).order_by(Ticket.id).limit(1)).first()


def waiting_same_matter(session: Session, member: Member, topic: str) -> Ticket | None:
    """``member``'s newest ticket of this ``topic`` not yet settled (waiting, or answered by
    the liaison; not ``other``, which holds unrelated matters): a second message about unpaid
    wages while the first is in hand is more of the same case, not a new one."""
    if topic == "other":
        return None
    # answered but not settled: the member was told to reply with anything to add
    live = (*WAITING, "replied")
    return session.scalars(
        select(Ticket).where(Ticket.member_id == member.id, Ticket.topic == topic,
                             Ticket.status.in_(live)).order_by(Ticket.id.desc()).limit(1)).first()


def waiting_crisis(session: Session, member: Member) -> Ticket | None:
    """``member``'s waiting ticket filed as a crisis (due within ``URGENT_HOURS``), if any."""
    waiting = session.scalars(select(Ticket).where(Ticket.member_id == member.id,
                                                   Ticket.status.in_(WAITING)).order_by(Ticket.id.desc()))
    return next((t for t in waiting
                 if t.due_at - t.created_at <= dt.timedelta(hours=URGENT_HOURS)), None)


def add_to_ticket(session: Session, ticket: Ticket, text: str, *, now: dt.datetime) -> None:
    """Append what the member added (``【补充 11-29 14:05】…``) to ``ticket``'s description and
    send it on to the liaison (outbox purpose ``liaison_addition``) when they have WeChat."""
    stamp = now.astimezone(SHANGHAI).strftime("%m-%d %H:%M")
    ticket.description = f"{ticket.description}\n【补充 {stamp}】{text}"
    person = ticket.liaison.member if ticket.liaison else None
    if person is not None and person.openid:
        notice = f"【求助补充 {ticket.number}】{ticket.member.name}补充：“{text}”"
        enqueue(session, openid=person.openid, kind="text", payload={"content": _within_notice(notice)},
                purpose="liaison_addition", idempotency_key=f"liaison_addition:{ticket.number}:{now.isoformat()}",
                now=now)


def open_ticket(session: Session, member: Member, topic: str, description: str, *,
                now: dt.datetime, sla_hours: int, notice_template_id: str) -> Ticket:
    """Create a ticket for ``member``, assigned to their liaison, due ``sla_hours`` from now
    (``liaison.sla_hours`` in config). When the liaison has bound WeChat, queue a notice to them
    (outbox purpose ``liaison_notice``): the full text as a customer-service message, or, when
    their window is closed, the template ``notice_template_id`` at once and the full text on
    their next message. A ticket that reaches nobody (no liaison, or one without WeChat) is
    logged as a WARNING with the ticket number, so an operator can follow it up. Raises
    ``ValueError`` for a topic not in HELP_TOPICS."""
    if topic not in HELP_TOPICS:
        raise ValueError(f"unknown help topic {topic!r}")
    liaison = liaison_for(session, member)
    fields = dict(member_id=member.id, liaison_id=liaison.id if liaison else None, topic=topic,
                  description=description, status="open", created_at=now,
                  due_at=now + dt.timedelta(hours=sla_hours))
    ticket = _insert_numbered(session, fields, now)
    # Nobody is told by the system: an operator must see this (an urgent one at once).
    level = logging.ERROR if sla_hours <= URGENT_HOURS else logging.WARNING
    if liaison is None:
        log.log(level, "ticket %s: member %s (phone %s) of %s has no red liaison; nobody was notified",
                ticket.number, member.id, mask_phone(member.phone), member.branch.name)
    elif not liaison.member.openid:
        log.log(level, "ticket %s: liaison (member %s, phone %s) has not bound WeChat; no notice was queued",
                ticket.number, liaison.member_id, mask_phone(liaison.member.phone))
    else:
        queue_liaison_notice(session, ticket, now=now, notice_template_id=notice_template_id)
    return ticket


def queue_liaison_notice(session: Session, ticket: Ticket, *, now: dt.datetime, notice_template_id: str) -> None:
    """Queue the notice of ``ticket`` for its liaison (who must have bound WeChat); the key
    ``liaison_notice:<number>`` makes a second call for the same ticket a no-op."""
    member, sla_hours = ticket.member, int((ticket.due_at - ticket.created_at).total_seconds() // 3600)
    enqueue(session, openid=ticket.liaison.member.openid, kind="text",
            payload={"content": liaison_notice(ticket, member, sla_hours),
                     "fallback_template": notice_template(ticket, member, notice_template_id)},
            purpose="liaison_notice", idempotency_key=f"liaison_notice:{ticket.number}", now=now)


def notify_waiting_tickets(session: Session, liaison_member: Member, *, now: dt.datetime,
                           notice_template_id: str) -> int:
    """A liaison just bound WeChat: queue the notice of each of their open tickets filed while
    they could not be reached (those already queued are skipped by the idempotency key).
    Returns how many open tickets wait on them; 0 when the member is not a liaison."""
    tickets = list(session.scalars(
        select(Ticket).join(Liaison, Ticket.liaison_id == Liaison.id)
        .where(Liaison.member_id == liaison_member.id, Ticket.status == "open").order_by(Ticket.id)))
    for ticket in tickets:
        queue_liaison_notice(session, ticket, now=now, notice_template_id=notice_template_id)
    return len(tickets)


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


def liaison_notice(ticket: Ticket, member: Member, sla_hours: int) -> str:
    """The text a liaison receives for a new ticket: who, how to call them, what, by when, and
    how to answer it by chat (``handlers.liaison_answer``).

    At most :data:`NOTICE_MAX_BYTES` in UTF-8: a longer description is cut to its beginning,
    with an ellipsis and a note that the whole text is in the ticket (which keeps all of it)."""
    head = f"【新求助 {ticket.number}】{member.name}（{member.branch.name}，电话 {member.phone}）求助{TOPIC_NAMES[ticket.topic]}："
    when = "请马上" if sla_hours <= URGENT_HOURS else f"请在{sla_hours}小时内"
    tail = (f"。{when}电话联系{member.name}；答复或办结请回复“{ticket.number} + 情况”"
            f"（如“{ticket.number} 已解决”）。")
    text = f"{head}“{ticket.description}”{tail}"
    if len(text.encode("utf-8")) <= NOTICE_MAX_BYTES:
        return text
    note = f"（内容较长，这里只有开头；全文共{len(ticket.description)}字，已完整记在求助单 {ticket.number} 里）"
    frame = f"{head}“…”{note}{tail}"
    budget = max(NOTICE_MAX_BYTES - len(frame.encode("utf-8")), 0)
    # Cut on bytes, then drop the half character the cut may leave.
    beginning = ticket.description.encode("utf-8")[:budget].decode("utf-8", errors="ignore")
    return f"{head}“{beginning}…”{note}{tail}"


def notice_template(ticket: Ticket, member: Member, template_id: str) -> dict:
    """The liaison notice as a template message (``{"template_id", "data"}``) for when their
    customer-service window is closed. WeChat's template rules: each value ≤ 20 characters,
    no line breaks (模板消息 docs), so the description stays in the full text."""
    hours = int((ticket.due_at - ticket.created_at).total_seconds() // 3600)
    urgent = hours <= URGENT_HOURS
    values = {
        "thing1": f"{member.name}紧急求助请马上联系" if urgent else f"{member.name}求助{TOPIC_NAMES[ticket.topic]}",
        "character_string2": ticket.number,
        "phone_number3": member.phone or "无",
        "time4": ticket.created_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"),
        "thing5": f"请马上电话联系{member.name}" if urgent else f"请在{hours}小时内电话联系{member.name}",
    }
    return {"template_id": template_id, "data": {k: {"value": v[:20]} for k, v in values.items()}}


def liaisons_ticket(session: Session, liaison_member: Member, number: str) -> Ticket | None:
    """The ticket numbered ``number`` (``Q20261129003``) when it is assigned to
    ``liaison_member``, else ``None`` (a liaison sees only their own members' tickets)."""
    return session.scalar(select(Ticket).join(Liaison, Ticket.liaison_id == Liaison.id)
                          .where(Ticket.number == number, Liaison.member_id == liaison_member.id))


def record_liaison_answer(session: Session, ticket: Ticket, answer: str, *, resolved: bool,
                          now: dt.datetime) -> None:
    """The liaison answered ``ticket`` by chat: status ``resolved`` (with ``resolved_at``) or
    ``replied``, and the answer queued for the member (outbox purpose ``liaison_answer``; a
    customer-service message inside their 48-hour window, else deferred to their next message —
    DESIGN.md §2). A member without WeChat is told nothing by the system: the liaison phones."""
    ticket.status = "resolved" if resolved else "replied"
    if resolved:
        ticket.resolved_at = now
    member, person = ticket.member, ticket.liaison.member
    if not member.openid:
        return
    if resolved:
        text = (f"您的求助（编号 {ticket.number}）红色联络员{person.name}已办结" + (f"：{answer}" if answer else "。")
                + "\n如果还没解决，直接发“求助”加上情况，我再转给联络员。")
    else:
        text = (f"您的求助（编号 {ticket.number}）有回复了。红色联络员{person.name}：{answer}\n"
                "有什么要补充的，直接回复我，我转给联络员。")
    enqueue(session, openid=member.openid, kind="text", payload={"content": _within_notice(text)},
            purpose="liaison_answer", idempotency_key=f"liaison_answer:{ticket.number}:{now.isoformat()}",
            now=now)


def _within_notice(text: str) -> str:
    """``text`` cut to :data:`NOTICE_MAX_BYTES` of UTF-8, with an ellipsis when cut."""
    if len(text.encode("utf-8")) <= NOTICE_MAX_BYTES:
        return text
    return text.encode("utf-8")[:NOTICE_MAX_BYTES - 3].decode("utf-8", errors="ignore") + "…"


def members_ticket(session: Session, member: Member, number: str) -> Ticket | None:
    """The ticket numbered ``number`` when ``member`` filed it, else ``None``."""
    return session.scalar(select(Ticket).where(Ticket.number == number, Ticket.member_id == member.id))
