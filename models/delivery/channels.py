"""Which way a queued message goes now — a customer-service (``custom``) or a template message —
or whether it waits: the member's window (:mod:`models.delivery.window`), a channel the
platform closed for the day, and the template fallback of service notices.

Today's rules (DESIGN.md §2): template rows go as template messages, any time. Text and news go
as customer-service messages while the reader's window is open; outside it they wait,
``deferred``, for the reader's next message — except a text of a purpose declared
``template_fallback`` (a liaison's notice, a secretary's digest) that carries its template
form: that form goes at once and the full text waits for the next message. A channel that hit
its daily API quota (45009) waits until 00:00 Beijing time, when WeChat resets quotas.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import replace
from enum import StrEnum

from sqlalchemy import CheckConstraint, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base, timestamp
from models.clock import SHANGHAI
from models.delivery import window
from models.delivery.outbox import OutboxMessage
from models.delivery.payloads import Payload, TemplateNotice
from models.delivery.payloads import Text as TextPayload
from models.delivery.purposes import PURPOSES
from models.delivery.queue import enqueue
from models.delivery.reasons import WINDOW_SPENT


class Channel(StrEnum):
    """The two ways a queued message reaches WeChat."""

    CUSTOM = "custom"
    TEMPLATE = "template"


CHANNELS = tuple(c.value for c in Channel)


class ChannelPause(Base):
    """A channel the platform closed for the day (error 45009, daily API quota reached)."""

    __tablename__ = "channel_pauses"
    __table_args__ = (CheckConstraint(f"channel IN {CHANNELS}", name="channel"),)

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    paused_until: Mapped[timestamp]
    reason: Mapped[str | None] = mapped_column(Text)


def channel_of(kind: str) -> Channel:
    """``template`` rows go out as template messages; text and news as customer-service ones."""
    return Channel.TEMPLATE if kind == "template" else Channel.CUSTOM


def falls_back(purpose: str, payload: Payload) -> bool:
    """Whether ``payload`` (of ``purpose``) goes as its template form when the window is closed."""
    return (isinstance(payload, TextPayload) and payload.fallback is not None
            and purpose in PURPOSES and PURPOSES[purpose].template_fallback)


def choose(session: Session, row: OutboxMessage, payload: Payload, now: dt.datetime) -> tuple[str, Payload]:
    """Decide how claimed ``row`` (whose typed payload is ``payload``) goes now: ``("go", what
    to send)`` — one place in the reader's window counted when it is a customer-service
    message — or the status it is left in: ``retry`` (channel paused; due when it reopens),
    ``deferred`` or ``dropped``. On a fallback the full text is queued, deferred, and the row
    becomes its template message. The caller releases the claim when it is not ``go``."""
    channel = channel_of(row.kind)
    paused_until = channel_paused_until(session, channel, now)
    if paused_until is not None:
        row.status, row.next_attempt_at = "pending", paused_until
        return "retry", payload
    if channel is Channel.CUSTOM:
        verdict = window.reserve(session, row.openid, now)
    else:
        verdict = window.Window.UNFOLLOWED if window.unfollowed(session, row.openid) else window.Window.OPEN
    waits = verdict in (window.Window.CLOSED, window.Window.SPENT)
    if waits and falls_back(row.purpose, payload):
        return "go", _fall_back_to_template(session, row, payload, now)
    if waits:
        row.status = "deferred"
        # Which of the two it waits for, for the secretary's report (models.delivery.reasons).
        if verdict is window.Window.SPENT:
            row.last_error = WINDOW_SPENT
        elif row.last_error == WINDOW_SPENT:
            row.last_error = None
        return "deferred", payload
    if verdict is window.Window.UNFOLLOWED:
        row.status, row.last_error = "dropped", "member unfollowed the account"
        return "dropped", payload
    return "go", payload


def _fall_back_to_template(session: Session, row: OutboxMessage, payload: TextPayload,
                           now: dt.datetime) -> TemplateNotice:
    """A service notice outside the window goes out now as its template message (allowed any
    time, DESIGN.md §2); its full text waits, deferred, for the reader's next message."""
    # Both keep what the notice is about: each is rendered again before its own send.
    full = enqueue(session, openid=row.openid, payload=TextPayload(payload.content, about=payload.about),
                   purpose=row.purpose, idempotency_key=f"{row.idempotency_key}:full", now=now,
                   member_id=row.member_id)
    full.status = "deferred"
    template = replace(payload.fallback, about=payload.about)
    row.kind, row.payload = "template", template.as_json()
    return template


# ``session.info`` key of the pauses a batch loaded once (:func:`load_pauses`): a dispatcher
# deciding many rows in one transaction then asks no query per row.
_PAUSES = "kiteline.channel_pauses"


def load_pauses(session: Session) -> None:
    """Read every channel pause once for the rest of ``session``'s work (a dispatcher's turn)."""
    session.info[_PAUSES] = {p.channel: p for p in session.scalars(select(ChannelPause))}


def _pause(session: Session, channel: Channel) -> ChannelPause | None:
    loaded = session.info.get(_PAUSES)
    return loaded.get(channel.value) if loaded is not None else session.get(ChannelPause, channel.value)


def pause_channel(session: Session, channel: Channel, until: dt.datetime, reason: str) -> None:
    """Stop sending on ``channel`` until ``until`` (aware UTC)."""
    pause = _pause(session, channel)
    if pause is None:
        pause = ChannelPause(channel=channel.value, paused_until=until, reason=reason)
        session.add(pause)
        if _PAUSES in session.info:
            session.info[_PAUSES][channel.value] = pause
    else:
        pause.paused_until, pause.reason = until, reason


def channel_paused_until(session: Session, channel: Channel, now: dt.datetime) -> dt.datetime | None:
    """When ``channel`` may be used again, or ``None`` if it is open now."""
    pause = _pause(session, channel)
    return pause.paused_until if pause is not None and pause.paused_until > now else None


def next_quota_reset(now: dt.datetime) -> dt.datetime:
    """The next 00:00 in Beijing time (when WeChat's daily API quotas reset), as aware UTC."""
    tomorrow = now.astimezone(SHANGHAI).date() + dt.timedelta(days=1)
    return dt.datetime.combine(tomorrow, dt.time(0), tzinfo=SHANGHAI).astimezone(dt.timezone.utc)
