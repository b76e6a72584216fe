"""Rendering a queued message again just before it is sent, from the record it is about.

A message may wait in the outbox for hours or days (a closed window, a retry, the reader's next
message), and what it says of a person can change meanwhile: a member's new phone must reach the
liaison, not the one on file when the notice was queued. So a payload that names its record
(``about``: ``{"ticket_id": 7, "number": "Q20261129001"}``, :mod:`models.delivery.payloads`) is
given, just before its send, to the refresher registered for its purpose, which renders it anew
from the record as it is then; the row keeps what was sent. Refreshers are registered where a
dispatcher is built (``bot.dispatcher.refreshers``), as reactions are
(:mod:`models.delivery.events`), so delivery names no other domain.

A refresher that finds nothing to render from (the record is gone) returns ``None``, and the
message goes as queued; one that fails is logged, rolled back on its own, and the message goes
as queued too — a notice a little out of date beats a notice lost.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from sqlalchemy.orm import Session

from models.delivery.outbox import OutboxMessage
from models.delivery.payloads import KIND_OF, Payload

log = logging.getLogger(__name__)

# (session, the payload as stored — its ``about`` set —, now) -> the payload to send, or None.
Refresher = Callable[[Session, Payload, dt.datetime], "Payload | None"]


class Refreshers:
    """Which purpose's messages are rendered again before they are sent, and by whom."""

    def __init__(self) -> None:
        self._by: dict[str, Refresher] = {}

    def on(self, purpose: str, refresher: Refresher) -> Refreshers:
        """Render ``purpose``'s messages that carry ``about`` with ``refresher`` before each send.
        Returns ``self``, so a registry reads as one chain. Raises ``ValueError`` for a purpose
        given twice."""
        if purpose in self._by:
            raise ValueError(f"outbox purpose {purpose!r} has a refresher already")
        self._by[purpose] = refresher
        return self

    def __contains__(self, purpose: object) -> bool:
        return purpose in self._by

    def refresh(self, session: Session, row: OutboxMessage, payload: Payload, now: dt.datetime) -> Payload:
        """``payload`` (``row``'s, typed) as its purpose's refresher renders it now, stored on
        ``row`` (its ``kind`` unchanged: a refresher answers a text with a text); ``payload``
        itself when the purpose has no refresher, the payload names no record, or the refresher
        finds none or fails."""
        refresher = self._by.get(row.purpose)
        if refresher is None or getattr(payload, "about", None) is None:
            return payload
        try:
            with session.begin_nested():
                fresh = refresher(session, payload, now)
        except Exception:  # a bug in another domain's rendering must not lose the notice
            log.exception("outbox %s (%s): rendering it again failed; sent as queued", row.id, row.purpose)
            return payload
        if fresh is None or fresh == payload:
            return payload
        if KIND_OF[type(fresh)] != row.kind:
            log.error("outbox %s (%s): refresher answered a %s with a %s; sent as queued",
                      row.id, row.purpose, row.kind, KIND_OF[type(fresh)])
            return payload
        row.payload = fresh.as_json()
        return fresh
