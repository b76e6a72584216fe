"""What the people on a ticket are told through the outbox: the liaison of a new ticket and of
what the member adds, the member of the liaison's answer."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

from sqlalchemy.orm import Session

from models.clock import SHANGHAI
from models.delivery.payloads import Payload, TemplateNotice, Text
from models.delivery.queue import enqueue
from models.member import Member
from models.tickets.events import Actor
from models.tickets.ticket import TOPIC_NAMES, Ticket
from models.tickets.tickets import waiting_on

# WeChat refuses a customer-service text whose content is too long (errcode 45002 "content size
# out of limit"). The 客服消息 doc (developers.weixin.qq.com/doc/offiaccount/Message_Management/
# Service_Center_messages.html) gives no figure; 2048 bytes is the limit developers measured and
# report on WeChat's open community (developers.weixin.qq.com/community/develop/doc/
# 00084e2936c340b9015a753405b800), the same as a passive reply's (bot.wire.MAX_REPLY_BYTES).
NOTICE_MAX_BYTES = 2048
# The rating question (满意度) after a resolution; 1–2 reopens the ticket (models.tickets.ratings).
ASK_RATING = ("这次办得怎么样？请回复 1-5 分：5 很满意，4 满意，3 一般，2 不满意，1 很不满意，也可以说说原因。"
              "还没解决的话打 1 或 2 分，我转给支部书记跟进。")
# Before a crisis ticket's words in the liaison's notice (handlers.crisis): the liaison reads it first.
CRISIS_FLAG = "【情绪危机，请马上联系】"
# How a member reads who answered them, by the actor kind (models.tickets.events.ACTOR_KINDS).
TITLES = {"liaison": "红色联络员", "secretary": "支部书记", "township": "乡镇党委"}


def as_the_liaison_reads(ticket: Ticket) -> str:
    """``ticket``'s description as shown to its liaison: a crisis flagged first."""
    return f"{CRISIS_FLAG}{ticket.description}" if ticket.urgency == "crisis" else ticket.description


def queue_liaison_notice(session: Session, ticket: Ticket, *, now: dt.datetime, notice_template_id: str) -> None:
    """Queue the notice of ``ticket`` for its liaison (who must have bound WeChat): the full text
    as a customer-service message, or, when their window is closed, the template
    ``notice_template_id`` at once and the full text on their next message. The key
    ``liaison_notice:<number>`` makes a second call for the same ticket a no-op. The payload is
    about the ticket (``about``: its id and number), so it is rendered again when it is sent
    (:func:`refreshed_liaison_notice`)."""
    member = ticket.member
    enqueue(session, openid=ticket.liaison.member.openid,
            payload=Text(liaison_notice(ticket, member), fallback=notice_template(ticket, member, notice_template_id),
                         about=about(ticket)),
            purpose="liaison_notice", idempotency_key=f"liaison_notice:{ticket.number}", now=now)


def about(ticket: Ticket) -> dict[str, int | str]:
    """What a notice of ``ticket`` says it is about (``models.delivery.payloads``): its id, and
    its number for whoever reads the outbox."""
    return {"ticket_id": ticket.id, "number": ticket.number}


def refreshed_liaison_notice(session: Session, payload: Payload, now: dt.datetime) -> Payload | None:
    """A queued liaison notice (``payload``, about a ticket) rendered from the ticket and its
    member as they are now — the member's phone changed since it was queued reaches the liaison
    — in the same form (the full text with or without its template, or the template alone);
    ``None`` when the ticket is gone. A refresher of ``models.delivery.refresh``, registered
    for purpose ``liaison_notice`` in ``bot.dispatcher.refreshers``."""
    ticket = session.get(Ticket, payload.about["ticket_id"])
    if ticket is None:
        return None
    member = ticket.member
    if isinstance(payload, TemplateNotice):
        return replace(notice_template(ticket, member, payload.template_id), about=payload.about)
    if not isinstance(payload, Text):
        return None
    fallback = payload.fallback and notice_template(ticket, member, payload.fallback.template_id)
    return Text(liaison_notice(ticket, member), fallback=fallback, about=payload.about)


def notify_waiting_tickets(session: Session, liaison_member: Member, *, now: dt.datetime,
                           notice_template_id: str) -> int:
    """A liaison just bound WeChat: queue the notice of each ticket waiting on them, filed while
    they could not be reached (those already queued are skipped by the idempotency key).
    Returns how many tickets wait on them; 0 when the member is not a liaison."""
    tickets = waiting_on(session, liaison_member)
    for ticket in tickets:
        queue_liaison_notice(session, ticket, now=now, notice_template_id=notice_template_id)
    return len(tickets)


def liaison_notice(ticket: Ticket, member: Member) -> str:
    """The text a liaison receives for a new ticket: who, how to call them, what, by when, and
    how to answer it by chat (``handlers.liaison_answer``).

    At most :data:`NOTICE_MAX_BYTES` in UTF-8: a longer description is cut to its beginning,
    with an ellipsis and a note that the whole text is in the ticket (which keeps all of it)."""
    head = f"【新求助 {ticket.number}】{member.name}（{member.branch.name}，电话 {member.phone}）求助{TOPIC_NAMES[ticket.topic]}："
    when = "请马上" if ticket.pressing else f"请在{ticket.sla_hours}小时内"
    tail = (f"。{when}电话联系{member.name}；答复或办结请回复“{ticket.number} + 情况”"
            f"（如“{ticket.number} 已解决”）。")
    described = as_the_liaison_reads(ticket)
    text = f"{head}“{described}”{tail}"
    if len(text.encode("utf-8")) <= NOTICE_MAX_BYTES:
        return text
    note = f"（内容较长，这里只有开头；全文共{len(described)}字，已完整记在求助单 {ticket.number} 里）"
    frame = f"{head}“…”{note}{tail}"
    budget = max(NOTICE_MAX_BYTES - len(frame.encode("utf-8")), 0)
    # Cut on bytes, then drop the half character the cut may leave.
    beginning = described.encode("utf-8")[:budget].decode("utf-8", errors="ignore")
    return f"{head}“{beginning}…”{note}{tail}"


