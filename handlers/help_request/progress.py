"""Where a member's help requests stand, as the member is told: who has each in hand, its status
in words, and its last step and when (我的求助办得咋样了, 求助进展, or its number quoted)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from handlers.context import Context, Incoming
from handlers.help_request.vocabulary import PROGRESS
from handlers.people import hotline
from handlers.replies import Reply, TextReply
from models.clock import beijing_deadline, beijing_when
from models.member import Member
from models.tickets import OPEN, TOPIC_NAMES, WAITING, Ticket, TicketEvent

# What the member is told of a ticket's status ({} is who has it in hand).
STATUS_NOW = {"new": "正在等{}处理", "claimed": "{}已经接手", "answered": "{}已经答复过您",
              "resolved": "{}已经办结", "closed": "{}已经办结", "reopened": "正在等{}再次处理"}
# A step of the ticket as the member is told it ({} is who took it); internal steps (备注, an
# escalation) are not told.
STEP_WORDS = {"filed": "您提交了求助", "claimed": "{}接手", "answered": "{}答复了您", "resolved": "{}办结",
              "closed": "{}办结", "reopened": "重新办理", "added": "您补充了情况", "transferred": "转给了{}",
              "rated": "您评价了"}
# An answer quoted in a step is cut to this many characters.
QUOTE_MAX = 30
# Settled tickets are told no further than this back when none is open.
SETTLED_SHOWN = dt.timedelta(days=30)
NEW_REQUEST = "有新的困难，直接发“求助”加上情况。"


def asks_progress(msg: Incoming, ctx: Context) -> bool:
    """Whether the message asks how the member's own requests are going (``PROGRESS``, on the
    text as the router normalised it)."""
    said = ctx.route.normalised if ctx.route is not None and ctx.route.normalised else (msg.text or "")
    return PROGRESS.search(said) is not None


def holder_of(ticket: Ticket) -> Member | None:
    """Who has ``ticket`` in hand now: its holder, else the liaison it was filed for."""
    return ticket.holder or (ticket.liaison.member if ticket.liaison else None)


def holder_title(ticket: Ticket) -> str:
    """How the member is told who has ``ticket`` in hand: ``红色联络员`` when it is the liaison
    it was filed for, else nothing before the name (whoever it was passed to)."""
    liaison = ticket.liaison
    return "红色联络员" if liaison is not None and ticket.holder_id in (None, liaison.member_id) else ""


def holder_words(ticket: Ticket) -> str:
    """``红色联络员李某``, the name of whoever else holds it, or ``工作人员`` when nobody does."""
    person = holder_of(ticket)
    return f"{holder_title(ticket)}{person.name}" if person else "工作人员"


def fastest_call(ticket: Ticket, ctx: Context) -> str:
    """The fastest way to a person about ``ticket``: the holder's phone, else the hotline."""
    person = holder_of(ticket)
    if person and person.phone:
        return f"着急的话可以直接打{person.name}的电话 {person.phone}。"
    return f"着急的话请拨打{hotline(ctx)}。"


def where_it_stands(ticket: Ticket | None, number: str, ctx: Context) -> Reply:
    """The member quotes their ticket's ``number`` (Q20261129001 怎么还没人联系我): where it
    stands, and the fastest way to a person; a number that is not theirs (``ticket`` None) is
    said to be unknown."""
    if ticket is None:
        return TextReply(f"没有找到您的编号 {number} 的求助，请核对编号；有新的困难，直接发“求助”加上情况。")
    status = STATUS_NOW[ticket.status].format(holder_words(ticket))
    if ticket.status not in OPEN:  # settled
        nxt = "如果还没解决，直接发“求助”加上情况，我再转给联络员。"
    else:
        nxt = fastest_call(ticket, ctx)
    return TextReply(f"您的求助（编号 {ticket.number}，{TOPIC_NAMES[ticket.topic]}）{status}。{nxt}")


