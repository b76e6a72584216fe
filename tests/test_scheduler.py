"""Scheduled lesson pushes: the job queues the next lesson for every bound member, once a day.

The job function is called directly with the test runtime (its ManualClock), so nothing waits
for a cron time to come round. Tests marked ``postgres`` (the batched push, the job store, the
leader lease: the SQL that differs most between databases) run on both databases."""
from __future__ import annotations

import datetime as dt

import pytest
from apscheduler.schedulers.base import STATE_PAUSED
from sqlalchemy import func, select

from models.delivery.outbox import OutboxMessage
from models.lesson import StudyRecord
from models.reading import lesson_link
from models.scheduling import SCHEDULER_LEASE, SchedulerJob, lease_holder
from models.settings import LessonSchedule
from models.settings.cron import cron_trigger
from scheduler import jobs
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
from scheduler.registrations import register_lesson_jobs
from scheduler.service import SchedulerService, start_in_process
from tests.factories import make_branch, make_lesson, make_member


@pytest.fixture
def branch(session):
    return make_branch(session)


def outbox(session):
    session.expire_all()
    return session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def pushed_titles(session, openid):
    return [m.payload["articles"][0]["title"] for m in outbox(session) if m.openid == openid]


@pytest.mark.postgres
def test_bound_members_get_the_next_lesson_and_unbound_ones_are_skipped(job_runtime, session, branch):
    zhang = make_member(session, branch, name="张某", openid="oKite_member_0001")
    wang = make_member(session, branch, name="王某", openid="oKite_member_0002")
    make_member(session, branch, name="赵某")  # on the roster, not bound: nothing to send to
    first = make_lesson(session, "学习党章第一章", sequence=1)
    make_lesson(session, "学习党章第二章", sequence=2)
    session.commit()

    assert run_lesson_schedule("morning_lesson") == 2

    messages = outbox(session)
    assert [(m.openid, m.kind, m.purpose, m.status) for m in messages] == [
        ("oKite_member_0001", "news", "lesson_push", "pending"),
        ("oKite_member_0002", "news", "lesson_push", "pending"),
    ]
    assert messages[0].payload == {"articles": [{
        "title": "学习党章第一章", "description": "【政策文件】一图读懂条例修订要点。",
        "url": lesson_link(job_runtime.settings, zhang.id, first.id), "picurl": ""}], "lesson_id": first.id}
    assert {m.member_id for m in messages} == {zhang.id, wang.id}
    # Recorded once delivered, not when queued (tests/test_study_delivery.py).
    assert session.scalars(select(StudyRecord)).all() == []


@pytest.mark.postgres
def test_a_second_run_the_same_day_sends_nothing_and_the_next_day_moves_on(job_runtime, clock, session,
                                                                           branch):
    make_member(session, branch, openid="oKite_member_0001")
    make_lesson(session, "学习党章第一章", sequence=1)
    make_lesson(session, "学习党章第二章", sequence=2)
    session.commit()

    assert run_lesson_schedule("morning_lesson") == 1
    clock.advance(hours=3)
    assert run_lesson_schedule("morning_lesson") == 0
    assert pushed_titles(session, "oKite_member_0001") == ["学习党章第一章"]

    clock.advance(days=1)
    assert run_lesson_schedule("morning_lesson") == 1
    # The first push still waits for the member (their window is closed): the next day moves on.
    assert pushed_titles(session, "oKite_member_0001") == ["学习党章第一章", "学习党章第二章"]


def test_a_member_who_unfollowed_gets_no_push(job_runtime, chat, session, branch):
    make_member(session, branch, openid="oKite_member_0001")
    make_lesson(session)
    session.commit()
    chat.unfollow()

    assert run_lesson_schedule("morning_lesson") == 0
    assert outbox(session) == []


def test_a_category_schedule_pushes_lessons_of_its_category(job_runtime, session, branch):
    make_member(session, branch, openid="oKite_member_0001")
    make_lesson(session, "学习党章第一章", category="policy", sequence=1)
    make_lesson(session, "农民工讨薪的法律途径", category="law", sequence=2)
    session.commit()

    job_runtime.settings.scheduler.lesson_schedules.append(
        LessonSchedule(id="weekly_law", cron="30 8 * * *", category="law"))
    assert run_lesson_schedule("weekly_law") == 1
    assert pushed_titles(session, "oKite_member_0001") == ["农民工讨薪的法律途径"]
    assert outbox(session)[0].payload["articles"][0]["description"] == "【法律普及】一图读懂条例修订要点。"


def test_members_are_pushed_in_batches_and_all_of_them_are_reached(job_runtime, session, branch, monkeypatch):
    monkeypatch.setattr("models.broadcasts.planning.PAGE_SIZE", 3)
    for n in range(7):
        make_member(session, branch, openid=f"oKite_member_{n:04d}")
    make_lesson(session)
    session.commit()

    assert run_lesson_schedule("morning_lesson") == 7
    assert len({m.openid for m in outbox(session)}) == 7


