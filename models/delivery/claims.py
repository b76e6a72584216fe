"""Claims on outbox rows: which dispatcher holds a row, for how long, and what happens to the
rows of one that died.

A dispatcher is a *holder* ``host:pid:random`` (``host`` as :func:`this_host` names it). It claims a few due rows at a time (``pending``
→ ``claimed``, with ``claimed_by`` and a lease ``claimed_until``), turns each into ``sending``
right before its API call, and renews the leases of rows it still holds. Leases are in wall
time, never the business clock: they say whether a process is alive, and a simulated clock may
jump days ahead.

A holder is gone when its lease ran out, or — at once, without waiting for the lease — when it
ran on this host and its process no longer exists (a ``kill -9``'d ``serve`` restarted, a
crashed ``kiteline dispatcher``). :func:`recover_stale` then settles its rows by the evidence
their last attempt left (:mod:`models.delivery.attempts`; see :mod:`models.delivery.purposes`
for the guarantees):

- ``claimed``: never tried → ``pending`` again (no duplicate possible);
- ``sending``, WeChat's ``ok`` recorded → ``sent`` (it arrived; the settle was what was lost);
- ``sending``, a refusal recorded (or no connection) → ``pending`` again: nothing was delivered;
- ``sending``, written and no answer, at most once → ``unknown`` (recorded, never sent again);
- ``sending``, written and no answer, at least once → ``pending`` with ``resends`` + 1.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import bindparam, exists, func, select, update
from sqlalchemy.orm import Session

from models.delivery.attempts import Evidence, evidence, last_attempts
from models.delivery.channels import Channel, ChannelPause
from models.delivery.events import Reactions
from models.delivery.outbox import IN_FLIGHT, OutboxMessage
from models.delivery.purposes import Guarantee, guarantee_of
from models.delivery.reasons import ENDED_WHILE_SENDING, explain
from models.list_param import in_list

# How long a claim stands without renewal. The holder renews every LEASE / 4 while it works, so
# only a process that stopped (or hung) loses its rows — after this long at most.
LEASE = dt.timedelta(seconds=60)
# Rows looked at per claim for each row taken: a member's later rows are skipped while an
# earlier one is under way (one member, one message at a time).
CANDIDATES_PER_CLAIM = 4
log = logging.getLogger(__name__)

# A claim's statement, built once: a dispatcher runs it every turn (a few milliseconds apart),
# and building one cost as much of SQLAlchemy's Python as running it. Run on the session's
# connection, as Core. One statement, so one round trip on PostgreSQL, where the claim was five
# (the due rows, their members in flight, the rows locked, the update, the payloads read).
_outbox, _pauses = OutboxMessage.__table__, ChannelPause.__table__
_flying = _outbox.alias("flying")
# The oldest due rows, a member of ``busy`` left out; CANDIDATES_PER_CLAIM of them per row wanted.
_candidates = (select(_outbox.c.id, _outbox.c.openid, _outbox.c.next_attempt_at)
               .where(_outbox.c.status == "pending", _outbox.c.next_attempt_at <= bindparam("now"),
                      _outbox.c.mass_send_id.is_(None), ~in_list(_outbox.c.openid, "busy"))
               .order_by(_outbox.c.next_attempt_at, _outbox.c.id)
               .limit(bindparam("candidates"))
               .subquery("candidates"))
# Of those whose member has no row in flight anywhere, each member's oldest, ranked. The test
# runs on the candidates only, after their LIMIT (run on every due row before sorting, it cost
# PostgreSQL 30 ms a claim for a 5,000-row push).
_ranked = (select(_candidates.c.id, _candidates.c.next_attempt_at,
                  func.row_number().over(partition_by=_candidates.c.openid,
                                         order_by=(_candidates.c.next_attempt_at, _candidates.c.id)).label("nth"))
           .where(~exists().where(_flying.c.openid == _candidates.c.openid, _flying.c.status.in_(IN_FLIGHT)))
           .subquery("ranked"))
_chosen = (select(_ranked.c.id).where(_ranked.c.nth == 1)
           .order_by(_ranked.c.next_attempt_at, _ranked.c.id).limit(bindparam("n")))
# Only the rows chosen are locked, so a second dispatcher claiming now finds the others free;
# one it holds is skipped (PostgreSQL; SQLite serialises writers instead). Materialised, so the
# rows are picked and locked once whatever plan PostgreSQL makes of the update.
_locked = (select(_outbox.c.id)
           .where(_outbox.c.id.in_(_chosen), _outbox.c.status == "pending")
           .with_for_update(skip_locked=True)
           .cte("locked").prefix_with("MATERIALIZED", dialect="postgresql"))
_CLAIM = (update(_outbox)
          .where(_outbox.c.id.in_(select(_locked.c.id)), _outbox.c.status == "pending",
                 _outbox.c.mass_send_id.is_(None))
          .values(status="claimed", claimed_by=bindparam("b_holder"), claimed_until=bindparam("b_until"))
          .returning(_outbox.c.id, _outbox.c.openid, _outbox.c.kind, _outbox.c.payload, _outbox.c.member_id,
                     _outbox.c.purpose, _outbox.c.attempts, _outbox.c.next_attempt_at,
                     # the customer-service channel's pause, read in the same round trip
                     select(_pauses.c.paused_until).where(_pauses.c.channel == Channel.CUSTOM.value)
                     .scalar_subquery().label("custom_paused_until")))


@dataclass(frozen=True)
class Claimed:
    """A row just claimed, as its call needs it (a Core row, no ORM object): id, reader, kind,
    payload as stored, member, purpose, attempts so far."""

    row_id: int
    openid: str
    kind: str
    payload: dict
    member_id: int | None
    purpose: str
    attempts: int


@dataclass(frozen=True)
class Claim:
    """What :func:`claim_due` claimed — ``rows`` in the order to send — and until when the
    customer-service channel is paused (``None``: no pause on record; known only when a row
    was claimed)."""

    rows: list[Claimed]
    custom_paused_until: dt.datetime | None


def wall_now() -> dt.datetime:
    """The real time (aware UTC), for leases."""
    return dt.datetime.now(dt.timezone.utc)


def claim_due(session: Session, now: dt.datetime, holder: str, limit: int,
              busy_openids: Collection[str] = ()) -> Claim:
    """Claim up to ``limit`` rows due at ``now`` (business clock) for ``holder`` (``claimed``,
    the lease begun): at most one per member, none of a member in ``busy_openids`` or with a
    row in flight anywhere, none that a mass send carries (``models.delivery.mass``), oldest
    first — looking at the :data:`CANDIDATES_PER_CLAIM` × ``limit`` oldest due rows.

    Safe with several dispatchers: PostgreSQL skips rows another one has locked
    (``FOR UPDATE SKIP LOCKED``; SQLite serialises writers instead), and the status guard in the
    UPDATE means a row is claimed by exactly one caller. The caller commits."""
    if limit <= 0:
        return Claim([], None)
    rows = session.connection().execute(_CLAIM, {
        "now": now, "busy": list(busy_openids), "candidates": limit * CANDIDATES_PER_CLAIM, "n": limit,
        "b_holder": holder, "b_until": wall_now() + LEASE}).all()
    # RETURNING keeps no order: oldest first again, as chosen.
    rows.sort(key=lambda r: (r.next_attempt_at, r.id))
    return Claim([Claimed(*r[:7]) for r in rows], rows[0].custom_paused_until if rows else None)


def renew_leases(session: Session, holder: str, ids: Collection[int]) -> None:
    """Extend ``holder``'s leases on ``ids`` (rows it is still working on). The caller commits."""
    if ids:
        session.execute(update(OutboxMessage)
                        .where(OutboxMessage.id.in_(list(ids)), OutboxMessage.claimed_by == holder,
                               OutboxMessage.status.in_(IN_FLIGHT))
                        .values(claimed_until=wall_now() + LEASE)
                        .execution_options(synchronize_session=False))


