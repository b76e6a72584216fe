"""A dispatcher turn's common case as a few SQLAlchemy Core statements: claimed rows whose
payload reads, going as customer-service messages on an open channel into windows with a place
left — a lesson push, a notice. Everything else (a template message, a closed window, an
unfollow, a paused channel, a payload of the wrong shape, one rendered again before its send)
goes through
:func:`models.delivery.dispatcher.start`, which decides row by row with the ORM.

Why: on SQLite a transaction holds the one write lock from its first write to its commit, and
the platform's own writes (in the sandbox, the same file) wait meanwhile; the ORM's per-row
work — loading the rows, the unit of work, the flush — held it ≈ 10–15 ms a turn. Here the rows
are read before the turn's first write (:func:`read_due`), and the writes are three statements
for the whole batch (:func:`start_fast`): the windows' places, the rows marked ``sending`` with
their attempt counted, the attempts inserted. The guarantee is the same as ``start``'s: the
caller commits all of it before any call begins.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Container, Mapping
from dataclasses import dataclass

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from models.delivery import window
from models.delivery.attempts import OutboxAttempt
from models.delivery.channels import Channel, channel_of
from models.delivery.dispatcher import Call
from models.delivery.outbox import OutboxMessage
from models.delivery.payloads import payload_of

# The statements, built once (see models.delivery.claims), run on the session's connection.
_outbox, _attempts = OutboxMessage.__table__, OutboxAttempt.__table__
_READ = select(_outbox.c.id, _outbox.c.openid, _outbox.c.kind, _outbox.c.payload, _outbox.c.member_id,
               _outbox.c.purpose).where(_outbox.c.id.in_(bindparam("ids", expanding=True)))
_SENDING = (update(_outbox)
            .where(_outbox.c.id.in_(bindparam("ids", expanding=True)), _outbox.c.claimed_by == bindparam("b_holder"),
                   _outbox.c.status == "claimed")
            .values(status="sending", attempts=_outbox.c.attempts + 1))
_BEGIN = insert(_attempts).returning(_attempts.c.outbox_id, _attempts.c.id)


@dataclass(frozen=True)
class Due:
    """What a claimed row's call needs, read before the turn writes (a Core row, no ORM
    object): id, reader, kind, payload as stored, member, purpose."""

    row_id: int
    openid: str
    kind: str
    payload: dict
    member_id: int | None
    purpose: str


def read_due(session: Session, row_ids: Collection[int]) -> dict[int, Due]:
    """The rows ``row_ids`` as :class:`Due`, by id (read only: no lock taken on SQLite)."""
    if not row_ids:
        return {}
    rows = session.connection().execute(_READ, {"ids": list(row_ids)})
    return {r[0]: Due(*r) for r in rows}


def start_fast(session: Session, due: list[Due], attempts_of: Mapping[int, int], holder: str,
               now: dt.datetime, custom_open: bool, refreshed: Container[str] = ()) -> tuple[list[Call], list[int]]:
    """Start the rows of ``due`` (claimed by ``holder``; ``attempts_of`` their attempts so far,
    as the claim returned them) that take the common case — a customer-service message,
    ``custom_open`` (the channel not paused), a place left in the reader's window, of no purpose
    in ``refreshed`` (rendered again before the send: ``models.delivery.refresh``) — each
    ``sending`` with one attempt counted and begun. Returns the calls (to make once the caller
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
    placed = window.spend(session, [d.openid for d in due if d.row_id in typed], now)
    going = [d for d in due if d.row_id in typed and d.openid in placed]
    rest += [d.row_id for d in due if d.row_id in typed and d.openid not in placed]
    if not going:
        return [], rest
    conn = session.connection()
    conn.execute(_SENDING, {"ids": [d.row_id for d in going], "b_holder": holder})
    ids = dict(conn.execute(_BEGIN, [
        {"outbox_id": d.row_id, "number": attempts_of[d.row_id] + 1, "channel": Channel.CUSTOM.value,
         "holder": holder, "started_at": now} for d in going]).all())
    calls = [Call(d.row_id, ids[d.row_id], Channel.CUSTOM.value, d.openid, typed[d.row_id], d.member_id, d.purpose)
             for d in going]
    return calls, rest