def my_requests(ctx: Context) -> Reply:
    """Asked without a number (我的求助办得咋样了): each open ticket of the member, oldest first —
    number, topic, who has it and its status, by when they will call while it waits, its last
    step and when — then the fastest way to a person. None open: the last one settled in the
    past :data:`SETTLED_SHOWN`, if any, and how to ask anew."""
    now = ctx.clock.now()
    tickets = list(ctx.session.scalars(select(Ticket).where(Ticket.member_id == ctx.card.id,
                                                            Ticket.status.in_(OPEN)).order_by(Ticket.id)))
    if not tickets:
        return TextReply(_none_open(ctx, now))
    steps = _last_steps(ctx, tickets)
    lines = [_line(ctx, ticket, steps.get(ticket.id), now) for ticket in tickets]
    close = f"有新情况直接发给我，我转给{holder_words(tickets[-1])}；{fastest_call(tickets[-1], ctx)}"
    if len(tickets) == 1:
        return TextReply(f"您的求助{lines[0]}\n{close}")
    listed = "\n".join(f"{n}. {line}" for n, line in enumerate(lines, start=1))
    return TextReply(f"您有{len(tickets)}件求助在办：\n{listed}\n{close}")


def _line(ctx: Context, ticket: Ticket, step: TicketEvent | None, now: dt.datetime) -> str:
    """``（编号 Q20261129001，欠薪）红色联络员李某已经接手，会在明天上午9点前联系您。最近一步：今天 10:05 李某接手。``"""
    line = (f"（编号 {ticket.number}，{TOPIC_NAMES[ticket.topic]}）"
            f"{STATUS_NOW[ticket.status].format(holder_words(ticket))}")
    if ticket.status in WAITING and ticket.due_at > now:
        line += f"，会在{beijing_deadline(ticket.due_at, now)}联系您"
    if step is not None:
        line += f"。最近一步：{beijing_when(step.at, now)} {_step(ctx, step, ticket)}"
    return f"{line}。"


def _step(ctx: Context, event: TicketEvent, ticket: Ticket) -> str:
    person = holder_of(ticket) if event.kind == "transferred" else _actor(ctx, event)
    said = STEP_WORDS[event.kind].format(person.name if person else "工作人员")
    if event.kind == "answered" and event.note:
        quote = event.note if len(event.note) <= QUOTE_MAX else f"{event.note[:QUOTE_MAX]}…"
        said = f"{said}：“{quote}”"
    return said


def _actor(ctx: Context, event: TicketEvent) -> Member | None:
    """Who took the step (usually loaded already: the holder, the liaison, the member)."""
    return ctx.session.get(Member, event.actor_id) if event.actor_id is not None else None


def _last_steps(ctx: Context, tickets: list[Ticket]) -> dict[int, TicketEvent]:
    """Each ticket's last step the member is told of (one statement for all)."""
    events = ctx.session.scalars(select(TicketEvent).where(
        TicketEvent.ticket_id.in_([t.id for t in tickets]), TicketEvent.kind.in_(list(STEP_WORDS)))
        .order_by(TicketEvent.at, TicketEvent.id))
    return {event.ticket_id: event for event in events}


def _none_open(ctx: Context, now: dt.datetime) -> str:
    last = ctx.session.scalars(select(Ticket).where(
        Ticket.member_id == ctx.card.id, Ticket.status.not_in(OPEN), Ticket.resolved_at >= now - SETTLED_SHOWN)
        .order_by(Ticket.resolved_at.desc()).limit(1)).first()
    if last is None:
        return f"您现在没有在办的求助。{NEW_REQUEST}我马上转给您的红色联络员。"
    return (f"您现在没有在办的求助。最近一件（编号 {last.number}，{TOPIC_NAMES[last.topic]}）"
            f"{beijing_when(last.resolved_at, now)} 由{holder_words(last)}办结；如果还没解决，直接发“求助”加上情况。")
