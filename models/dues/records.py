"""The records of party dues (党费, GLOSSARY ``DuesPayment``): one row per member and month paid
or reported paid, and each member's monthly standard (月缴纳标准) with the first month they owe
here.

Amounts are in fen (分, integers: 12.50元 is 1250), months (``period``) are ``YYYY-MM`` strings,
which sort as the months do.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, intpk, timestamp
from models.member import Member

# confirmed: the branch has it (an import, or the secretary's 确认党费); pending: the member said
# they paid (我交了) and the branch has not confirmed it yet.
DUES_STATUSES = ("confirmed", "pending")
# Who recorded it: the dues sheet (``recorded_by`` = file name, ``source_row`` its row), the
# secretary by chat (``recorded_by`` = their name), the member's own report.
DUES_SOURCES = ("import", "secretary", "member")


class DuesPayment(Base):
    """One member's dues for one month (``period``, ``YYYY-MM``): ``amount_fen``, when and how it
    was paid (``paid_on``, ``channel``: 微信, 现金, 银行, 代交 … as written, ``None`` when not
    known), ``status`` (:data:`DUES_STATUSES`), who recorded it (``source``, ``recorded_by``,
    ``source_row``) and when, who confirmed it and when. One row per member and month: a second
    import or report of the month updates it."""

    __tablename__ = "dues_payments"
    __table_args__ = (
        UniqueConstraint("member_id", "period"),
        CheckConstraint("amount_fen >= 0", name="amount"),
        CheckConstraint(f"status IN {DUES_STATUSES}", name="status"),
        CheckConstraint(f"source IN {DUES_SOURCES}", name="source"),
    )

    id: Mapped[intpk]
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    period: Mapped[str] = mapped_column(String(7))
    amount_fen: Mapped[int] = mapped_column(Integer)
    paid_on: Mapped[dt.date | None] = mapped_column(Date)
    channel: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(12))
    source: Mapped[str] = mapped_column(String(12))
    recorded_by: Mapped[str] = mapped_column(String(64))
    source_row: Mapped[int | None] = mapped_column(Integer)
    recorded_at: Mapped[timestamp]
    confirmed_at: Mapped[dt.datetime | None] = mapped_column()
    confirmed_by: Mapped[str | None] = mapped_column(String(64))

    member: Mapped[Member] = relationship()


class DuesStandard(Base):
    """A member's monthly standard (月缴纳标准, ``amount_fen``) and ``since``, the first month
    (``YYYY-MM``) they owe dues recorded here: the first month their branch's dues sheet covers
    (never before ``dues.start_month``). Set by the dues import (``set_by``: the file's name)."""

    __tablename__ = "dues_standards"
    __table_args__ = (CheckConstraint("amount_fen >= 0", name="amount"),)

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
    amount_fen: Mapped[int] = mapped_column(Integer)
    since: Mapped[str] = mapped_column(String(7))
    set_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[timestamp]
