"""The two statements of every message run on the database driver itself, compiled once per dialect.

Why by hand: for the webhook's read of the sender (one statement, 42 columns, one row) and the
message's record (one INSERT), SQLAlchemy's execution path — the compiled cache's look-up, an
execution context, parameters and the result processed by name — cost two to four times the
statement itself on SQLite (bench/README.md, "Fifth pass"). Here SQLAlchemy still compiles the
statement (once per dialect) and supplies each parameter's and column's own type processing, so
values are converted exactly as ``Connection.execute`` converts them; only the per-call
machinery is skipped. The transaction stays SQLAlchemy's (it is begun first), and the compiled
text goes to the cursor through ``Connection._cursor_execute`` — SQLAlchemy's own path for a
statement it need not compile (its dialects run sequences and defaults so): the cursor events
(SQLite's write lock in ``models.write_lock``, statement counters), echo, the dialect's execute,
and its error handling (``DBAPIError`` and its subclasses: ``IntegrityError`` …; a connection
found dead invalidated). It is not public API: pyproject.toml holds SQLAlchemy below 2.2, and
tests/test_driver_statements.py checks each of those behaviours.
"""
from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Connection, Executable
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session


@dataclass(frozen=True)
class _Compiled:
    sql: str
    # The statement's own parameters (literals compiled as bound values), completed per call.
    fixed: dict[str, Any]
    # Parameter names in the order of the SQL (qmark dialects), or None (named: pyformat).
    order: tuple[str, ...] | None
    binds: dict[str, Callable[[Any], Any]]
    row: type | None
    columns: tuple
    # Each column's result processor, known once the driver has described the columns (None
    # until the first run).
    results: tuple[Callable[[Any], Any] | None, ...] | None = None


class DriverStatement:
    """``statement`` — a Core ``Select`` whose columns all have names that are identifiers, or
    an ``Insert`` / ``Update`` / ``Delete`` — run on the DBAPI cursor of a
    :class:`~sqlalchemy.Connection`, or of a :class:`~sqlalchemy.orm.Session`'s connection
    (:func:`connection_of`; what the session has pending is flushed first, as ``Session.execute``
    does when it autoflushes). ``params``: a value of the right kind for every parameter a call
    gives (for an ``Insert``, its columns)."""

    def __init__(self, statement: Executable, params: Mapping[str, Any]) -> None:
        self.statement = statement
        self._sample = dict(params)
        self._compiled: dict[tuple[str, str], _Compiled] = {}

    def first(self, conn: Connection | Session, params: Mapping[str, Any]) -> tuple | None:
        """The first row (a named tuple: ``row.column``), or ``None``; in ``conn``'s
        transaction (begun here when none is). Raises ``sqlalchemy.exc.DBAPIError`` as
        ``Connection.execute`` would (``connection_invalidated`` set when the connection was
        found dead, which is then invalidated: roll back and run again)."""
        compiled, cursor = self._run(conn, params)
        try:
            raw = cursor.fetchone()
        finally:
            cursor.close()
        return None if raw is None else _rows(compiled, [raw])[0]

    def all(self, conn: Connection | Session, params: Mapping[str, Any]) -> list[tuple]:
        """Every row (named tuples, as :meth:`first`), in the statement's order. Raises as
        :meth:`first`."""
        compiled, cursor = self._run(conn, params)
        try:
            raws = cursor.fetchall()
        finally:
            cursor.close()
        return _rows(compiled, raws)

    def write(self, conn: Connection | Session, params: Mapping[str, Any]) -> int:
        """Run the write in ``conn``'s transaction (begun here when none is); the rows it
        changed. Raises as :meth:`first`; ``sqlalchemy.exc.IntegrityError`` for a broken
        constraint."""
        compiled, cursor = self._run(conn, params)
        count = cursor.rowcount
        cursor.close()
        return count

    def _run(self, conn: Connection | Session, params: Mapping[str, Any]):
        if isinstance(conn, Session):
            if conn.autoflush:  # as Session.execute would: ORM changes pending are seen (a no-op when none)
                conn.flush()
            conn = connection_of(conn)
        dialect = conn.dialect
        compiled = self._compiled.get((dialect.name, dialect.driver)) or self._compile(dialect)
        values = {**compiled.fixed, **params}
        for name, process in compiled.binds.items():
            if values[name] is not None:
                values[name] = process(values[name])
        args = values if compiled.order is None else tuple(values[name] for name in compiled.order)
        if not conn.in_transaction():
            conn.begin()
        cursor = conn.connection.cursor()
        conn._cursor_execute(cursor, compiled.sql, args)  # noqa: SLF001 - see the module's docstring
        if compiled.results is None and compiled.row is not None:
            compiled = self._described(compiled, dialect, cursor.description)
        return compiled, cursor

    def _described(self, compiled: _Compiled, dialect: Dialect, description) -> _Compiled:
        # As SQLAlchemy does, each column's processor is chosen with the driver's type code of
        # the column (cursor.description): psycopg's numeric processors depend on it.
        results = tuple(column.type.dialect_impl(dialect).result_processor(dialect, described[1])
                        for column, described in zip(compiled.columns, description))
        compiled = replace(compiled, results=results)
        self._compiled[(dialect.name, dialect.driver)] = compiled
        return compiled

    def _compile(self, dialect: Dialect) -> _Compiled:
        compiled = self.statement.compile(dialect=dialect, column_keys=list(self._sample))
        skipped = [c.key for c in (*compiled.insert_prefetch, *compiled.update_prefetch)]
        if skipped:  # Python-side defaults run in SQLAlchemy's execution context, skipped here
            raise ValueError(f"give a value for {', '.join(skipped)}: their defaults would not run on the driver")
        values = compiled.construct_params(self._sample)
        binds = {}
        for bind, name in compiled.bind_names.items():
            process = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if process is None:
                continue
            if name in self._sample:
                binds[name] = process
            elif values[name] is not None:
                values[name] = process(values[name])
        fixed = {name: value for name, value in values.items() if name not in self._sample}
        columns = getattr(self.statement, "selected_columns", ())
        row = namedtuple("Row", columns.keys()) if columns else None
        order = tuple(compiled.positiontup) if compiled.positiontup else None
        done = _Compiled(str(compiled), fixed, order, binds, row, tuple(columns))
        self._compiled[(dialect.name, dialect.driver)] = done
        return done


def _rows(compiled: _Compiled, raws: list[tuple]) -> list[tuple]:
    # Each value through its column's processor (None stays None), as a named tuple.
    make, results = compiled.row._make, compiled.results
    return [make(value if process is None or value is None else process(value)
                 for value, process in zip(raw, results)) for raw in raws]


def connection_of(session: Session) -> Connection:
    """The connection ``session`` works on: the one it is bound to (the webhook binds each
    message's session to the connection of its transaction, ``bot.answering``) — taken as is,
    without beginning the session's own transaction, a cost a read that loads no ORM object has
    no use for — else the one :meth:`Session.connection` gives. Like ``Session.connection``,
    nothing pending in the session is flushed here."""
    bind = session.bind
    return bind if isinstance(bind, Connection) else session.connection()
