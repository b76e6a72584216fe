"""A run of a schedule planned: its :class:`~models.broadcasts.record.Broadcast` and one outbox
row per member of its audience, in bulk and idempotently.

Per page of members (:mod:`models.broadcasts.audience`): one SELECT of the page, the content's
bulk reads (:mod:`models.broadcasts.content`), and the page's rows staged and moved into the
outbox by one INSERT … SELECT (:mod:`models.broadcasts.page_rows`), each page its own
transaction. No statement per member.

Idempotent at every level: the run is one row by its ``run_key`` (inserted with ON CONFLICT DO
NOTHING, so two schedulers racing make one); a planned run is never planned again; a row's
idempotency key is ``bc:<broadcast id>:<member id>`` and its INSERT skips keys already there, so
a run taken up after a crash, or planned by two processes at once, adds each member once.
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from models.broadcasts import audience as audiences
from models.broadcasts import content as contents
from models.broadcasts.page_rows import write_page
from models.broadcasts.record import Broadcast
from models.broadcasts.runs import due_time, run_key
from models.delivery.outbox import OutboxMessage
from models.lesson import CATEGORY_NAMES
from models.settings.schedules import Content, LessonSchedule

log = logging.getLogger(__name__)

# Members per page (and per transaction): bounds memory and lock time whatever the roster size.
PAGE_SIZE = 5000
_OUTBOX, _BROADCASTS = OutboxMessage.__table__, Broadcast.__table__


@dataclass(frozen=True)
class PlanResult:
    """A run planned: its broadcast id (``None`` when it could not be planned), how many rows
    the run gained in this call (``added``: 0 for a run planned before), and whether the run
    had been planned already (``already``)."""

    broadcast_id: int | None
    added: int
    already: bool = False


def row_key(broadcast_id: int, member_id: int) -> str:
    """The idempotency key of one member's message in one broadcast."""
    return f"bc:{broadcast_id}:{member_id}"


def describe_content(rule: Content) -> str:
    """``rule`` in Chinese, as the broadcast keeps it (下一篇未读（法律普及） …)."""
    category = f"（{CATEGORY_NAMES[rule.category]}）" if rule.category else ""
    if rule.kind == "digest":
        return "每周学习汇总" + category
    if rule.kind == "lessons":
        return "指定课程：" + "、".join(rule.lessons)
    return "下一篇未读" + (category or "（全部类别）")


def _insert(session: Session, table):
    """An INSERT on ``table`` that skips rows whose unique key is already there."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing()


def open_run(session: Session, schedule: LessonSchedule, run_at: dt.datetime, zone: ZoneInfo,
             now: dt.datetime) -> Broadcast:
    """The broadcast of ``schedule``'s run due at ``run_at``: the one recorded, or a new one
    (``planning``). The caller commits."""
    key = run_key(schedule.id, run_at, zone)
    session.execute(_insert(session, _BROADCASTS).values(
        schedule_id=schedule.id, run_key=key, run_at=run_at, content=describe_content(schedule.content),
        audience=schedule.audience.describe(), status="planning", planned_at=now, planned=0))
    return session.scalars(select(Broadcast).where(Broadcast.run_key == key)).one()


def plan_run(sessions: sessionmaker[Session], schedule: LessonSchedule, zone: ZoneInfo, now: dt.datetime,
             schedule_key: str = "scheduler.lesson_schedules", page_size: int | None = None,
             links: contents.Links | None = None) -> PlanResult:
    """Plan the run of ``schedule`` due last at or before ``now`` (:func:`~models.broadcasts.runs.due_time`).
    ``schedule_key`` names the entry in log messages; ``page_size`` members go per page
    (default :data:`PAGE_SIZE`); ``links`` gives each member's reading link to a lesson
    (``models.reading.reading_url`` bound to the deployment's address and key). An org name in the audience that no
    organisation has is logged as an error and nothing is planned (``broadcast_id`` None)."""
    run_at = due_time(schedule.cron, zone, now)
    with sessions() as s:
        broadcast = open_run(s, schedule, run_at, zone, now)
        s.commit()
        broadcast_id, status = broadcast.id, broadcast.status
        if status == "planned":
            return PlanResult(broadcast_id, 0, already=True)
        try:
            rules = audiences.resolve(s, schedule.audience, run_at)
        except audiences.UnknownOrg as exc:
            log.error("%s.audience.orgs: %s; broadcast %s planned nobody", schedule_key, exc, broadcast_id)
            _finish(s, broadcast_id, now)
            return PlanResult(None, 0)
        content = contents.build(s, schedule.content, run_at, schedule_key, links)
        before = _count(s, broadcast_id)
    after_id = 0
    while True:
        with sessions() as s:
            page = audiences.page(s, rules, after_id, page_size or PAGE_SIZE)
            if not page:
                break
            write_page(s, broadcast_id, now, [
                (m.openid, m.member_id, m.kind, m.payload, m.purpose, row_key(broadcast_id, m.member_id))
                for m in content.for_page(s, page)])
            s.commit()
        after_id = page[-1].member_id
    with sessions() as s:
        planned = _finish(s, broadcast_id, now)
    log.info("broadcast %s (%s): %d messages planned", broadcast_id, schedule.id, planned)
    return PlanResult(broadcast_id, planned - before)


def _count(session: Session, broadcast_id: int) -> int:
    return session.scalar(select(func.count()).select_from(_OUTBOX)
                          .where(_OUTBOX.c.broadcast_id == broadcast_id)) or 0


def _finish(session: Session, broadcast_id: int, now: dt.datetime) -> int:
    """Mark the broadcast planned with the count of its rows; commits. Returns the count."""
    planned = _count(session, broadcast_id)
    session.execute(update(_BROADCASTS).where(_BROADCASTS.c.id == broadcast_id)
                    .values(status="planned", planned=planned, finished_at=now))
    session.commit()
    return planned