def test_an_empty_library_pushes_nothing(job_runtime, session, branch):
    make_member(session, branch, openid="oKite_member_0001")
    session.commit()

    assert run_lesson_schedule("morning_lesson") == 0
    assert outbox(session) == []


def test_asking_after_the_push_gives_the_lesson_just_pushed(job_runtime, chat, session, branch, send):
    make_member(session, branch, name="张某", openid="oKite_member_0001")
    make_lesson(session, "学习党章第一章", sequence=1)
    make_lesson(session, "学习党章第二章", sequence=2)
    session.commit()
    run_lesson_schedule("morning_lesson")

    assert "【政策文件】学习党章第一章" in chat.say("学习")
    assert send() == 1  # the push goes out now that the member wrote
    assert session.scalar(select(func.count()).select_from(StudyRecord)) == 1


def test_a_pushed_lesson_reaches_the_member_through_the_dispatcher(job_runtime, app, chat, session,
                                                                  branch):
    from bot.dispatcher import dispatch_due
    from bot.wechat_api import wechat_client

    make_member(session, branch, name="张某", openid="oKite_member_0001")
    make_lesson(session, "学习党章第一章")
    session.commit()
    chat.say("你好")  # opens the 48-hour customer-service window

    run_lesson_schedule("morning_lesson")
    assert dispatch_due(job_runtime, client=wechat_client(job_runtime, app)) == 1

    received = app.test_client().get("/sandbox/messages/oKite_member_0001").get_json()
    assert [m["text"] for m in received] == ["学习党章第一章"]


def test_a_job_without_a_started_scheduler_says_so():
    jobs.use_runtime(None)
    with pytest.raises(RuntimeError, match="scheduler.service"):
        run_lesson_schedule("morning_lesson")


# -- the service ----------------------------------------------------------------------------

@pytest.mark.postgres
def test_configured_schedules_become_stored_cron_jobs_in_shanghai_time(runtime, session):
    runtime.settings.scheduler.lesson_schedules.append(
        LessonSchedule(id="weekday_law", cron="0 20 * * 1-5", category="law"))
    service = start_in_process(runtime)
    try:
        morning = service.scheduler.get_job("lesson_push:morning_lesson")
        law = service.scheduler.get_job("lesson_push:weekday_law")
        assert service.is_leader
        assert (morning.func, morning.args) == (run_lesson_schedule, ("morning_lesson",))
        assert law.args == ("weekday_law",)  # the rules are read from the settings when it runs
        assert str(morning.next_run_time.tzinfo) == "Asia/Shanghai"
        assert (morning.next_run_time.hour, morning.next_run_time.minute) == (8, 30)
        assert (law.next_run_time.hour, law.next_run_time.isoweekday() <= 5) == (20, True)
        stored = session.scalars(select(SchedulerJob.id).order_by(SchedulerJob.id)).all()
        assert stored == ["contact_plan", "delivery_digest", "dues_reminder", "lesson_push:morning_lesson",
                          "lesson_push:weekday_law", "lesson_push:weekly_digest", "meeting_reminders",
                          "thought_report_reminder", "ticket_escalation", "ticket_rating", "transfer_guide",
                          "verification_round"]
        digest = service.scheduler.get_job("delivery_digest")
        assert digest.func is send_delivery_digests
        assert (digest.next_run_time.hour, digest.next_run_time.minute) == (18, 0)
        guide = service.scheduler.get_job("transfer_guide")
        assert guide.func is send_transfer_guides
        assert (guide.next_run_time.hour, guide.next_run_time.minute) == (10, 0)
        late = service.scheduler.get_job("ticket_escalation")
        assert (late.func, late.next_run_time.minute % 10, late.next_run_time.second) == (escalate_late_tickets, 0, 0)
        rounds = service.scheduler.get_job("verification_round")
        assert rounds.func is run_verification_round
        assert (str(rounds.next_run_time.tzinfo), rounds.next_run_time.hour, rounds.next_run_time.minute) == (
            "Asia/Shanghai", 9, 0)
        ratings = service.scheduler.get_job("ticket_rating")
        assert ratings.func is close_unrated_tickets
        assert (ratings.next_run_time.hour, ratings.next_run_time.minute) == (3, 0)
        plan = service.scheduler.get_job("contact_plan")
        assert plan.func is send_contact_plans
        assert (plan.next_run_time.day, plan.next_run_time.hour, plan.next_run_time.minute) == (1, 9, 0)
        reminder = service.scheduler.get_job("thought_report_reminder")
        assert reminder.func is remind_thought_reports
        assert (reminder.next_run_time.month % 3, reminder.next_run_time.day, reminder.next_run_time.hour) == (0, 15, 9)
        dues = service.scheduler.get_job("dues_reminder")
        assert dues.func is send_dues_reminders
        assert (dues.next_run_time.day, dues.next_run_time.hour, dues.next_run_time.minute) == (20, 9, 0)
        reminders = service.scheduler.get_job("meeting_reminders")
        assert (reminders.func, reminders.next_run_time.minute % 10) == (send_meeting_reminders, 0)
    finally:
        service.shutdown()


