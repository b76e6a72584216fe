"""Delivery outcomes as events other domains react to.

When a row is settled for good — WeChat accepted it (``sent``), refused it for good
(``failed``), its reader unfollowed (``dropped``), or its outcome was lost (``unknown``) — the
dispatcher publishes an :class:`Outcome` to the :class:`Reactions` it was given, in the
transaction that records the status, so a reaction's writes commit with it or not at all.
Reactions are registered by payload type and outcome where a dispatcher is built
(``bot.dispatcher.reactions``): for example the study record of a lesson is written when the
lesson is sent, not when it is queued. A reaction that fails is logged and rolled back on its
own; the delivery it reacted to stays recorded.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from models.delivery.outbox import OutboxMessage
from models.delivery.payloads import Payload, payload_of

log = logging.getLogger(__name__)


class Settled(StrEnum):
    """How a message ended for good (its outbox status)."""

    SENT = "sent"
    FAILED = "failed"
    DROPPED = "dropped"
    UNKNOWN = "unknown"


SETTLED = frozenset(s.value for s in Settled)


@dataclass(frozen=True)
class Outcome:
    """One message settled: its outbox row, reader, purpose, typed payload, how it ended, when
    (business clock)."""

    row_id: int
    openid: str
    member_id: int | None
    purpose: str
    payload: Payload
    settled: Settled
    at: dt.datetime


Reaction = Callable[[Session, Outcome], None]
# Whether a reaction has anything to do for an outcome (a lesson pushed to a follower who is no
# member has no study record to write): asked without the database.
Applies = Callable[[Outcome], bool]


def _always(_outcome: Outcome) -> bool:
    return True


def for_member(outcome: Outcome) -> bool:
    """Whether ``outcome``'s message was for a member (not a follower still unbound)."""
    return outcome.member_id is not None


class Reactions:
    """Who reacts to which outcome of which payload type."""

    def __init__(self) -> None:
        self._by: dict[tuple[type, Settled], list[tuple[Reaction, Applies]]] = defaultdict(list)

    def on(self, payload_type: type, settled: Settled, reaction: Reaction, when: Applies = _always) -> Reactions:
        """Call ``reaction(session, outcome)`` when a ``payload_type`` message ends ``settled``
        and ``when(outcome)`` holds. Returns ``self``, so a registry reads as one chain."""
        self._by[payload_type, settled].append((reaction, when))
        return self

    def _for(self, outcome: Outcome) -> list[Reaction]:
        return [reaction for reaction, when in self._by.get((type(outcome.payload), outcome.settled), ())
                if when(outcome)]

    def publish(self, session: Session, outcome: Outcome) -> None:
        """Run the reactions to ``outcome`` in ``session``, each in a savepoint of its own."""
        for reaction in self._for(outcome):
            try:
                with session.begin_nested():
                    reaction(session, outcome)
            except SQLAlchemyError:
                log.exception("outbox %s: a reaction to its outcome %s failed", outcome.row_id, outcome.settled)

    def publish_all(self, session: Session, outcomes: list[Outcome]) -> None:
        """Run the reactions to many ``outcomes`` (a dispatcher's batch): all in one savepoint,
        and only if that fails, each outcome in a savepoint of its own as :meth:`publish` does —
        so a batch costs two statements more than its reactions' own, not three per row, and
        none when no reaction applies (a push to followers who are no members)."""
        reacting = [(o, reactions) for o in outcomes if (reactions := self._for(o))]
        if not reacting:
            return
        try:
            with session.begin_nested():
                for outcome, reactions in reacting:
                    for reaction in reactions:
                        reaction(session, outcome)
        except SQLAlchemyError:
            for outcome, _ in reacting:
                self.publish(session, outcome)

    def row_settled(self, session: Session, row: OutboxMessage, at: dt.datetime) -> None:
        """Publish ``row``'s outcome if its status is one it ends in for good (a row whose
        payload cannot be read has nothing typed to tell, and is left out)."""
        outcome = outcome_of(row, at)
        if outcome is not None:
            self.publish(session, outcome)


def outcome_of(row: OutboxMessage, at: dt.datetime) -> Outcome | None:
    """``row``'s outcome at ``at`` if its status is one it ends in for good, else ``None`` (also
    for a row whose payload cannot be read: it has nothing typed to tell)."""
    if row.status not in SETTLED:
        return None
    try:
        payload = payload_of(row.kind, row.payload)
    except ValueError:
        return None
    return Outcome(row.id, row.openid, row.member_id, row.purpose, payload, Settled(row.status), at)
