"""A red liaison answers a ticket: its lifecycle moves, and the member hears the answer."""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from models.tickets.lifecycle import liaison_answers
from models.tickets.notices import queue_answer_notice
from models.tickets.ticket import Ticket


def record_liaison_answer(session: Session, ticket: Ticket, answer: str, *, resolved: bool,
                          now: dt.datetime) -> None:
    """``ticket``'s liaison answered it by chat: status ``answered``, or ``resolved`` (with
    ``resolved_at``) when they said it is settled, through the lifecycle
    (``models.tickets.lifecycle.liaison_answers``: claimed or reopened on the way, every step
    recorded with the liaison as actor), and the answer queued for the member
    (``queue_answer_notice``)."""
    liaison_answers(session, ticket, answer, resolved=resolved, now=now)
    queue_answer_notice(session, ticket, answer, now=now)
