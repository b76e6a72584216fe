"""Which jobs the scheduler keeps and when they run: one ``register_*`` per kind of job, each
putting its job into APScheduler's store under a fixed id (``keep_job``), and
:func:`register_all`, what the leader registers when it takes the lease
(``scheduler.service``). The jobs themselves are ``scheduler.jobs``."""
from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from models.settings import (
    DuesSettings,
    LiaisonSettings,
    OrgLifeSettings,
    SchedulerSettings,
    Settings,
    ThoughtReportSettings,
    TransferSettings,
    VerificationSettings,
)
from models.settings.cron import cron_trigger
from scheduler.jobs import (
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
)

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
# A push missed while no leader ran (restart, hand-over) still goes out within this window.
MISFIRE_GRACE_SECONDS = 3600


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


def register_all(scheduler: BackgroundScheduler, settings: Settings) -> list[str]:
    """Every configured job into ``scheduler``'s store (each kept as it is when unchanged);
    returns their ids."""
    jobs = register_lesson_jobs(scheduler, settings.scheduler)
    jobs.append(register_digest_job(scheduler, settings.scheduler))
    jobs.append(register_transfer_guide_job(scheduler, settings.scheduler, settings.transfer))
    verification = register_verification_job(scheduler, settings.scheduler, settings.verification)
    jobs.extend([verification] if verification else [])
    jobs.extend(register_liaison_jobs(scheduler, settings.scheduler, settings.liaison))
    reminder = register_thought_report_job(scheduler, settings.scheduler, settings.thought_report)
    jobs.extend([reminder] if reminder else [])
    dues = register_dues_job(scheduler, settings.scheduler, settings.dues)
    jobs.extend([dues] if dues else [])
    jobs.append(register_meeting_job(scheduler, settings.scheduler, settings.org_life))
    return jobs
