"""Writing one page of a broadcast's outbox rows (:mod:`models.broadcasts.planning`) in bulk,
each row whose idempotency key is already there skipped (ON CONFLICT DO NOTHING).

The rows of a page differ in six columns (:data:`VARYING`: openid, member, kind, payload,
purpose, idempotency key); the others are the same for the whole page (pending, no attempts
yet, due and created at the planning time, the broadcast). The varying values go into a
temporary table first, then one INSERT … SELECT moves them into ``outbox`` with the constants —
a set-based statement per page instead of a statement per row.

Why not SQLAlchemy's ``executemany`` of the INSERT (measured, bench/README.md "Planning a
scheduled broadcast"): psycopg 3 executes it as one pipelined INSERT per row, ≈ 57 µs of server
CPU a row with the outbox's indexes against ≈ 23 µs for the set-based INSERT, and SQLAlchemy
converts every column of every row by its type in the client (two timestamps, the JSON, the
constants): that INSERT was 14 s of a 21 s plan of 100,000 members on PostgreSQL. (COPY straight
into ``outbox``, ≈ 18 µs a row, cannot skip the rows already there, as a rerun or a second
planner must.) On PostgreSQL the
temporary table is filled by COPY (psycopg's ``Cursor.copy``: SQLAlchemy has no COPY, so this
takes the driver's connection under the session's transaction); on SQLite by the driver's
``executemany`` of plain tuples (``exec_driver_sql``: no per-value type processing; the values
are already what the columns store). The final INSERT is SQLAlchemy Core.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import JSON, cast, column, literal, select, table, true
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from models.base import UTCDateTime
from models.delivery.outbox import OutboxMessage

_OUTBOX = OutboxMessage.__table__
# The columns that differ from row to row, in the order of the tuples :func:`write_page` takes.
VARYING = ("openid", "member_id", "kind", "payload", "purpose", "idempotency_key")
_STAGE = "broadcast_page"
_STAGE_COLUMNS = ("openid varchar(64), member_id integer, kind varchar(16), payload text, "
                  "purpose varchar(32), idempotency_key varchar(120)")
_stage = table(_STAGE, *(column(name) for name in VARYING))


def write_page(session: Session, broadcast_id: int, now: dt.datetime,
               rows: Sequence[tuple[str, int, str, str, str, str]]) -> None:
    """Add ``rows`` (tuples of :data:`VARYING`; the payload its JSON text) to ``outbox`` as
    pending rows of broadcast ``broadcast_id``, due and created at ``now`` (timezone-aware),
    skipping any whose idempotency key is there already (a rerun, a second planner). In the
    session's transaction; the caller commits."""
    if not rows:
        return
    connection = session.connection()
    on_postgresql = connection.dialect.name == "postgresql"
    if on_postgresql:
        connection.exec_driver_sql(f"CREATE TEMPORARY TABLE {_STAGE} ({_STAGE_COLUMNS}) ON COMMIT DROP")
        driver = connection.connection.driver_connection
        with driver.cursor() as cursor, cursor.copy(f"COPY {_STAGE} ({', '.join(VARYING)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        insert = postgresql.insert(_OUTBOX)
    else:
        # SQLite has no ON COMMIT DROP: the table is dropped below, in the same transaction.
        connection.exec_driver_sql(f"CREATE TEMPORARY TABLE {_STAGE} ({_STAGE_COLUMNS})")
        connection.exec_driver_sql(f"INSERT INTO {_STAGE} VALUES (?, ?, ?, ?, ?, ?)", list(rows))
        insert = sqlite.insert(_OUTBOX)
    at = literal(now, UTCDateTime())
    # PostgreSQL takes text into a json column only cast; SQLite stores JSON as the text itself
    # (a CAST there would give the text numeric affinity).
    payload = cast(_stage.c.payload, JSON) if on_postgresql else _stage.c.payload
    moved = select(_stage.c.openid, _stage.c.member_id, _stage.c.kind, payload, _stage.c.purpose,
                   _stage.c.idempotency_key, literal("pending"), literal(0), literal(0), at, at,
                   literal(broadcast_id))
    if not on_postgresql:
        # Without a WHERE, SQLite would read ON CONFLICT as the SELECT's join condition
        # (sqlite.org/lang_upsert.html, "Parsing Ambiguity").
        moved = moved.where(true())
    session.execute(insert.from_select([*VARYING, "status", "attempts", "resends", "next_attempt_at",
                                        "created_at", "broadcast_id"], moved).on_conflict_do_nothing())
    if not on_postgresql:
        connection.exec_driver_sql(f"DROP TABLE temp.{_STAGE}")
