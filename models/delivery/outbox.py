"""The outbox table: every message kiteline sends outside a passive reply waits here first.

Handlers and scheduled jobs enqueue (:mod:`models.delivery.queue`); a dispatcher
(:mod:`models.delivery.pool`) claims rows and sends them. Row statuses: ``pending`` (due at
``next_attempt_at``), ``deferred`` (waits for the member's next message), ``claimed`` (a
dispatcher took it, not yet tried), ``sending`` (the API call may be under way), ``sent``,
``unknown`` (at-most-once row whose outcome was lost), ``failed`` (refused for good, or retries
spent), ``dropped`` (the follower unfollowed or never existed), ``on_request`` (a lesson held
back when the member wrote with several waiting: it goes when they ask for the next one,
``models.broadcasts.waiting``).

A sent row says how it went (``sent_via``): ``custom`` (customer-service message), ``template``,
``mass`` (群发) or ``reply`` (in the passive reply to the member's request). A row of a scheduled
broadcast names it (``broadcast_id``, ``models.broadcasts``).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, intpk, json_dict, timestamp

OUTBOX_STATUSES = ("pending", "deferred", "claimed", "sending", "sent", "unknown", "failed", "dropped",
                   "on_request")
SENT_VIA = ("custom", "template", "mass", "reply")
OUTBOX_KINDS = ("text", "news", "template")
# A row a dispatcher holds.
IN_FLIGHT = ("claimed", "sending")
# A row still on its way to its reader: due, held, waiting for their next message, or for them
# to ask for it.
ON_THE_WAY = ("pending", "deferred", *IN_FLIGHT, "on_request")


class OutboxMessage(Base):
    """One queued message: for whom, what (a payload of ``kind``), why, and how far it got."""

    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint(f"status IN {OUTBOX_STATUSES}", name="status"),
        CheckConstraint(f"kind IN {OUTBOX_KINDS}", name="kind"),
        CheckConstraint(f"sent_via IS NULL OR sent_via IN {SENT_VIA}", name="sent_via"),
        # A dispatcher's claim reads the oldest due rows: an index walk, not a sort of the
        # whole queue each turn (a 5,000-row push made each claim ~100 ms on PostgreSQL).
        Index("ix_outbox_due", "status", "next_attempt_at", "id"),
        # Whether deliveries wait for a member is asked on every message (models.inbound_sender):
        # led by status, SQLite would walk every waiting row of the district.
        Index("ix_outbox_openid_status", "openid", "status"),
    )

    id: Mapped[intpk]
    openid: Mapped[str] = mapped_column(String(64))
    # The member the message is for, kept because an unfollow clears their openid and a failed
    # notice must still be traced to its branch (the secretary's digest).
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    # A typed payload (models.delivery.payloads) as JSON; its kind is ``kind``.
    payload: Mapped[json_dict]
    # A key of models.delivery.purposes.PURPOSES.
    purpose: Mapped[str] = mapped_column(String(32))
    idempotency_key: Mapped[str] = mapped_column(String(120), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    # Sends repeated after an unknown outcome (at-least-once purposes only).
    resends: Mapped[int] = mapped_column(default=0)
    # Business clock (the injectable one): when the row is due.
    next_attempt_at: Mapped[timestamp]
    created_at: Mapped[timestamp]
    sent_at: Mapped[dt.datetime | None] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(Text)
    # Why a row ended failed, dropped or unknown, in Chinese for a branch secretary
    # (models.delivery.reasons); ``last_error`` keeps the technical code beside it.
    reason: Mapped[str | None] = mapped_column(Text)
    # The dispatcher holding a claimed/sending row (host:pid:random) and until when, in WALL
    # time: a lease is about whether a process is alive, which a simulated clock cannot tell.
    claimed_by: Mapped[str | None] = mapped_column(String(120))
    claimed_until: Mapped[dt.datetime | None] = mapped_column()
    # When a secretary's digest listed this row (failed or dropped notices), so it is listed once.
    reported_at: Mapped[dt.datetime | None] = mapped_column()
    # The scheduled broadcast the row belongs to, if any (models.broadcasts.record).
    broadcast_id: Mapped[int | None] = mapped_column(ForeignKey("broadcasts.id"), index=True)
    # How a sent row went (SENT_VIA), set when it is sent.
    sent_via: Mapped[str | None] = mapped_column(String(16))
    # The mass send (群发) carrying this row (models.delivery.mass): while it is under way the row
    # stays pending or deferred and no dispatcher claims it alone.
    mass_send_id: Mapped[int | None] = mapped_column(ForeignKey("mass_sends.id"), index=True)