def unclaim(session: Session, holder: str, ids: Collection[int]) -> None:
    """Give back ``holder``'s claims on ``ids`` that it never started (a round that stops with
    rows claimed ahead): ``pending`` again, as they were. The caller commits."""
    if ids:
        session.execute(update(OutboxMessage)
                        .where(OutboxMessage.id.in_(list(ids)), OutboxMessage.claimed_by == holder,
                               OutboxMessage.status == "claimed")
                        .values(status="pending", claimed_by=None, claimed_until=None)
                        .execution_options(synchronize_session=False))


def this_host() -> str:
    """This machine as a holder id names it: the host name, plus the pid namespace where Linux
    shows it (containers may share a host name; a pid means something only in its namespace)."""
    try:
        namespace = "".join(c for c in os.readlink("/proc/self/ns/pid") if c.isdigit())
    except OSError:
        return socket.gethostname()
    return f"{socket.gethostname()}~{namespace}"


def holder_gone(holder: str | None, claimed_until: dt.datetime | None, live: Collection[str],
                at: dt.datetime) -> bool:
    """Whether the dispatcher ``holder`` can no longer finish its claim: its lease ran out at
    ``at`` (wall time), or it ran on this host and its process has exited (or, in this very
    process, it is not among the ``live`` holders)."""
    if holder is None or claimed_until is None or claimed_until <= at:
        return True
    host, _, rest = holder.partition(":")
    pid_text = rest.partition(":")[0]
    if host != this_host() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return holder not in live
    return not _process_alive(pid)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    try:  # a killed child its parent has not reaped yet is a zombie: it will never finish
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def recover_stale(session: Session, now: dt.datetime, live: Collection[str], reactions: Reactions) -> Counter:
    """Settle the rows of every holder that is gone by the evidence they left (see the module
    docstring); ``now`` is the business clock (a row sent again is due then). A row settled
    ``sent`` or ``unknown`` is published to ``reactions``. Returns how many rows went back to
    ``pending`` (``requeued``: never tried, or refused), were found ``sent``, became
    ``unknown``, or were queued to be sent again (``resent``). The caller commits."""
    at = wall_now()
    held = session.scalars(select(OutboxMessage).where(OutboxMessage.status.in_(IN_FLIGHT))
                           .with_for_update(skip_locked=True)).all()
    gone = [row for row in held if holder_gone(row.claimed_by, row.claimed_until, live, at)]
    last = last_attempts(session, [row.id for row in gone if row.status == "sending"])
    done: Counter = Counter()
    for row in gone:
        why = f"dispatcher {row.claimed_by or '(unknown)'} {ENDED_WHILE_SENDING}"
        proof = evidence(last.get(row.id)) if row.status == "sending" else Evidence.NONE
        if row.status == "claimed" or proof is Evidence.REFUSED:
            row.status, row.next_attempt_at = "pending", min(row.next_attempt_at, now)
            done["requeued"] += 1
        elif proof is Evidence.ACCEPTED:
            row.status, row.sent_at, row.last_error = "sent", last[row.id].ended_at, None
            reactions.row_settled(session, row, now)
            done["sent"] += 1
        elif guarantee_of(row.purpose) is Guarantee.AT_MOST_ONCE:
            row.status, row.last_error = "unknown", f"{why}; outcome unknown, not sent again (at most once)"
            reactions.row_settled(session, row, now)
            done["unknown"] += 1
        else:
            row.status, row.next_attempt_at = "pending", now
            row.resends += 1
            row.last_error = f"{why}; sent again (at least once)"
            done["resent"] += 1
        row.claimed_by = row.claimed_until = None
        explain(row)
    if done:
        log.warning("recovered outbox rows of dispatchers that ended: %s", dict(done))
    return done


def stale_claims(session: Session) -> list[OutboxMessage]:
    """Rows in flight whose holder is gone (see :func:`holder_gone`): the next round of any
    dispatcher will recover them; until then a report lists them."""
    at = wall_now()
    held = session.scalars(select(OutboxMessage).where(OutboxMessage.status.in_(IN_FLIGHT))
                           .order_by(OutboxMessage.id))
    return [row for row in held if holder_gone(row.claimed_by, row.claimed_until, (), at)]


def held_now(session: Session) -> int:
    """How many rows a live dispatcher holds right now (claimed or sending, the claim current):
    what a caller that has just finished its own round waits for before it calls the outbox
    sent."""
    return session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.status.in_(IN_FLIGHT), OutboxMessage.claimed_until > wall_now())) or 0
