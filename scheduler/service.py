"""The scheduler service: APScheduler 3 with its jobs in the database, run by one leader.

Jobs live in ``apscheduler_jobs`` in the same database as everything else (``database.url``),
so they survive restarts. Any number of processes may start the service (``kiteline serve`` on
several hosts, a ``kiteline scheduler``); only the holder of the database lease runs jobs, the
others wait with their scheduler paused and take over when the leader stops renewing
(DESIGN.md §4). Scheduled pushes are idempotent too, so a hand-over mid-job sends nothing twice.

In sandbox mode (a :class:`~models.simulated_time.SimulatedClock`) the scheduler follows the
simulated clock and carries out its moves (:mod:`scheduler.simulated_time`); the lease is in
wall time either way, since it says whether a process is alive.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
import socket
import threading
import weakref
from zoneinfo import ZoneInfo

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy.exc import SQLAlchemyError

from models.scheduling import (
    SCHEDULER_LEASE,
    SchedulerJob,
    acquire_lease,
    release_lease,
)
from models.settings import (
    DuesSettings,
    LiaisonSettings,
    OrgLifeSettings,
    SchedulerSettings,
    ThoughtReportSettings,
    TransferSettings,
    VerificationSettings,
)
from models.settings.cron import cron_trigger
from models.simulated_time import SimulatedClock, wall_clock
from scheduler.jobs import (
    Runtime,
    close_unrated_tickets,
    escalate_late_tickets,
    remind_thought_reports,
    run_lesson_schedule,
    run_verification_round,
    send_contact_plans,
    send_delivery_digests,
    send_dues_reminders,
    send_meeting_reminders,
    send_transfer_guides,
    use_runtime,
)
from scheduler.simulated_time import Dispatch, SimulatedTimeScheduler

log = logging.getLogger(__name__)

LESSON_JOB_PREFIX = "lesson_push:"
DIGEST_JOB_ID = "delivery_digest"
TRANSFER_GUIDE_JOB_ID = "transfer_guide"
VERIFICATION_JOB_ID = "verification_round"
RATING_JOB_ID = "ticket_rating"
CONTACT_PLAN_JOB_ID = "contact_plan"
ESCALATION_JOB_ID = "ticket_escalation"
THOUGHT_REPORT_JOB_ID = "thought_report_reminder"
DUES_REMINDER_JOB_ID = "dues_reminder"
MEETING_REMINDER_JOB_ID = "meeting_reminders"
# A leader that stops renewing (crash, lost network) is replaced after LEASE_TTL at most.
LEASE_TTL = dt.timedelta(seconds=60)
RENEW_EVERY_SECONDS = 20
# A push missed while no leader ran (restart, hand-over) still goes out within this window.
MISFIRE_GRACE_SECONDS = 3600
# The services of this process, so a clock move asked for here can wake a leader among them.
_services: weakref.WeakSet[SchedulerService] = weakref.WeakSet()


def lesson_job_id(schedule_id: str) -> str:
    """The deterministic job id of a lesson schedule: ``lesson_push:<id>``."""
    return LESSON_JOB_PREFIX + schedule_id


def keep_job(scheduler: BackgroundScheduler, job_id: str, func, trigger, name: str,
             args: tuple = ()) -> str:
    """Put ``func(*args)`` on ``trigger`` into the store as ``job_id`` unless the stored job
    already has that trigger and those arguments — then it is kept as it is, so a run that fell
    due while no scheduler ran still goes out (within ``MISFIRE_GRACE_SECONDS``). Returns
    ``job_id``."""
    stored = scheduler.get_job(job_id)
    if stored is None or repr(stored.trigger) != repr(trigger) or tuple(stored.args) != args:
        scheduler.add_job(func, trigger, id=job_id, name=name, args=args, replace_existing=True)
    return job_id


def register_lesson_jobs(scheduler: BackgroundScheduler, settings: SchedulerSettings) -> list[str]:
    """Put one cron job per ``settings.lesson_schedules`` entry into the scheduler's store and
    remove stored lesson jobs no longer in the config (an unchanged one is kept: :func:`keep_job`).
    Returns the job ids now scheduled."""
    zone = ZoneInfo(settings.timezone)
    wanted = [keep_job(scheduler, lesson_job_id(entry.id), run_lesson_schedule,
                       cron_trigger(entry.cron, zone), f"学习推送 {entry.id}", (entry.id,))
              for entry in settings.lesson_schedules]
    for job in scheduler.get_jobs():
        if job.id.startswith(LESSON_JOB_PREFIX) and job.id not in wanted:
            scheduler.remove_job(job.id)
            log.info("removed lesson schedule %s (no longer in config)", job.id)
    return wanted


def register_digest_job(scheduler: BackgroundScheduler, settings: SchedulerSettings) -> str:
    """The secretaries' daily delivery digest (job id ``delivery_digest``) on
    ``settings.delivery_digest_cron`` (:func:`keep_job`)."""
    trigger = cron_trigger(settings.delivery_digest_cron, ZoneInfo(settings.timezone))
    return keep_job(scheduler, DIGEST_JOB_ID, send_delivery_digests, trigger, "未送达通知汇总")


def register_transfer_guide_job(scheduler: BackgroundScheduler, settings: SchedulerSettings,
                                transfer: TransferSettings) -> str:
    """The daily transfer-guide check (job id ``transfer_guide``) on ``transfer.guide_cron`` in
    the scheduler's time zone (:func:`keep_job`)."""
    trigger = cron_trigger(transfer.guide_cron, ZoneInfo(settings.timezone))
    return keep_job(scheduler, TRANSFER_GUIDE_JOB_ID, send_transfer_guides, trigger, "组织关系转接提醒")


