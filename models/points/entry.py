"""A points ledger entry (积分记录): one member, one rule, one source record, a signed number of
points. A balance is the sum of a member's entries, never a stored counter."""
from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, intpk, timestamp


class PointsEntry(Base):
    """``delta`` points for ``member_id`` under ``rule`` (a key of ``points.rules``, or
    :data:`models.points.rules.CORRECTION`, whose negative ``delta`` takes points back), earned
    by the source record ``source_kind`` + ``source_id`` (a lesson first opened: ``lesson``; an
    approved activity claim: ``activity_claim``; a meeting, a thought report …) at
    ``created_at``. ``approved_by`` is the member who approved it, ``None`` when it
    was awarded automatically.

    One source earns a member once per rule: (member, rule, source) is unique in the database, so
    a retried call, a second opening or a claim decided twice never earns twice."""

    __tablename__ = "points_entries"
    __table_args__ = (
        UniqueConstraint("member_id", "rule", "source_kind", "source_id", name="uq_points_entries_source"),
        # the caps sum a member's entries of one rule over a day and a month
        Index("ix_points_entries_member_rule_at", "member_id", "rule", "created_at"),
    )

    id: Mapped[intpk]
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    delta: Mapped[int]
    rule: Mapped[str] = mapped_column(String(32))
    source_kind: Mapped[str] = mapped_column(String(32))
    source_id: Mapped[int]
    created_at: Mapped[timestamp]
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("members.id"))

