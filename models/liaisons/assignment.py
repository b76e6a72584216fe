"""Who was a member's red liaison, and when (1+N contact scheme): one ``LiaisonAssignment`` row
per stretch of time one liaison looked after one member.

A member's current liaison is ``Member.liaison_id`` and, in the history, the member's one open
row (``until_at`` NULL; a partial unique index keeps it one). A change closes the open row and
opens the next, and — as every change to a member — leaves a ``MemberChange`` (field
``liaison_id``) for the member file. Every path that sets a member's liaison goes through
:func:`record_changes`: the ledger's 联络员 column, ``kiteline import liaisons``, ``kiteline
liaisons assign`` and ``move``. It sends a few statements whatever the number of members, never
one per member (a ledger of 100,000 members names their liaisons in one import).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    bindparam,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base, intpk, timestamp
from models.member import Member, MemberChange
from models.member_updates import CHANGED_BY_MAX, change_row

# ledger: the ledger's 联络员 column (kiteline import members); import: a liaison list (kiteline
# import liaisons); assign: balanced within the branch (kiteline liaisons assign); console: moved
# by staff (kiteline liaisons move); backfill: on file before this history was kept.
SOURCES = ("ledger", "import", "assign", "console", "backfill")
SOURCE_NAMES = {"ledger": "台账导入", "import": "联络员名单导入", "assign": "自动分配", "console": "人工调整",
                "backfill": "启用交接记录前已有"}
# ``MemberChange.source`` (models.member_updates.SOURCES) of a change from each source.
MEMBER_CHANGE_SOURCE = {"ledger": "import", "import": "import", "assign": "console", "console": "console"}
CHUNK = 500  # members per statement: well inside every database's bound-parameter limit


class LiaisonAssignment(Base):
    """One liaison looking after one member from ``from_at`` until ``until_at`` (``None``: still
    now). ``source`` says how it came about (:data:`SOURCES`), ``changed_by`` who made it (the
    file's name for an import, the console user); ``None`` for a backfilled row."""

    __tablename__ = "liaison_assignments"
    __table_args__ = (
        CheckConstraint(f"source IN {SOURCES}", name="source"),
        # One current liaison per member: the history agrees with members.liaison_id.
        Index("uq_liaison_assignments_open_member", "member_id", unique=True,
              sqlite_where=text("until_at IS NULL"), postgresql_where=text("until_at IS NULL")),
    )

    id: Mapped[intpk]
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    liaison_id: Mapped[int] = mapped_column(ForeignKey("liaisons.id"), index=True)
    from_at: Mapped[timestamp]
    until_at: Mapped[dt.datetime | None] = mapped_column()
    source: Mapped[str] = mapped_column(String(16))
    changed_by: Mapped[str | None] = mapped_column(String(64))


@dataclass(frozen=True)
class Change:
    """One member's liaison changing from ``old`` to ``new`` (``liaisons.id``; ``old`` ``None``
    when they had none). ``created``: the member was added to the roster by the same operation
    (their creation is the record: no ``MemberChange``, nobody is told)."""

    member_id: int
    old: int | None
    new: int
    created: bool = False


def record_changes(session: Session, changes: Sequence[Change], *, source: str, changed_by: str,
                   now: dt.datetime) -> int:
    """Set each member's liaison as ``changes`` say and keep the history: the open assignment
    closed at ``now``, the new one opened, a ``MemberChange`` for members not just created.
    Returns the id of the assignment row opened for the last member of ``changes`` (0 when
    empty): it names the operation, e.g. in the idempotency keys of the notices it sends. Raises ``ValueError`` for
    an unknown ``source`` or an empty ``changed_by``. The caller commits."""
    if source not in MEMBER_CHANGE_SOURCE:
        raise ValueError(f"unknown liaison assignment source {source!r}")
    if not changed_by:
        raise ValueError("a liaison change needs who made it (changed_by)")
    if not changes:
        return 0
    session.flush()  # the statements below go to the tables, past the session's pending changes
    table, members = LiaisonAssignment.__table__, Member.__table__
    close = (update(table).where(table.c.member_id.in_(bindparam("ids", expanding=True)), table.c.until_at.is_(None))
             .values(until_at=now))
    # Through the tables: not the ORM's bookkeeping for every member.
    set_liaison = update(members).where(members.c.id == bindparam("member")).values(liaison_id=bindparam("liaison"))
    by = changed_by[:CHANGED_BY_MAX]
    # Members just created have no open row to close; the IN list goes a chunk at a time (the
    # bound-parameter limit), the rest as one executemany each.
    reassigned = [c.member_id for c in changes if not c.created]
    for start in range(0, len(reassigned), CHUNK):
        session.execute(close, {"ids": reassigned[start:start + CHUNK]})
    session.execute(set_liaison, [{"member": c.member_id, "liaison": c.new} for c in changes])
    session.execute(insert(table), [{"member_id": c.member_id, "liaison_id": c.new, "from_at": now,
                                     "source": source, "changed_by": by} for c in changes])
    history = [change_row(c.member_id, "liaison_id", c.old, c.new, source=MEMBER_CHANGE_SOURCE[source],
                          changed_by=changed_by, now=now) for c in changes if not c.created]
    if history:
        session.execute(insert(MemberChange.__table__), history)
    # Members loaded in the session read their new liaison, not the one they were loaded with.
    changed = {c.member_id for c in changes}
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Member) and obj.id in changed:
            session.expire(obj, ["liaison_id", "liaison"])
    # The last member's open row is this operation's own: the unique index keeps any other
    # transaction from opening one for that member until this one ends.
    return session.scalar(select(table.c.id).where(table.c.member_id == changes[-1].member_id,
                                                   table.c.until_at.is_(None)))


def assignments_of(session: Session, member_id: int) -> list[LiaisonAssignment]:
    """``member_id``'s liaison history, oldest first; the last row is open when they have one."""
    return list(session.scalars(select(LiaisonAssignment).where(LiaisonAssignment.member_id == member_id)
                                .order_by(LiaisonAssignment.from_at, LiaisonAssignment.id)))