def register_verification_job(scheduler: BackgroundScheduler, settings: SchedulerSettings,
                              verification: VerificationSettings) -> str | None:
    """The daily verification round (job id ``verification_round``) at
    ``verification.send_time`` in ``settings.timezone`` (:func:`keep_job`); with
    ``verification.enabled`` false it is removed. Returns the job id, or ``None``."""
    if not verification.enabled:
        if scheduler.get_job(VERIFICATION_JOB_ID) is not None:
            scheduler.remove_job(VERIFICATION_JOB_ID)
            log.info("removed %s (verification.enabled is false)", VERIFICATION_JOB_ID)
        return None
    hour, minute = verification.hour_minute
    trigger = CronTrigger(hour=hour, minute=minute, timezone=ZoneInfo(settings.timezone))
    return keep_job(scheduler, VERIFICATION_JOB_ID, run_verification_round, trigger, "定期核查")


def register_liaison_jobs(scheduler: BackgroundScheduler, settings: SchedulerSettings,
                          liaison: LiaisonSettings) -> list[str]:
    """The check for late tickets (job id ``ticket_escalation``, ``liaison.escalation_cron``),
    the daily close of tickets left unrated (job id ``ticket_rating``, ``liaison.rating_cron``)
    and the liaisons' contact plan (job id ``contact_plan``, ``liaison.contact_cron``), in the
    scheduler's time zone (:func:`keep_job`)."""
    zone = ZoneInfo(settings.timezone)
    return [keep_job(scheduler, ESCALATION_JOB_ID, escalate_late_tickets,
                     cron_trigger(liaison.escalation_cron, zone), "求助超时升级"),
            keep_job(scheduler, RATING_JOB_ID, close_unrated_tickets, cron_trigger(liaison.rating_cron, zone),
                     "未评价求助结案"),
            keep_job(scheduler, CONTACT_PLAN_JOB_ID, send_contact_plans, cron_trigger(liaison.contact_cron, zone),
                     "定时联系名单")]


