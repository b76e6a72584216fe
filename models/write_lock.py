"""One writer at a time on a SQLite file, by a lock we hold rather than by SQLite's busy-wait.

SQLite lets one connection write at a time. A second writer that finds the file locked sleeps in
SQLite's busy handler — 1, 2, 5, 10, 15, 20, 25 … 100 ms between tries — and wakes late: under
``kiteline serve`` 6–7 of 8 threads were found queueing so, with p99 latencies near a second.
Here a writer waits in line instead: a thread lock for the threads of this process (shared by
every engine on the file), then an exclusive ``flock`` on ``<database>.write-lock`` for the
processes sharing the file (gunicorn's workers, the CLI), tried every half millisecond. The
next writer of this process wakes the moment the previous one commits.

The lock is taken right before a connection's first write of a transaction (the point where
SQLite takes its own write lock) and given back when that transaction commits or rolls back, so
reads never wait and a request holds it only from its first write to its commit.
"""
from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time
import weakref
from pathlib import Path

from sqlalchemy import Engine, event
from sqlalchemy.exc import OperationalError

# Statements that take SQLite's write lock (the rest — SELECT, PRAGMA, SAVEPOINT — do not).
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER")
# As long as SQLite's own busy timeout (models.db), then the same error it would raise.
WAIT_SECONDS = 15.0
# How often a writer of another process looks again while the file is locked.
POLL_SECONDS = 0.0005


class WriteLock:
    """The write lock of one SQLite file (``path``; ``None`` for an in-memory database, which
    only this process can see). Held by one DBAPI connection at a time."""

    def __init__(self, path: str | None) -> None:
        self._threads = threading.Lock()
        self._path = Path(f"{path}.write-lock") if path else None
        # Opened on first use and kept (two system calls fewer per transaction); each process
        # opens its own: a child's copy of its parent's is closed at the fork (``_forked``).
        self._file: int | None = None
        self._holder: object | None = None

    def acquire(self, holder: object) -> None:
        """Wait for the lock on behalf of the DBAPI connection ``holder``; a no-op when it holds
        it already. Raises :class:`OperationalError` ("database is locked") after
        :data:`WAIT_SECONDS`, as SQLite would."""
        if self._holder is holder:
            return
        deadline = time.monotonic() + WAIT_SECONDS
        if not self._threads.acquire(timeout=WAIT_SECONDS):
            raise _locked()
        try:
            if self._path is not None:
                if self._file is None:
                    self._file = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
                while not self._try_file():
                    if time.monotonic() > deadline:
                        raise _locked()
                    time.sleep(POLL_SECONDS)
        except BaseException:
            self._threads.release()
            raise
        self._holder = holder

    def release(self, holder: object) -> None:
        """Give the lock back if ``holder`` holds it (its transaction ended)."""
        if self._holder is not holder:
            return
        self._holder = None
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
        self._threads.release()

    def _forked(self) -> None:
        # A child starts with nothing held: a holder in the parent is not one here. Its copy of
        # the parent's descriptor shares the parent's flock (one open file), so it is closed —
        # closing a copy never releases the lock — and the child opens its own on first use.
        if self._file is not None:
            os.close(self._file)
        self._threads, self._holder, self._file = threading.Lock(), None, None

    def __del__(self) -> None:
        if self._file is not None:
            os.close(self._file)

    def _try_file(self) -> bool:
        try:
            fcntl.flock(self._file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True


# Alive as long as an engine on the file is (its event hooks hold the lock).
_LOCKS: weakref.WeakValueDictionary[str, WriteLock] = weakref.WeakValueDictionary()
_LOCKS_LOCK = threading.Lock()


def _locked() -> OperationalError:
    return OperationalError("(write lock)", None, sqlite3.OperationalError("database is locked"))


def lock_for(path: str | None) -> WriteLock:
    """The process's one :class:`WriteLock` for the SQLite file ``path`` (a new one for an
    in-memory database)."""
    if not path:
        return WriteLock(None)
    key = os.path.realpath(path)
    with _LOCKS_LOCK:
        lock = _LOCKS.get(key)
        if lock is None:
            lock = _LOCKS[key] = WriteLock(key)
            ref = weakref.ref(lock)
            os.register_at_fork(after_in_child=lambda: (alive := ref()) and alive._forked())
        return lock


def serialise_writers(engine: Engine, path: str | None) -> WriteLock:
    """Make every write transaction on ``engine`` (a SQLite engine on the file ``path``) hold
    the file's :class:`WriteLock` from its first write until it commits or rolls back."""
    lock = lock_for(path)

    @event.listens_for(engine, "before_cursor_execute")
    def _before_write(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip()[:7].upper().startswith(WRITES):
            lock.acquire(cursor.connection)

    # The transaction's end is the DBAPI commit or rollback itself — SQLAlchemy's "commit" event
    # comes before it — so the dialect's own calls are wrapped (this engine's dialect only). The
    # pool's rollback when a connection is returned goes through ``do_rollback`` too.
    dialect = engine.dialect
    commit, rollback = dialect.do_commit, dialect.do_rollback

    def do_commit(dbapi_connection):
        try:
            commit(dbapi_connection)
        finally:
            lock.release(_raw(dbapi_connection))

    def do_rollback(dbapi_connection):
        try:
            rollback(dbapi_connection)
        finally:
            lock.release(_raw(dbapi_connection))

    dialect.do_commit, dialect.do_rollback = do_commit, do_rollback

    @event.listens_for(engine.pool, "invalidate")
    def _invalidated(dbapi_connection, record, exception):
        lock.release(dbapi_connection)

    @event.listens_for(engine.pool, "close")
    def _closed(dbapi_connection, record):
        lock.release(dbapi_connection)

    return lock


def _raw(connection):
    # The pool hands the dialect its proxy; the cursor knows the sqlite3 connection itself.
    return getattr(connection, "dbapi_connection", connection)
