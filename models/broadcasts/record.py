"""The broadcast record: one row per run of a lesson schedule (``scheduler.lesson_schedules``).

A run is named by its ``run_key`` — the schedule's id and the local time the run was due
(``morning_lesson@2026-11-30T08:30+08:00``) — unique in the table, so a restart, a misfire, a
second scheduler or a clock jump finds the run already recorded instead of making another. Its
messages are the outbox rows with its ``broadcast_id`` (one per member, keyed by broadcast and
member). ``status`` is ``planning`` while members are being planned (a run cut short by a crash
is taken up again where it stopped) and ``planned`` once every member has been.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, intpk, timestamp

BROADCAST_STATUSES = ("planning", "planned")


class Broadcast(Base):
    """One run of a schedule: which schedule, when it was due (``run_at``), its rules as they
    were then (``content``, ``audience``: the config may change later), when it was planned and
    how many messages it planned."""

    __tablename__ = "broadcasts"
    __table_args__ = (CheckConstraint(f"status IN {BROADCAST_STATUSES}", name="status"),)

    id: Mapped[intpk]
    schedule_id: Mapped[str] = mapped_column(String(40), index=True)
    run_key: Mapped[str] = mapped_column(String(80), unique=True)
    # When the run was due (its cron time), aware UTC.
    run_at: Mapped[timestamp]
    # The content rule and the audience in Chinese, as they were when the run was planned.
    content: Mapped[str] = mapped_column(Text)
    audience: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="planning")
    # Business clock: when planning started, and how many outbox rows it made.
    planned_at: Mapped[timestamp]
    planned: Mapped[int] = mapped_column(default=0)
    finished_at: Mapped[dt.datetime | None] = mapped_column()