def register_thought_report_job(scheduler: BackgroundScheduler, settings: SchedulerSettings,
                                thought_report: ThoughtReportSettings) -> str | None:
    """The quarterly thought-report reminder (job id ``thought_report_reminder``) on
    ``thought_report.reminder_cron`` in the scheduler's time zone (:func:`keep_job`); with
    ``thought_report.reminders`` false it is removed. Returns the job id, or ``None``."""
    if not thought_report.reminders:
        if scheduler.get_job(THOUGHT_REPORT_JOB_ID) is not None:
            scheduler.remove_job(THOUGHT_REPORT_JOB_ID)
        return None
    trigger = cron_trigger(thought_report.reminder_cron, ZoneInfo(settings.timezone))
    return keep_job(scheduler, THOUGHT_REPORT_JOB_ID, remind_thought_reports, trigger, "思想汇报提醒")


def register_dues_job(scheduler: BackgroundScheduler, settings: SchedulerSettings, dues: DuesSettings) -> str | None:
    """The monthly dues reminder (job id ``dues_reminder``) on ``dues.reminder_cron`` in the
    scheduler's time zone (:func:`keep_job`); removed with ``dues.reminder_enabled`` false."""
    if not dues.reminder_enabled:
        if scheduler.get_job(DUES_REMINDER_JOB_ID) is not None:
            scheduler.remove_job(DUES_REMINDER_JOB_ID)
        return None
    trigger = cron_trigger(dues.reminder_cron, ZoneInfo(settings.timezone))
    return keep_job(scheduler, DUES_REMINDER_JOB_ID, send_dues_reminders, trigger, "党费提醒")


def register_meeting_job(scheduler: BackgroundScheduler, settings: SchedulerSettings,
                         org_life: OrgLifeSettings) -> str:
    """Meeting reminders (job id ``meeting_reminders``) on ``org_life.reminder_cron`` in the
    scheduler's time zone (:func:`keep_job`)."""
    trigger = cron_trigger(org_life.reminder_cron, ZoneInfo(settings.timezone))
    return keep_job(scheduler, MEETING_REMINDER_JOB_ID, send_meeting_reminders, trigger, "组织生活提醒")


