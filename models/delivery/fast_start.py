"""A dispatcher turn's common case as a few SQLAlchemy Core statements: claimed rows whose
payload reads, going as customer-service messages on an open channel into windows with a place
left — a lesson push, a notice. Everything else (a template message, a closed window, an
unfollow, a paused channel, a payload of the wrong shape, one rendered again before its send)
goes through :func:`models.delivery.dispatcher.start`, which decides row by row with the ORM.

Why: on SQLite a transaction holds the one write lock from its first write to its commit, and
the platform's own writes (in the sandbox, the same file) wait meanwhile; the ORM's per-row
work — loading the rows, the unit of work, the flush — held it ≈ 10–15 ms a turn. Here the rows
come as the claim returned them (:func:`models.delivery.claims.claim_due`), and the writes are
three statements for the whole batch (:func:`start_fast`): the windows' places, the rows marked
``sending`` with their attempt counted, the attempts inserted — on PostgreSQL one statement,
as each statement there is a round trip to the server, which under load costs more than the
statement's own work. The guarantee is the same as ``start``'s: the caller commits all of it
before any call begins.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Container

from sqlalchemy import bindparam, insert, literal, select, update
from sqlalchemy.orm import Session

from models.delivery import window
from models.delivery.attempts import OutboxAttempt
from models.delivery.channels import Channel, channel_of
from models.delivery.claims import Claimed
from models.delivery.dispatcher import Call
from models.delivery.outbox import OutboxMessage
from models.delivery.payloads import payload_of
from models.list_param import in_list

# The statements, built once (see models.delivery.claims), run on the session's connection.
_outbox, _attempts = OutboxMessage.__table__, OutboxAttempt.__table__
_SENDING = (update(_outbox)
            .where(in_list(_outbox.c.id, "ids"), _outbox.c.claimed_by == bindparam("b_holder"),
                   _outbox.c.status == "claimed")
            .values(status="sending", attempts=_outbox.c.attempts + 1))
_BEGIN = insert(_attempts).returning(_attempts.c.outbox_id, _attempts.c.id)
# On PostgreSQL the three are one statement (data-modifying WITHs): the windows' places, the rows
# of the members who got one marked ``sending``, their attempts begun — one round trip, not three.
_placed = window.SPEND.cte("placed")
_going = (_SENDING.where(_outbox.c.openid.in_(select(_placed.c.openid)))
          .returning(_outbox.c.id, _outbox.c.attempts).cte("going"))
_START_PG = (insert(_attempts)
             .from_select(["outbox_id", "number", "channel", "holder", "started_at"],
                          select(_going.c.id, _going.c.attempts, literal(Channel.CUSTOM.value),
                                 bindparam("b_holder", type_=_attempts.c.holder.type),
                                 bindparam("b_now", type_=_attempts.c.started_at.type)))
             .add_cte(_placed).add_cte(_going)
             .returning(_attempts.c.outbox_id, _attempts.c.id))


def start_fast(session: Session, due: list[Claimed], holder: str, now: dt.datetime, custom_open: bool,
               refreshed: Container[str] = ()) -> tuple[list[Call], list[int]]:
    """Start the rows of ``due`` (just claimed by ``holder``) that take the common case — a
    customer-service message, ``custom_open`` (the channel not paused), a place left in the
    reader's window, of no purpose in ``refreshed`` (rendered again before the send:
    ``models.delivery.refresh``) — each ``sending`` with one attempt counted and begun. Returns
    the calls (to make once the caller
    has committed) and the ids of the other rows, for :func:`models.delivery.dispatcher.start`."""
    typed, rest = {}, []
    for d in due:
        try:
            payload = payload_of(d.kind, d.payload)
        except ValueError:  # start() fails it visibly
            rest.append(d.row_id)
            continue
        if custom_open and channel_of(d.kind) is Channel.CUSTOM and d.purpose not in refreshed:
            typed[d.row_id] = payload
        else:
            rest.append(d.row_id)
    if not typed:
        return [], rest
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        ids = dict(conn.execute(_START_PG, {
            "openids": [d.openid for d in due if d.row_id in typed], "now": now,
            "ids": list(typed), "b_holder": holder, "b_now": now}).all())
        going = [d for d in due if d.row_id in ids]
    else:
        placed = window.spend(session, [d.openid for d in due if d.row_id in typed], now)
        going = [d for d in due if d.row_id in typed and d.openid in placed]
        if going:
            conn.execute(_SENDING, {"ids": [d.row_id for d in going], "b_holder": holder})
            ids = dict(conn.execute(_BEGIN, [
                {"outbox_id": d.row_id, "number": d.attempts + 1, "channel": Channel.CUSTOM.value,
                 "holder": holder, "started_at": now} for d in going]).all())
    # A row of a member with no place left goes through start(), which defers it.
    started = {d.row_id for d in going}
    rest += [row_id for row_id in typed if row_id not in started]
    calls = [Call(d.row_id, ids[d.row_id], Channel.CUSTOM.value, d.openid, typed[d.row_id], d.member_id, d.purpose)
             for d in going]
    return calls, rest
