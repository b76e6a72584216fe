"""The lesson library (学习资料) and each member's study records (学习记录)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
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
MEDIA_TYPES = ("article", "video")
MEDIA_NAMES = {"article": "图文", "video": "微视频"}


class Lesson(Base):
    """One item of study content. ``url`` is where the member reads or watches it.

    ``code`` (编号) is the identity a re-import matches on (``models.lesson_import``); a lesson
    without one is matched by ``url``. ``media_type``: ``article`` (图文) or ``video`` (微视频,
    ``duration_seconds`` long when known). ``tags``: a list of short words. ``targets``: the
    organisations it is meant for (none: everyone; ``models.lesson_scope``)."""

    __tablename__ = "lessons"
    __table_args__ = (CheckConstraint(f"category IN {LESSON_CATEGORIES}", name="category"),
                      CheckConstraint(f"media_type IN {MEDIA_TYPES}", name="media_type"))

    id: Mapped[intpk]
    code: Mapped[str | None] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(16), index=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(String(500))
    media_type: Mapped[str] = mapped_column(String(16), default="article", server_default="article")
    duration_seconds: Mapped[int | None] = mapped_column()
    tags: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    published_on: Mapped[dt.date | None] = mapped_column()
    # Order in which scheduled pushes walk the library.
    sequence: Mapped[int] = mapped_column(default=0, index=True)
    created_at: Mapped[timestamp]

    targets: Mapped[list["LessonTarget"]] = relationship(cascade="all, delete-orphan",
                                                         order_by="LessonTarget.org_id")


class LessonTarget(Base):
    """One organisation a lesson is meant for: its members, and those of every organisation
    under it, see the lesson (``models.lesson_scope``)."""

    __tablename__ = "lesson_targets"

    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"), primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), primary_key=True, index=True)


class StudyRecord(Base):
    """A lesson reaching one member: delivered (pushed or asked for), then opened through its
    reading link (``models.reading``), and finished when the member says so (我学完了).
    ``shown_at`` is the last time it was put in front of the member — delivered, or opened again
    from their history (上一课, 往期) — so the newest ``shown_at`` is the lesson they are on;
    ``None`` on rows written without it (read it as ``delivered_at``). ``source`` is how it
    first reached them (reports count by it), ``shown_as`` how it was last delivered (a source:
    a lesson given again by 学习 政策 is being read by category, whatever it first came as);
    ``None`` on rows written without it (read it as ``source``)."""

    __tablename__ = "study_records"
    __table_args__ = (UniqueConstraint("member_id", "lesson_id", name="uq_study_records_member_lesson"),)

    id: Mapped[intpk]
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id"))
    # schedule / request / category; link: first seen as an opening of its reading link
    source: Mapped[str] = mapped_column(String(16))
    delivered_at: Mapped[timestamp]
    # The first and the latest opening of the lesson's reading link (/r/<token>), and how many.
    opened_at: Mapped[dt.datetime | None] = mapped_column()
    last_opened_at: Mapped[dt.datetime | None] = mapped_column()
    opens: Mapped[int] = mapped_column(default=0, server_default="0")
    shown_at: Mapped[dt.datetime | None] = mapped_column()
    shown_as: Mapped[str | None] = mapped_column(String(16))
    completed_at: Mapped[dt.datetime | None] = mapped_column()

    lesson: Mapped[Lesson] = relationship()