class SchedulerService:
    """APScheduler plus the leader lease. :meth:`start` runs it in background threads (inside
    ``kiteline serve``); :meth:`run` blocks (the ``kiteline scheduler`` role). ``dispatch`` is
    how this process sends the outbox once a clock move's jobs have run (sandbox mode)."""

    def __init__(self, rt: Runtime, holder: str | None = None, dispatch: Dispatch | None = None) -> None:
        # Cron lines were checked when the settings were loaded (models.settings.LessonSchedule).
        zone = ZoneInfo(rt.settings.scheduler.timezone)
        self.rt = rt
        self.holder = holder or f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self.is_leader = False
        self.lease_clock = wall_clock(rt.clock)
        store = SQLAlchemyJobStore(engine=rt.engine, tablename=SchedulerJob.__tablename__)
        options = dict(timezone=zone, job_defaults={"coalesce": True, "max_instances": 1,
                                                    "misfire_grace_time": MISFIRE_GRACE_SECONDS})
        if isinstance(rt.clock, SimulatedClock):
            self.scheduler: BackgroundScheduler = SimulatedTimeScheduler(rt.clock, rt.session, store, dispatch,
                                                                         **options)
        else:
            self.scheduler = BackgroundScheduler(jobstores={"default": store}, **options)
        self._stop = threading.Event()
        self._renewer: threading.Thread | None = None
        _services.add(self)

    def start(self) -> None:
        """Start paused, try for the lease now, and keep trying/renewing in a daemon thread."""
        self._begin()
        self._renewer = threading.Thread(target=self._renew_until_stopped, daemon=True,
                                         name="kiteline-scheduler-lease")
        self._renewer.start()

    def run(self) -> None:
        """Block in this thread until :meth:`stop` (or Ctrl-C), then shut down."""
        self._begin()
        try:
            self._renew_until_stopped()
        except KeyboardInterrupt:
            log.info("scheduler interrupted")
        finally:
            self.shutdown()

    def stop(self) -> None:
        """Ask :meth:`run` or the renewing thread to finish (safe from a signal handler)."""
        self._stop.set()

    def shutdown(self) -> None:
        """Stop running jobs, wait for the running one, and give the lease up."""
        self._stop.set()
        if self._renewer is not None and self._renewer is not threading.current_thread():
            self._renewer.join()
        if self.scheduler.running:
            # APScheduler 3 makes one last pass over due jobs while stopping, after its
            # executors are gone: a push due that instant would be marked done without running.
            # Detached, the store keeps it due for the next leader (and our shared engine open).
            self.scheduler.pause()
            self.scheduler.remove_jobstore("default", shutdown=False)
            self.scheduler.shutdown(wait=True)
        if self.is_leader:
            with self.rt.session() as s:
                release_lease(s, SCHEDULER_LEASE, self.holder, self.lease_clock.now())
                s.commit()
            self.is_leader = False

    def tick(self) -> bool:
        """Take or renew the lease; on becoming leader register the configured jobs and resume,
        on losing it pause. Returns whether this process leads now."""
        jobs: list[str] = []
        try:
            with self.rt.session() as s:
                leader = acquire_lease(s, SCHEDULER_LEASE, self.holder, self.lease_clock.now(), LEASE_TTL)
                s.commit()
            if leader and not self.is_leader:
                jobs = register_lesson_jobs(self.scheduler, self.rt.settings.scheduler)
                jobs.append(register_digest_job(self.scheduler, self.rt.settings.scheduler))
                jobs.append(register_transfer_guide_job(self.scheduler, self.rt.settings.scheduler,
                                                        self.rt.settings.transfer))
                verification = register_verification_job(self.scheduler, self.rt.settings.scheduler,
                                                         self.rt.settings.verification)
                jobs.extend([verification] if verification else [])
                jobs.extend(register_liaison_jobs(self.scheduler, self.rt.settings.scheduler,
                                                  self.rt.settings.liaison))
                reminder = register_thought_report_job(self.scheduler, self.rt.settings.scheduler,
                                                       self.rt.settings.thought_report)
                jobs.extend([reminder] if reminder else [])
                dues = register_dues_job(self.scheduler, self.rt.settings.scheduler, self.rt.settings.dues)
                jobs.extend([dues] if dues else [])
                jobs.append(register_meeting_job(self.scheduler, self.rt.settings.scheduler,
                                                 self.rt.settings.org_life))
        except SQLAlchemyError:
            # Database unreachable: we cannot prove we lead, so run nothing until we can.
            log.exception("scheduler lease check failed")
            leader = False
        if leader and not self.is_leader:
            self.scheduler.resume()
            log.info("scheduler %s leads; jobs: %s", self.holder, ", ".join(jobs) or "none")
        elif not leader and self.is_leader:
            self.scheduler.pause()
            log.warning("scheduler %s lost the lease; waiting", self.holder)
        elif not leader:
            log.debug("scheduler %s waits: another process leads", self.holder)
        self.is_leader = leader
        return leader

    def _begin(self) -> None:
        use_runtime(self.rt)
        self.scheduler.start(paused=True)
        if not self.tick():
            log.info("another scheduler leads; %s waits and checks every %ss",
                     self.holder, RENEW_EVERY_SECONDS)

    def _renew_until_stopped(self) -> None:
        while not self._stop.wait(RENEW_EVERY_SECONDS):
            self.tick()


def start_in_process(rt: Runtime, dispatch: Dispatch | None = None) -> SchedulerService:
    """Start the scheduler inside this process (``kiteline serve``); call ``.shutdown()`` on
    the result when the server stops."""
    service = SchedulerService(rt, dispatch=dispatch)
    service.start()
    return service


def wake_local_leaders() -> None:
    """Have the leading scheduler of this process, if any, make its next pass now (a clock move
    was just queued here)."""
    for service in list(_services):
        if service.is_leader and service.scheduler.running:
            service.scheduler.wakeup()
