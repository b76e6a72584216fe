"""The ticket: one help request (求助) for the member's red liaison, its statuses and urgency."""
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
# The lifecycle (models.tickets.lifecycle holds the transitions between them).
TICKET_STATUSES = ("new", "claimed", "answered", "resolved", "closed", "reopened")
# Waiting on the liaison: nobody has answered it yet (since it was filed or reopened). The same
# request again is no new ticket, and the liaison's caseload counts these.
WAITING = ("new", "claimed", "reopened")
# Open: not settled. An answered ticket is open too: what the member adds joins it.
OPEN = (*WAITING, "answered")
# normal: first answer due in liaison.first_response_hours; urgent and crisis: in
# liaison.urgent_hours / crisis_hours, the liaison told to call at once (models.tickets.sla);
# crisis: words of despair (handlers.crisis), flagged as such to the liaison.
URGENCIES = ("normal", "urgent", "crisis")


class Ticket(Base):
    """One help request. ``number`` is what the member and liaison quote (e.g. ``Q20261129003``);
    ``description`` holds the member's words as they said them, additions appended."""

    __tablename__ = "tickets"
    __table_args__ = (
        CheckConstraint(f"topic IN {HELP_TOPICS}", name="topic"),
        CheckConstraint(f"status IN {TICKET_STATUSES}", name="status"),
        CheckConstraint(f"urgency IN {URGENCIES}", name="urgency"),
    )

    id: Mapped[intpk]
    number: Mapped[str] = mapped_column(String(20), unique=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    liaison_id: Mapped[int | None] = mapped_column(ForeignKey("liaisons.id"), index=True)
    topic: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="new")
    urgency: Mapped[str] = mapped_column(String(8), default="normal")
    created_at: Mapped[timestamp]
    due_at: Mapped[timestamp]
    resolved_at: Mapped[dt.datetime | None] = mapped_column()
    satisfaction: Mapped[int | None] = mapped_column()
    # Who has the ticket in hand now (a members.id): the liaison it was filed for, the person
    # it was transferred to (转 N 姓名: another liaison, the secretary), the secretary when the
    # branch has no liaison. None: nobody could be found (an operator follows it up).
    holder_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), index=True)
    # The first answer the member received (the first-response SLA is measured to it).
    first_response_at: Mapped[dt.datetime | None] = mapped_column()
    # The step of liaison.escalation_chain last told of the ticket being late: 0 none yet.
    escalation_level: Mapped[int] = mapped_column(default=0, server_default="0")
    # The member's word with their rating (满意度 1–5 in ``satisfaction``), and when they rated.
    rating_note: Mapped[str | None] = mapped_column(Text)
    rated_at: Mapped[dt.datetime | None] = mapped_column()

    member: Mapped[Member] = relationship(foreign_keys=[member_id])
    liaison: Mapped[Liaison | None] = relationship()
    holder: Mapped[Member | None] = relationship(foreign_keys=[holder_id])

    @property
    def sla_hours(self) -> int:
        """Whole hours the liaison was given to call the member (``due_at - created_at``)."""
        return int((self.due_at - self.created_at).total_seconds() // 3600)

    @property
    def pressing(self) -> bool:
        """Urgent or a crisis: the liaison is asked to call at once, an unreachable one is an ERROR."""
        return self.urgency != "normal"