def notice_template(ticket: Ticket, member: Member, template_id: str) -> TemplateNotice:
    """The liaison notice as a template message, sent instead when their customer-service
    window is closed (``models.delivery.channels`` decides). WeChat's template rules: each value ≤ 20 characters,
    no line breaks (模板消息 docs), so the description stays in the full text."""
    pressing, hours = ticket.pressing, ticket.sla_hours
    values = {
        "thing1": f"{member.name}紧急求助请马上联系" if pressing else f"{member.name}求助{TOPIC_NAMES[ticket.topic]}",
        "character_string2": ticket.number,
        "phone_number3": member.phone or "无",
        "time4": ticket.created_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"),
        "thing5": f"请马上电话联系{member.name}" if pressing else f"请在{hours}小时内电话联系{member.name}",
    }
    return TemplateNotice(template_id, {k: v[:20] for k, v in values.items()})


def queue_addition_notice(session: Session, ticket: Ticket, text: str, *, now: dt.datetime,
                          event_id: int) -> bool:
    """Send what the member added to ``ticket`` (its ticket event ``event_id``) on to whoever has
    it in hand (``holder``: its liaison, or the secretary standing in; outbox purpose
    ``liaison_addition``); ``False`` when nobody does or they have no WeChat (nobody was told).
    The event keys the notice: two additions in the same second are two notices."""
    person = ticket.holder
    if person is None or not person.openid:
        return False
    notice = f"【求助补充 {ticket.number}】{ticket.member.name}补充：“{text}”"
    enqueue(session, openid=person.openid, payload=Text(within_notice(notice)),
            purpose="liaison_addition", idempotency_key=f"liaison_addition:{ticket.number}:{event_id}",
            now=now)
    return True


def queue_answer_notice(session: Session, ticket: Ticket, answer: str, *, now: dt.datetime,
                       by: Actor | None = None, template_id: str | None = None,
                       event_id: int | None = None) -> None:
    """Pass the ``answer`` to ``ticket`` on to the member (outbox purpose ``liaison_answer``),
    saying who answered — ``by`` (default: the ticket's liaison), by role and name (红色联络员李某)
    — and that it is settled when the ticket is ``resolved``, then asking for their rating
    (:data:`ASK_RATING`, read by ``handlers.rating``). Inside the member's 48-hour window
    it goes as a customer-service message; outside it the template ``template_id``
    (:func:`reply_template`, "您的求助有新回复") goes at once and the full text on their next
    message; without ``template_id`` all of it waits for their next message (DESIGN.md §2).
    ``event_id`` (the answer's ticket event) keys the notice, so each answer is sent once, however
    close together; without it, the time does. A member without WeChat is told nothing by the
    system: the liaison phones."""
    member = ticket.member
    if not member.openid:
        return
    who = answerer(session, ticket, by)
    if ticket.status == "resolved":
        question = f"\n{ASK_RATING}"  # a long answer is cut, never the question after it
        text = within_notice(f"您的求助（编号 {ticket.number}）{who}已办结"
                             + (f"：{answer}" if answer else "。"), NOTICE_MAX_BYTES - len(question.encode())) + question
    else:
        text = (f"您的求助（编号 {ticket.number}）有回复了。{who}：{answer}\n"
                "有什么要补充的，直接回复我，我转给联络员。")
    fallback = reply_template(ticket, who, template_id, now) if template_id else None
    enqueue(session, openid=member.openid, payload=Text(within_notice(text), fallback=fallback),
            purpose="liaison_answer",
            idempotency_key=f"liaison_answer:{ticket.number}:{now.isoformat() if event_id is None else event_id}",
            now=now)


def answerer(session: Session, ticket: Ticket, by: Actor | None) -> str:
    """Who answered, as the member reads it: role and name (红色联络员李某, 支部书记王某)."""
    if by is None:
        return f"{TITLES['liaison']}{ticket.liaison.member.name}"
    return f"{TITLES.get(by.kind, '')}{session.get(Member, by.member_id).name}"


def reply_template(ticket: Ticket, who: str, template_id: str, now: dt.datetime) -> TemplateNotice:
    """The member's "您的求助有新回复" as a template message (config ``wechat.templates.ticket_reply``):
    thing1 what happened, character_string2 the ticket number, thing3 who answered, time4 when,
    thing5 how to read it all. WeChat's rules: each value ≤ 20 characters, no line breaks."""
    values = {
        "thing1": "您的求助已办结，请评价" if ticket.status == "resolved" else "您的求助有新回复",
        "character_string2": ticket.number,
        "thing3": who,
        "time4": now.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"),
        "thing5": "给我发任意一条消息即可查看全文",
    }
    return TemplateNotice(template_id, {k: " ".join(v.split())[:20] for k, v in values.items()})


def within_notice(text: str, limit: int = NOTICE_MAX_BYTES) -> str:
    """``text`` cut to ``limit`` bytes of UTF-8, with an ellipsis when cut."""
    if len(text.encode("utf-8")) <= limit:
        return text
    return text.encode("utf-8")[:limit - 3].decode("utf-8", errors="ignore") + "…"
