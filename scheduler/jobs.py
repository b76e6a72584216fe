"""Scheduled job functions and the process-level runtime they run with.

APScheduler's persistent job store pickles a *reference* to each job function plus its
arguments, so jobs here are module-level functions taking only plain values (ids, category
names). What they work on — database, clock, settings — comes from :func:`current_runtime`,
which the scheduler service sets once per process with :func:`use_runtime`.
"""
from __future__ import annotations

import logging
from functools import partial
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from models.broadcasts.planning import plan_run
from models.clock import SHANGHAI, Clock
from models.delivery.digest import queue_digests
from models.dues import bound_with_standard, remind_batch
from models.liaison_contacts import queue_contact_plans
from models.meetings.notices import drop_stale
from models.meetings.notices import queue_reminders as queue_meeting_reminders
from models.reading import link_key, reading_url
from models.settings import Settings
from models.thought_reports import period_of
from models.thought_reports.reminders import due_for_reminder, queue_reminders
from models.tickets import close_unrated
from models.tickets.escalation import escalate_batch
from models.tickets.sla import Sla
from models.transfers import due_for_guide, queue_guides
from models.verification.lists import queue_lists
from models.verification.rounds import ask_batch, close_expired

log = logging.getLogger(__name__)

# Members per transaction in a job: bounds memory and lock time whatever the roster size.
BATCH_SIZE = 500


class Runtime(Protocol):
    """What the scheduler and its jobs work with. The scheduler never builds one: the process
    that starts it hands its own (``bot.runtime.Runtime`` is one)."""

    settings: Settings
    engine: Engine
    session: sessionmaker[Session]
    clock: Clock


_runtime: Runtime | None = None


def use_runtime(rt: Runtime | None) -> None:
    """Make ``rt`` the runtime every job in this process uses (``None`` forgets it)."""
    global _runtime
    _runtime = rt


def current_runtime() -> Runtime:
    """The runtime set by :func:`use_runtime`. Raises RuntimeError when none was set (a job
    started outside the scheduler service)."""
    if _runtime is None:
        raise RuntimeError("no runtime: start jobs through scheduler.service")
    return _runtime


def run_lesson_schedule(schedule_id: str) -> int:
    """Job for the ``scheduler.lesson_schedules`` entry ``schedule_id``: plan its run due last
    (:mod:`models.broadcasts.planning`) — one broadcast, one outbox row per member of its
    audience, in pages. The entry is read from the settings when the job runs, so a changed
    audience or content applies from the next run. Idempotent per run (schedule + due time): a
    rerun, a misfire, a second scheduler or a clock jump plans nothing twice. Returns how many
    messages this call planned (0 for a schedule no longer configured)."""
    rt = current_runtime()
    entries = rt.settings.scheduler.lesson_schedules
    found = [(i, entry) for i, entry in enumerate(entries) if entry.id == schedule_id]
    if not found:
        log.warning("lesson schedule %s is no longer configured: nothing planned", schedule_id)
        return 0
    index, entry = found[0]
    links = partial(reading_url, rt.settings.server.public_base_url, link_key(rt.settings))
    result = plan_run(rt.session, entry, ZoneInfo(rt.settings.scheduler.timezone), rt.clock.now(),
                      schedule_key=f"scheduler.lesson_schedules.{index}", links=links)
    return result.added


def send_delivery_digests() -> int:
    """Job ``delivery_digest`` (``scheduler.delivery_digest_cron``): queue each branch
    secretary's list of notices that never arrived (:mod:`models.delivery.digest`). Returns how
    many digests were queued."""
    rt = current_runtime()
    with rt.session() as s:
        queued = queue_digests(s, rt.clock.now(), rt.settings.wechat.templates["delivery_digest"])
        s.commit()
    log.info("delivery digest: %d queued", queued)
    return queued


def send_transfer_guides(batch_size: int = BATCH_SIZE) -> int:
    """Job ``transfer_guide`` (``transfer.guide_cron``, daily): queue the transfer guide
    (:mod:`models.transfers.guide`) for every bound member away ``transfer.after_months`` or
    longer with a current city on file who never had it nor asked for a transfer,
    ``batch_size`` members per transaction. Once per member: a rerun queues nothing twice.
    Returns how many guides were queued."""
    rt = current_runtime()
    now = rt.clock.now()
    today = now.astimezone(SHANGHAI).date()
    queued, after_id = 0, 0
    while True:
        with rt.session() as s:
            members = due_for_guide(s, today, rt.settings.transfer.after_months, after_id, batch_size)
            if not members:
                break
            queued += queue_guides(s, members, rt.settings.district, now)
            after_id = members[-1].id
            s.commit()
    log.info("transfer guide: %d queued", queued)
    return queued
def escalate_late_tickets() -> int:
    """Job ``ticket_escalation`` (``liaison.escalation_cron``): take the next step of
    ``liaison.escalation_chain`` for every late ticket (:mod:`models.tickets.escalation`),
    one batch a transaction. Each step is told once: a rerun, a misfire or a clock jump tells
    nobody twice. Returns how many people were told."""
    rt = current_runtime()
    now, cfg = rt.clock.now(), rt.settings.liaison
    sla = Sla.of(cfg, rt.settings.scheduler.timezone)
    told, after_id = 0, 0
    while after_id is not None:
        with rt.session() as s:
            n, after_id = escalate_batch(s, now, sla=sla, chain=cfg.escalation_chain, after_id=after_id,
                                         template_id=rt.settings.wechat.templates["ticket_escalation"])
            s.commit()
        told += n
    log.info("ticket escalation: %d told", told)
    return told


