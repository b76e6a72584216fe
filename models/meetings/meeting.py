"""A branch meeting (组织生活: 三会一课, 主题党日, 组织生活会) and each member's attendance at it."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, intpk, timestamp
from models.clock import SHANGHAI
from models.member import Member
from models.org import Organization

# GLOSSARY 组织生活: the kinds of meeting, identifier -> the name members and staff read. The first
# four are 三会一课 (the branch assembly, the branch committee, the party group, the party lesson).
KIND_NAMES = {
    "branch_assembly": "支部党员大会",
    "committee": "支部委员会",
    "group": "党小组会",
    "lesson": "党课",
    "theme_day": "主题党日",
    "life_meeting": "组织生活会",
}
KINDS = tuple(KIND_NAMES)
ATTENDANCE_STATUSES = ("attended", "leave")
CODE_LENGTH = 4


class Meeting(Base):
    """One meeting of a branch (``org_id``): ``kind`` (:data:`KINDS`), ``title``, ``starts_at``
    (aware UTC; ``held_on`` is its Beijing date, so a branch holds one meeting of a kind a day:
    the key a re-import updates by), ``checkin_opens_at`` / ``checkin_closes_at`` (the check-in
    window, set from ``org_life`` in config when the start is set, so a meeting keeps the window
    its notice announced; after it closes the meeting is *over*), ``place`` and/or ``link`` (an online meeting's address or
    number), ``code`` (the 4-digit check-in code, unique among meetings not yet over — checked
    where they are added, ``models.meetings.schedule``), who added it (``created_by``: a person
    or the file imported). ``notice_version`` counts the changes members were told of (the
    time, place or link): each version's notice goes once per member."""

    __tablename__ = "meetings"
    __table_args__ = (
        CheckConstraint(f"kind IN {KINDS}", name="kind"),
        UniqueConstraint("org_id", "kind", "held_on", name="uq_meetings_org_kind_day"),
        Index("ix_meetings_code_starts_at", "code", "starts_at"),
        Index("ix_meetings_org_starts_at", "org_id", "starts_at"),
        Index("ix_meetings_checkin_closes_at", "checkin_closes_at"),
    )

    id: Mapped[intpk]
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(100))
    starts_at: Mapped[timestamp]
    held_on: Mapped[dt.date] = mapped_column(Date)
    checkin_opens_at: Mapped[timestamp]
    checkin_closes_at: Mapped[timestamp]
    place: Mapped[str | None] = mapped_column(String(200))
    link: Mapped[str | None] = mapped_column(String(300))
    code: Mapped[str] = mapped_column(String(CODE_LENGTH))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[timestamp]
    notice_version: Mapped[int] = mapped_column(default=1)

    org: Mapped[Organization] = relationship()

    @property
    def kind_name(self) -> str:
        """The kind as people read it (主题党日 …)."""
        return KIND_NAMES[self.kind]

    @property
    def local_start(self) -> dt.datetime:
        """The start in Beijing time."""
        return self.starts_at.astimezone(SHANGHAI)


class Attendance(Base):
    """A member at a meeting, one row per member and meeting: ``attended`` (checked in at
    ``checked_in_at``) or ``leave`` (asked at ``leave_at`` with ``leave_reason``). A member who
    asked for leave and came after all is ``attended``, the leave kept beside it. No row: absent
    (缺席) once the meeting is over."""

    __tablename__ = "meeting_attendance"
    __table_args__ = (
        CheckConstraint(f"status IN {ATTENDANCE_STATUSES}", name="status"),
        UniqueConstraint("meeting_id", "member_id", name="uq_meeting_attendance_meeting_member"),
        Index("ix_meeting_attendance_member_id", "member_id"),
    )

    id: Mapped[intpk]
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    status: Mapped[str] = mapped_column(String(16))
    checked_in_at: Mapped[dt.datetime | None] = mapped_column()
    leave_at: Mapped[dt.datetime | None] = mapped_column()
    leave_reason: Mapped[str | None] = mapped_column(Text)

    meeting: Mapped[Meeting] = relationship()
    member: Mapped[Member] = relationship()
