"""Engine and session factory for ``database.url``: SQLite (WAL) by default, PostgreSQL by URL.

Nothing here runs at import time; :func:`make_engine` is called by the app factory and the CLI.
"""
from __future__ import annotations

import os
import weakref
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from models.write_lock import serialise_writers


def make_engine(url: str, echo: bool = False) -> Engine:
    """Create an engine. For a SQLite file URL the parent folder is created and WAL switched on,
    and writers take turns (:mod:`models.write_lock`) so the webhook's threads, the in-process
    scheduler and other processes share the file without SQLite's busy-wait.

    No connection is pinged when taken from the pool: that is a round trip per transaction on
    PostgreSQL. A connection found dead (the server restarted) fails its statement and SQLAlchemy
    then drops every pooled connection as old as it; the webhook retries its first statement
    once (``bot.answering``), the scheduler's and dispatcher's loops their next round.

    SQL parameters (openids, names, phones) stay out of error messages and logs unless ``echo``
    is on for debugging (DESIGN.md §5)."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, echo=echo, hide_parameters=not echo,
                               connect_args={"timeout": 15, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        serialise_writers(engine, path if path and path != ":memory:" else None)
        return _fork_safe(engine)
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return _fork_safe(create_engine(url, echo=echo, hide_parameters=not echo))


def _fork_safe(engine: Engine) -> Engine:
    """A forked child (``gunicorn --preload`` workers) starts with an empty pool of its own:
    a connection inherited from the parent is shared with every sibling, and their traffic on
    one socket corrupts each other's (SQLAlchemy docs, "Using Connection Pools with
    Multiprocessing or os.fork()": ``dispose(close=False)`` in the child). Held weakly, so an
    engine thrown away is not kept alive by the hook."""
    ref = weakref.ref(engine)

    def _in_child() -> None:
        alive = ref()
        if alive is not None:
            alive.dispose(close=False)

    os.register_at_fork(after_in_child=_in_child)
    return engine


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
