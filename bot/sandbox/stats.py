"""What the sandbox accepted and refused, by API and error code (DESIGN.md §3, ``GET
/sandbox/stats``): the platform's view of how a client behaves — how often it fetched a token,
how many calls were refused with 42001 — which a client's own logs cannot show.

One counter row per ``(api, errcode)`` (table ``sandbox_calls``); every process sharing the
database adds to the same rows.
"""
from __future__ import annotations

from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from bot.sandbox.state import calls


def count_call(conn: Connection, api: str, errcode: int) -> None:
    """Add one answer to the counts: ``api`` is the path under ``/cgi-bin/`` (``stable_token``,
    ``message/custom/send``), ``errcode`` 0 for an accepted call."""
    match = (calls.c.api == api) & (calls.c.errcode == errcode)
    if conn.execute(update(calls).where(match).values(count=calls.c.count + 1)).rowcount:
        return
    try:
        with conn.begin_nested():
            conn.execute(insert(calls).values(api=api, errcode=errcode, count=1))
    except IntegrityError:  # another process counted the first one at the same moment
        conn.execute(update(calls).where(match).values(count=calls.c.count + 1))


def summary(conn: Connection) -> dict[str, dict]:
    """``{api: {"accepted": n, "refused": {"<errcode>": n, ...}}}`` for every API called since
    the last :func:`reset` (error codes as strings, JSON keys being strings)."""
    result: dict[str, dict] = {}
    for api, errcode, count in conn.execute(select(calls.c.api, calls.c.errcode, calls.c.count)
                                            .order_by(calls.c.api, calls.c.errcode)):
        entry = result.setdefault(api, {"accepted": 0, "refused": {}})
        if errcode == 0:
            entry["accepted"] = count
        else:
            entry["refused"][str(errcode)] = count
    return result


def reset(conn: Connection) -> None:
    """Start counting from zero."""
    conn.execute(delete(calls))