def close_unrated_tickets() -> int:
    """Job ``ticket_rating`` (``liaison.rating_cron``, daily): close every ticket resolved
    ``liaison.rating_days`` or more ago that its member never rated (``models.tickets.ratings``).
    Returns how many were closed; a rerun finds none of them again."""
    rt = current_runtime()
    with rt.session() as s:
        closed = close_unrated(s, rt.clock.now(), rt.settings.liaison.rating_days)
        s.commit()
    log.info("ticket ratings: %d resolved tickets closed unrated", len(closed))
    return len(closed)


def send_contact_plans() -> int:
    """Job ``contact_plan`` (``liaison.contact_cron``, monthly as shipped): queue each liaison's
    list of members nobody contacted in ``liaison.contact_days`` days
    (:mod:`models.liaison_contacts.plan`), once per liaison and month. Returns how many lists
    were queued."""
    rt = current_runtime()
    with rt.session() as s:
        queued = queue_contact_plans(s, rt.clock.now(), days=rt.settings.liaison.contact_days,
                                     template_id=rt.settings.wechat.templates["contact_plan"])
        s.commit()
    log.info("contact plan: %d lists queued", queued)
    return queued


def run_verification_round(batch_size: int = BATCH_SIZE) -> int:
    """Job ``verification_round`` (daily at ``verification.send_time``): close the asks whose
    reply window ended and queue each liaison's one list of members who did not confirm, then
    ask every member now due (``models.verification.rounds``), ``batch_size`` members per
    transaction. A rerun the same day asks and lists nobody twice. Returns how many were asked."""
    rt = current_runtime()
    now, cfg = rt.clock.now(), rt.settings.verification
    with rt.session() as s:
        lapsed = close_expired(s, now)
        lists = queue_lists(s, lapsed, now, window_days=cfg.reply_window_days,
                            template_id=rt.settings.wechat.templates["verification_list"])
        s.commit()
    asked, after_id = 0, 0
    while after_id is not None:
        with rt.session() as s:
            n, after_id = ask_batch(s, now, cfg, after_id, batch_size)
            s.commit()
        asked += n
    log.info("verification round: %d asks closed unanswered (%d lists), %d members asked",
             len(lapsed), lists, asked)
    return asked


def remind_thought_reports(batch_size: int = BATCH_SIZE) -> int:
    """Job ``thought_report_reminder`` (``thought_report.reminder_cron``, quarterly as shipped):
    remind every bound member who handed in no thought report in the Beijing quarter of now
    (:mod:`models.thought_reports.reminders`), ``batch_size`` members per transaction. Once per
    member and quarter: a rerun or a clock jump within the quarter reminds nobody twice. Returns
    how many were reminded."""
    rt = current_runtime()
    now = rt.clock.now()
    period, each = period_of(now), rt.settings.points.each("thought_report")
    queued, after_id = 0, 0
    while True:
        with rt.session() as s:
            members = due_for_reminder(s, period, after_id, batch_size)
            if not members:
                break
            queued += queue_reminders(s, members, period, each=each, now=now)
            after_id = members[-1].id
            s.commit()
    log.info("thought report reminder %s: %d queued", period, queued)
    return queued


def send_dues_reminders(batch_size: int = BATCH_SIZE) -> int:
    """Job ``dues_reminder`` (``dues.reminder_cron``, monthly as shipped): queue this month's
    dues reminder (:mod:`models.dues.reminders`) for every bound member with months owed,
    ``batch_size`` members per transaction. Once per member and Beijing month: a rerun or a
    clock jump queues nothing twice. Returns how many reminders were queued."""
    rt = current_runtime()
    now = rt.clock.now()
    queued, after_id = 0, 0
    while True:
        with rt.session() as s:
            members = bound_with_standard(s, after_id, batch_size)
            if not members:
                break
            queued += remind_batch(s, members, rt.settings.dues.how_to_pay, now)
            after_id = members[-1].id
            s.commit()
    log.info("dues reminder: %d queued", queued)
    return queued


def send_meeting_reminders() -> int:
    """Job ``meeting_reminders`` (``org_life.reminder_cron``): queue the reminder of each meeting
    starting within ``org_life.remind_minutes_before`` to the members of its branch, and drop
    notices and reminders still waiting for meetings now over (``models.meetings.notices``).
    Once per member and meeting: a rerun or a clock jump reminds nobody twice. Returns how many
    reminders were queued."""
    rt = current_runtime()
    now = rt.clock.now()
    with rt.session() as s:
        queued = queue_meeting_reminders(s, now, rt.settings.org_life)
        dropped = drop_stale(s, now)
        s.commit()
    log.info("meeting reminders: %d queued, %d dropped (meeting over)", queued, dropped)
    return queued
