"""The lesson library (学习资料) and each member's study records (学习记录)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, intpk, timestamp

LESSON_CATEGORIES = ("policy", "news", "exemplary", "law", "psychology", "skills")
CATEGORY_NAMES = {
    "policy": "政策文件",
    "news": "发展动态",
    "exemplary": "优秀党员故事",
    "law": "法律普及",
    "psychology": "心理健康",
    "skills": "职业技能",
}


class Lesson(Base):
    """One item of study content. ``url`` is where the member reads or watches it."""

    __tablename__ = "lessons"
    __table_args__ = (CheckConstraint(f"category IN {LESSON_CATEGORIES}", name="category"),)

    id: Mapped[intpk]
    title: Mapped[str] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(16), index=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(String(500))
    # Order in which scheduled pushes walk the library.
    sequence: Mapped[int] = mapped_column(default=0, index=True)
    created_at: Mapped[timestamp]


class StudyRecord(Base):
    """A lesson reaching one member: delivered (pushed or asked for), then opened, and finished
    when the member says so (我学完了). ``shown_at`` is the last time it was put in front of the
    member — delivered, or opened again from their history (上一课, 往期) — so the newest
    ``shown_at`` is the lesson they are on; ``None`` on rows written before it was kept (read it
    as ``delivered_at``)."""

    __tablename__ = "study_records"
    __table_args__ = (UniqueConstraint("member_id", "lesson_id", name="uq_study_records_member_lesson"),)

    id: Mapped[intpk]
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id"))
    # schedule / request / category
    source: Mapped[str] = mapped_column(String(16))
    delivered_at: Mapped[timestamp]
    opened_at: Mapped[dt.datetime | None] = mapped_column()
    shown_at: Mapped[dt.datetime | None] = mapped_column()
    completed_at: Mapped[dt.datetime | None] = mapped_column()

    lesson: Mapped[Lesson] = relationship()
