"""The quarterly reminder (``thought_report.reminder_cron``): every member bound to WeChat who
handed in no thought report in the Beijing quarter of the run is reminded once — a rerun, a
second scheduler or a clock jump within the quarter reminds nobody twice (the outbox key
``thought_report_reminder:<quarter>:<member id>``)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import String, cast, exists, literal, select
from sqlalchemy.orm import Session

from models.delivery.outbox import OutboxMessage
from models.member import Member
from models.thought_reports.notices import REMINDER_PURPOSE, queue_reminder
from models.thought_reports.report import ThoughtReport


def due_for_reminder(session: Session, period: str, after_id: int, limit: int) -> list[Member]:
    """Up to ``limit`` bound members with id above ``after_id``, in id order, who handed in no
    report for ``period`` and were not reminded of it yet."""
    reported = exists().where(ThoughtReport.member_id == Member.id, ThoughtReport.period == period)
    key = literal(f"{REMINDER_PURPOSE}:{period}:") + cast(Member.id, String)
    reminded = exists().where(OutboxMessage.idempotency_key == key)
    return list(session.scalars(select(Member).where(Member.openid.is_not(None), Member.id > after_id,
                                                     ~reported, ~reminded).order_by(Member.id).limit(limit)))


def queue_reminders(session: Session, members: list[Member], period: str, *, each: int, now: dt.datetime) -> int:
    """Queue the reminder for ``period`` to each of ``members`` (``each``: the points a report
    earns). Returns how many were queued. The caller commits."""
    for member in members:
        queue_reminder(session, member, period, each=each, now=now)
    return len(members)
