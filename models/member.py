"""Members (党员), their liaisons (红色联络员) and the history of every change to a member."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, intpk, timestamp
from models.org import Organization

MEMBER_STATUSES = ("away", "home", "returned")
AWAY_REASONS = ("work", "business", "study", "family", "other")
# How the ledger and the member file name them (models.ledger.AWAY_REASON_WORDS reads them back).
STATUS_NAMES = {"away": "在外流动", "home": "在家", "returned": "已返乡"}
AWAY_REASON_NAMES = {"work": "务工", "business": "经商", "study": "求学", "family": "随迁", "other": "其他"}


class Member(Base):
    """One party member on the roster. ``openid`` is set once they bind their WeChat."""

    __tablename__ = "members"
    __table_args__ = (
        CheckConstraint(f"status IN {MEMBER_STATUSES}", name="status"),
        CheckConstraint(f"away_reason IS NULL OR away_reason IN {AWAY_REASONS}", name="away_reason"),
    )

    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(String(64), index=True)
    gender: Mapped[str | None] = mapped_column(String(4))
    phone: Mapped[str | None] = mapped_column(String(11), index=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="away")
    joined_party_on: Mapped[dt.date | None] = mapped_column(Date)
    away_since: Mapped[dt.date | None] = mapped_column(Date)
    away_reason: Mapped[str | None] = mapped_column(String(16))
    current_province: Mapped[str | None] = mapped_column(String(32))
    current_city: Mapped[str | None] = mapped_column(String(32))
    current_district: Mapped[str | None] = mapped_column(String(32))
    employer: Mapped[str | None] = mapped_column(String(100))
    # The destination was kept as the member wrote it: the place list (models/places.txt) does
    # not know the city, so staff check it rather than the bot guessing which place was meant.
    place_unlisted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    note: Mapped[str | None] = mapped_column(Text)
    # use_alter: members and liaisons refer to each other (a liaison is a member too).
    liaison_id: Mapped[int | None] = mapped_column(ForeignKey("liaisons.id", use_alter=True), index=True)
    openid: Mapped[str | None] = mapped_column(String(64), unique=True)
    bound_at: Mapped[dt.datetime | None] = mapped_column()
    # Scene code of the member's invitation QR code (``bind_<code>``).
    bind_code: Mapped[str | None] = mapped_column(String(16), unique=True)
    created_at: Mapped[timestamp]

    branch: Mapped[Organization] = relationship()
    liaison: Mapped["Liaison | None"] = relationship(foreign_keys=[liaison_id])

    def destination(self, sep: str = " ") -> str:
        """Province, city and district on file joined by ``sep`` without repeats (北京 not
        北京 北京): ``江苏 苏州 工业园区``; ``""`` when none is on file."""
        parts = [self.current_province, self.current_city, self.current_district]
        return sep.join(p for i, p in enumerate(parts) if p and p not in parts[:i])


class Liaison(Base):
    """A red liaison (1+N scheme): a member named by a branch to look after its mobile members."""

    __tablename__ = "liaisons"

    id: Mapped[intpk]
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), unique=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)

    member: Mapped[Member] = relationship(foreign_keys=[member_id])
    branch: Mapped[Organization] = relationship()


class MemberChange(Base):
    """One change to one field of a member, kept forever (live update history)."""

    __tablename__ = "member_changes"

    id: Mapped[intpk]
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    field: Mapped[str] = mapped_column(String(32))
    old_value: Mapped[str | None] = mapped_column(String(200))
    new_value: Mapped[str | None] = mapped_column(String(200))
    # chat / import / console / scheduler / verification (models.member_updates.SOURCES)
    source: Mapped[str] = mapped_column(String(16))
    # Who made it: the openid that sent the message (chat, verification answers), the ledger
    # file's name (import), the console user, 核查 / 系统 for the scheduler. Empty for changes
    # recorded before this was kept.
    changed_by: Mapped[str | None] = mapped_column(String(64))
    changed_at: Mapped[timestamp]


def mask_phone(phone: str | None) -> str:
    """``13800001234`` → ``138****1234``: phones are masked in lists, logs and replies others may
    see (DESIGN.md §5). Anything not 11 digits comes back as it is (``""`` for ``None``)."""
    return f"{phone[:3]}****{phone[-4:]}" if phone and len(phone) == 11 else (phone or "")