def test_a_schedule_removed_from_the_config_is_removed_from_the_store(runtime, session):
    runtime.settings.scheduler.lesson_schedules.append(LessonSchedule(id="evening", cron="0 20 * * *"))
    start_in_process(runtime).shutdown()
    runtime.settings.scheduler.lesson_schedules.pop()

    service = start_in_process(runtime)
    try:
        # (get_jobs lists by next run time: which comes first depends on the time of day)
        assert sorted(job.id for job in service.scheduler.get_jobs()) == [
            "contact_plan", "delivery_digest", "dues_reminder", "lesson_push:morning_lesson",
            "lesson_push:weekly_digest", "meeting_reminders", "thought_report_reminder", "ticket_escalation",
            "ticket_rating", "transfer_guide", "verification_round"]
    finally:
        service.shutdown()


def test_the_verification_round_follows_its_send_time_and_leaves_when_disabled(runtime, session):
    start_in_process(runtime).shutdown()
    runtime.settings.verification.send_time = "10:30"
    service = start_in_process(runtime)
    try:
        job = service.scheduler.get_job("verification_round")
        assert (job.next_run_time.hour, job.next_run_time.minute) == (10, 30)
    finally:
        service.shutdown()
    runtime.settings.verification.enabled = False
    service = start_in_process(runtime)
    try:
        assert service.scheduler.get_job("verification_round") is None
    finally:
        service.shutdown()


def test_a_push_missed_while_no_scheduler_ran_is_kept_for_the_next_leader(runtime):
    service = start_in_process(runtime)
    missed = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=20)
    service.scheduler.pause()  # the leader stalls with the 08:30 push due, then stops
    service.scheduler.modify_job("lesson_push:morning_lesson", next_run_time=missed)
    service.shutdown()

    successor = SchedulerService(runtime)
    successor.scheduler.start(paused=True)
    try:
        register_lesson_jobs(successor.scheduler, runtime.settings.scheduler)
        assert successor.scheduler.get_job("lesson_push:morning_lesson").next_run_time == missed
    finally:
        successor.shutdown()


def test_a_second_scheduler_waits_until_the_leader_stops(runtime, clock):
    leader = SchedulerService(runtime, holder="host-a:1")
    standby = SchedulerService(runtime, holder="host-b:2")
    leader.start()
    standby.start()
    try:
        assert (leader.is_leader, standby.is_leader) == (True, False)
        assert standby.scheduler.state == STATE_PAUSED  # runs no jobs while waiting
        leader.shutdown()  # gives the lease up
        assert standby.tick() is True
    finally:
        leader.shutdown()
        standby.shutdown()


@pytest.mark.postgres
def test_a_leader_that_stops_renewing_is_replaced_after_the_lease_expires(runtime, clock):
    leader = SchedulerService(runtime, holder="host-a:1")
    standby = SchedulerService(runtime, holder="host-b:2")
    leader.start()
    standby.start()
    try:
        clock.advance(seconds=30)
        assert standby.tick() is False
        clock.advance(seconds=31)  # 61 s without renewal: the lease (60 s) has expired
        assert standby.tick() is True
        assert leader.tick() is False
        assert leader.scheduler.state == STATE_PAUSED
    finally:
        leader.shutdown()
        standby.shutdown()


def test_a_leader_stopping_after_its_lease_was_taken_over_leaves_the_new_holders_lease(runtime, clock, session):
    leader = SchedulerService(runtime, holder="host-a:1")
    standby = SchedulerService(runtime, holder="host-b:2")
    leader.start()
    standby.start()
    try:
        clock.advance(seconds=61)  # the leader stalled past its lease; the standby took over
        assert standby.tick() is True
        leader.shutdown()  # it still thinks it leads: what it releases must be its own lease only
        assert lease_holder(session, SCHEDULER_LEASE, clock.now()) == "host-b:2"
    finally:
        leader.shutdown()
        standby.shutdown()


@pytest.mark.parametrize("cron, weekdays", [
    ("30 8 * * *", "*"),
    ("0 20 * * 1-5", "mon,tue,wed,thu,fri"),
    ("0 9 * * 0", "sun"),
    ("0 9 * * 7", "sun"),
    ("0 9 * * 0,6", "sun,sat"),
    ("0 9 * * 1-7/3", "mon,thu,sun"),
    ("0 9 * * sat", "sat"),
])
def test_crontab_weekday_numbers_mean_what_crontab_means(cron, weekdays):
    trigger = cron_trigger(cron, dt.timezone.utc)
    assert str(trigger.fields[4]) == weekdays


def test_a_bad_cron_line_stops_the_scheduler_role_with_a_message(tmp_path):
    from click.testing import CliRunner

    from bot.cli import main

    config = tmp_path / "config.yaml"
    config.write_text(f"database:\n  url: sqlite:///{tmp_path}/k.db\nscheduler:\n  lesson_schedules:\n"
                      "    - id: morning_lesson\n      cron: \"61 8 * * *\"\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["--config", str(config), "scheduler"])
    assert result.exit_code == 2
    assert "scheduler.lesson_schedules.0.cron: not a valid cron line" in result.output
