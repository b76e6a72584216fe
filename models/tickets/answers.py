"""Someone working a ticket answers it: its lifecycle moves, and the member hears the answer."""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from models.tickets.events import Actor
from models.tickets.lifecycle import liaison_answers
from models.tickets.notices import queue_answer_notice
from models.tickets.ticket import Ticket


def record_liaison_answer(session: Session, ticket: Ticket, answer: str, *, resolved: bool,
                          now: dt.datetime, by: Actor | None = None, template_id: str | None = None) -> None:
    """``ticket`` was answered by chat — by ``by`` (its liaison when not given; a secretary or
    township contact acting on it, ``models.tickets.scope``): status ``answered``, or
    ``resolved`` (with ``resolved_at``) when they said it is settled, through the lifecycle
    (``models.tickets.lifecycle.liaison_answers``: claimed or reopened on the way, every step
    recorded with ``by`` as actor, ``first_response_at`` set on the first), and the answer queued
    for the member, naming who answered (``queue_answer_notice``; ``template_id``: the
    "您的求助有新回复" template, ``wechat.templates.ticket_reply``, sent when their window is
    closed)."""
    events = liaison_answers(session, ticket, answer, resolved=resolved, now=now, actor=by)
    session.flush()  # the event's id keys the notice: two answers in the same second are two notices
    queue_answer_notice(session, ticket, answer, now=now, by=by, template_id=template_id, event_id=events[-1].id)
