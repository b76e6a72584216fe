"""Handing in a thought report and acknowledging it (阅).

A report is stored whole or not at all (``models.thought_reports.limits``), numbered, counted
for the Beijing quarter it was handed in, earns the ``thought_report`` points (within the caps,
``models.points``) and is sent to its reader (``models.thought_reports.readers``). The same
words handed in again are that report, not a second one. A reader acknowledges it once, with or
without a comment, which reaches the member (``models.thought_reports.notices``).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from models.day_numbers import next_day_number
from models.member import Member
from models.points import award
from models.settings import PointsSettings, ThoughtReportSettings
from models.thought_reports.limits import refusal
from models.thought_reports.notices import queue_read_notice, queue_reader_notice
from models.thought_reports.readers import Reader, reader_for
from models.thought_reports.report import ThoughtReport, period_of

RULE = "thought_report"
SOURCE_KIND = "thought_report"
PREFIX = "S"


@dataclass(frozen=True)
class Filed:
    """A report handed in, or the one with the same words handed in before (``new`` false);
    ``points``: what it earned (0 when the rule earns nothing or a cap is reached); ``reader``:
    whom it was sent to (``None``: nobody bound to WeChat could be)."""

    report: ThoughtReport
    new: bool
    points: int
    reader: Reader | None


def next_number(session: Session, now: dt.datetime) -> str:
    """``S`` + the Beijing date + a 3-digit sequence of the day: ``S20261129001``."""
    return next_day_number(session, ThoughtReport.number, PREFIX, now)


def submit(session: Session, member: Member, text: str, now: dt.datetime, *, limits: ThoughtReportSettings,
           points: PointsSettings, template_id: str) -> Filed:
    """Store ``member``'s report ``text`` (ends trimmed) at ``now``, award its points and queue
    its reader's notice (``template_id``: the template it goes as when their window is closed).
    The same words as an earlier report of theirs return that one. Raises ``ValueError`` for a
    text :func:`models.thought_reports.limits.refusal` refuses (callers check first and say
    why). The caller commits."""
    text = text.strip()
    if refusal(text, limits) is not None:
        raise ValueError("a thought report outside thought_report.min_chars / max_chars")
    same = session.scalars(select(ThoughtReport).where(ThoughtReport.member_id == member.id, ThoughtReport.text == text)
                           .order_by(ThoughtReport.id).limit(1)).first()
    if same is not None:
        return Filed(same, False, 0, None)
    reader = reader_for(session, member)
    report = ThoughtReport(number=next_number(session, now), member_id=member.id, text=text, period=period_of(now),
                           submitted_at=now, reader_id=reader.member.id if reader else None)
    session.add(report)
    session.flush()
    earned = award(session, member.id, RULE, SOURCE_KIND, report.id, now, points=points)
    if reader is not None:
        queue_reader_notice(session, report, reader, now=now, template_id=template_id)
    return Filed(report, True, earned, reader)


def acknowledge(session: Session, report: ThoughtReport, reader: Member, comment: str | None,
                now: dt.datetime) -> bool | None:
    """Mark ``report`` read by ``reader`` with ``comment`` (``None``: none) and queue the
    member's notice. Returns whether the member was told by WeChat, or ``None`` when the report
    was already acknowledged (nothing changes). The caller checks the reader may
    (``Scope.covers``) and commits."""
    changed = session.execute(
        update(ThoughtReport).where(ThoughtReport.id == report.id, ThoughtReport.acknowledged_at.is_(None))
        .values(acknowledged_by=reader.id, acknowledged_at=now, comment=comment or None)).rowcount
    if not changed:
        return None
    session.refresh(report)
    return queue_read_notice(session, report, reader, now=now)


def report_numbered(session: Session, number: str) -> ThoughtReport | None:
    """The report numbered ``number`` (``S20261129001``), whoever's it is, or ``None``."""
    return session.scalar(select(ThoughtReport).where(ThoughtReport.number == number))


def unread_in(session: Session, branch_ids: frozenset[int], reader_id: int, limit: int = 10
              ) -> tuple[list[ThoughtReport], int]:
    """Up to ``limit`` reports not yet acknowledged of members of ``branch_ids`` (never
    ``reader_id``'s own), oldest first, and how many there are in all."""
    where = (ThoughtReport.acknowledged_at.is_(None), Member.branch_id.in_(branch_ids), Member.id != reader_id)
    query = select(ThoughtReport).join(Member, Member.id == ThoughtReport.member_id).where(*where)
    reports = list(session.scalars(query.order_by(ThoughtReport.id).limit(limit)))
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    return reports, total


def reports_of(session: Session, member_id: int, limit: int = 10) -> tuple[list[ThoughtReport], int]:
    """``member_id``'s newest ``limit`` reports, newest first, and how many they handed in."""
    reports = list(session.scalars(select(ThoughtReport).where(ThoughtReport.member_id == member_id)
                                   .order_by(ThoughtReport.id.desc()).limit(limit)))
    total = session.scalar(select(func.count()).select_from(ThoughtReport).where(ThoughtReport.member_id == member_id))
    return reports, total


def latest_report_at():
    """A subquery of each member's latest report time (``member_id``, ``at``), for lists such
    as the ledger export."""
    return (select(ThoughtReport.member_id, func.max(ThoughtReport.submitted_at).label("at"))
            .group_by(ThoughtReport.member_id).subquery())
