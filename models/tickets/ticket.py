"""Help requests (求助) as tickets for the member's red liaison."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, intpk, timestamp
from models.member import Liaison, Member

HELP_TOPICS = ("schooling", "medical", "wages", "housing", "legal", "elderly", "injury", "other")
TOPIC_NAMES = {
    "schooling": "子女就学",
    "medical": "看病就医",
    "wages": "欠薪",
    "housing": "住房",
    "legal": "法律纠纷",
    "elderly": "老人照料",
    "injury": "工伤",
    "other": "其他困难",
}
TICKET_STATUSES = ("open", "claimed", "replied", "resolved", "escalated")


class Ticket(Base):
    """One help request. ``number`` is what the member and liaison quote (e.g. ``Q20261129003``)."""

    __tablename__ = "tickets"
    __table_args__ = (
        CheckConstraint(f"topic IN {HELP_TOPICS}", name="topic"),
        CheckConstraint(f"status IN {TICKET_STATUSES}", name="status"),
    )

    id: Mapped[intpk]
    number: Mapped[str] = mapped_column(String(20), unique=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    liaison_id: Mapped[int | None] = mapped_column(ForeignKey("liaisons.id"), index=True)
    topic: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[timestamp]
    due_at: Mapped[timestamp]
    resolved_at: Mapped[dt.datetime | None] = mapped_column()
    satisfaction: Mapped[int | None] = mapped_column()

    member: Mapped[Member] = relationship()
    liaison: Mapped[Liaison | None] = relationship()
