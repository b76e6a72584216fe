"""``column IN (a list)`` with the list bound as one parameter, for statements built once and run
often (a dispatcher's, a few milliseconds apart).

SQLAlchemy's expanding ``IN`` renders one placeholder per item at each execution: the text of
the statement changes with the list's length, so psycopg seldom runs the same text the five
times it takes to prepare it, and PostgreSQL parses and plans each again (a dispatcher's
statements are CTEs of several parts), while SQLAlchemy rewrites the text each time. On
PostgreSQL :func:`in_list` renders ``column = ANY(%(name)s)`` (``column <> ALL(…)`` negated) with the list as one array
parameter instead: one text whatever the length. Elsewhere (SQLite: no arrays, and a statement
is no round trip) it is the expanding ``IN``.
"""
from __future__ import annotations

from typing import ClassVar

from sqlalchemy import ARRAY, Boolean, all_, any_, bindparam
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement, Grouping
from sqlalchemy.sql.visitors import InternalTraversal


class InList(ColumnElement[bool]):
    """``column`` is (``negated``: is not) one of the list bound as ``name`` (see the module
    docstring)."""

    inherit_cache = True
    type = Boolean()
    _traverse_internals: ClassVar = [("column", InternalTraversal.dp_clauseelement),
                                     ("name", InternalTraversal.dp_string), ("negated", InternalTraversal.dp_boolean)]

    def __init__(self, column: ColumnElement, name: str, negated: bool = False) -> None:
        self.column, self.name, self.negated = column, name, negated

    def _negate(self) -> InList:
        return InList(self.column, self.name, not self.negated)

    def self_group(self, against=None):
        return Grouping(self)


def in_list(column: ColumnElement, name: str) -> InList:
    """``column IN`` the list passed as parameter ``name`` at execution (any sequence; empty
    matches nothing, and its negation ``~in_list(...)`` everything)."""
    return InList(column, name)


@compiles(InList)
def _expanding(element: InList, compiler, **kw) -> str:
    values = bindparam(element.name, expanding=True)
    return compiler.process(element.column.not_in(values) if element.negated else element.column.in_(values), **kw)


@compiles(InList, "postgresql")
def _array(element: InList, compiler, **kw) -> str:
    array = bindparam(element.name, type_=ARRAY(element.column.type))
    return compiler.process(element.column != all_(array) if element.negated else element.column == any_(array), **kw)
