"""A thought report (思想汇报): what a member wrote to their party organisation, the quarter it
counts for, and the secretary's acknowledgement (阅)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, intpk, timestamp
from models.clock import SHANGHAI
from models.member import Member


class ThoughtReport(Base):
    """``member_id`` handed in ``text`` at ``submitted_at`` (aware UTC) for ``period``, the
    Beijing calendar quarter of that moment (``2026Q4``); numbered ``S`` + Beijing date + a
    3-digit sequence of the day (``S20261129001``). ``reader_id``: the secretary (or township
    contact) it was sent to, ``None`` when none had bound WeChat. Once acknowledged: by
    ``acknowledged_by`` at ``acknowledged_at``, with their ``comment`` (may be ``None``). The
    points it earned are a ledger entry whose source is the report (``thought_report``)."""

    __tablename__ = "thought_reports"
    # the reminder looks for members without a report in a quarter
    __table_args__ = (Index("ix_thought_reports_member_period", "member_id", "period"),)

    id: Mapped[intpk]
    number: Mapped[str] = mapped_column(String(16), unique=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    text: Mapped[str] = mapped_column(Text)
    period: Mapped[str] = mapped_column(String(8))
    submitted_at: Mapped[timestamp]
    reader_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    acknowledged_by: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column()
    comment: Mapped[str | None] = mapped_column(Text)

    member: Mapped[Member] = relationship(foreign_keys=[member_id])
    reader: Mapped[Member | None] = relationship(foreign_keys=[reader_id])
    acknowledger: Mapped[Member | None] = relationship(foreign_keys=[acknowledged_by])


def period_of(moment: dt.datetime) -> str:
    """The Beijing calendar quarter of ``moment`` (aware): ``2026Q4``."""
    local = moment.astimezone(SHANGHAI)
    return f"{local.year}Q{(local.month - 1) // 3 + 1}"


def period_name(period: str) -> str:
    """``2026Q4`` as members read it: ``2026年第4季度``."""
    year, quarter = period.split("Q")
    return f"{year}年第{quarter}季度"
