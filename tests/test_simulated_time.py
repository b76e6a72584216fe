"""Simulated time in the sandbox: ``GET|POST /sandbox/clock`` through the running app.

The test clock (``clock``) plays the wall clock; the sandbox's clock runs ahead of it by what the
moves added. The app starts at 2026-11-29 09:00 Beijing time; config.yaml pushes the morning
lesson at 08:30 and sends the delivery digest at 18:00 every day."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from bot.app import create_app
from bot.runtime import build_runtime
from bot.simulated_time import outbox_round
from bot.wechat_api import wechat_client
from models.delivery.sender import SendFailed
from models.scheduling import SchedulerJob
from models.settings import load_settings
from scheduler.jobs import current_runtime
from scheduler.service import SchedulerService, start_in_process
from tests.conftest import CONFIG_FILE, START
from tests.factories import make_branch, make_lesson, make_member


@pytest.fixture(autouse=True)
def _without_the_weekly_digest(settings):
    """These tests follow the daily lesson and the other daily jobs: the shipped Sunday digest
    (tests/test_delivery_mass.py, tests/test_broadcasts.py) is left out."""
    settings.scheduler.lesson_schedules[:] = [s for s in settings.scheduler.lesson_schedules
                                              if s.id != "weekly_digest"]


OPENID = "oKite_member_0001"
DAY = 86400


@pytest.fixture
def api(app):
    return app.test_client()


def advance(api, seconds: float) -> dict:
    resp = api.post("/sandbox/clock", json={"advance_seconds": seconds})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return resp.get_json()


def ran(report: dict) -> list[tuple[str, str]]:
    return [(r["job"], r["at"]) for r in report["ran"]]


def received(api, openid: str = OPENID) -> list[str]:
    return [m["text"] for m in api.get(f"/sandbox/messages/{openid}").get_json()]


@pytest.fixture
def member(session):
    make_member(session, make_branch(session), name="张某", openid=OPENID)
    make_lesson(session, "学习党章第一章", sequence=1)
    session.commit()


# Jobs of the store record here what time it was when they ran (a job is a module-level function:
# APScheduler's store keeps a reference to it).
seen_at: list[dt.datetime] = []


def note_the_time() -> None:
    seen_at.append(current_runtime().clock.now())


def test_the_clock_tells_now_and_the_epoch_to_sign_with(api):
    assert api.get("/sandbox/clock").get_json() == {"now": "2026-11-29T09:00:00+08:00",
                                                    "epoch": int(START.timestamp())}


@pytest.mark.postgres
def test_a_day_ahead_the_clock_reads_a_day_later_and_keeps_flowing(api, clock, runtime):
    report = advance(api, DAY)

    assert (report["now"], report["epoch"]) == ("2026-11-30T09:00:00+08:00", int(START.timestamp()) + DAY)
    assert api.get("/sandbox/clock").get_json()["now"] == "2026-11-30T09:00:00+08:00"
    clock.advance(minutes=5)  # real time passes between two moves
    assert api.get("/sandbox/clock").get_json()["now"] == "2026-11-30T09:05:00+08:00"
    assert runtime.clock.now() == START + dt.timedelta(days=1, minutes=5)


def test_a_set_moves_to_that_time_read_in_beijing_time_without_an_offset(api):
    resp = api.post("/sandbox/clock", json={"set": "2026-12-01T20:00"})
    assert resp.status_code == 200
    assert resp.get_json()["now"] == "2026-12-01T20:00:00+08:00"


@pytest.mark.parametrize("body, error", [
    ({"advance_seconds": -60}, "advance_seconds is -60: time only moves forward"),
    ({"set": "2026-11-28T09:00:00+08:00"}, "set 2026-11-28T09:00:00+08:00 is before the service's now "
                                           "2026-11-29T09:00:00+08:00: time only moves forward"),
    ({"advance_seconds": "3600"}, "advance_seconds must be a number of seconds, not '3600'"),
    ({"set": "tomorrow"}, "set must be an ISO-8601 date and time such as 2026-12-01T09:00:00+08:00, not 'tomorrow'"),
    ({"advance_seconds": 60, "set": "2026-12-01T09:00:00+08:00"}, "the body must be a JSON object with one key"),
    ({}, "the body must be a JSON object with one key"),
    ([3600], "the body must be a JSON object with one key"),
    ({"advance_seconds": 400 * DAY}, "at most 31622400 (366 days) per move; move in steps"),
])
def test_time_only_moves_forward_and_a_bad_move_says_what_is_wrong(api, body, error):
    resp = api.post("/sandbox/clock", json=body)

    assert resp.status_code == 400
    assert error in resp.get_json()["error"]
    assert api.get("/sandbox/clock").get_json()["now"] == "2026-11-29T09:00:00+08:00"


def test_a_json_null_is_told_to_be_an_object(api):
    resp = api.post("/sandbox/clock", data="null", content_type="application/json")
    assert resp.status_code == 400
    assert resp.get_json()["error"] == ('the body must be a JSON object with one key: send {"advance_seconds": N} '
                                        '(N ≥ 0) or {"set": "2026-12-01T09:00:00+08:00"}')


def test_a_body_that_is_not_json_is_refused(api):
    resp = api.post("/sandbox/clock", data="advance one day", content_type="text/plain")
    assert resp.status_code == 400
    assert resp.get_json()["error"].startswith("the body is not JSON: send {\"advance_seconds\": N}")


@pytest.mark.postgres
def test_a_lesson_push_due_in_the_span_reaches_the_member_once(api, chat, member, runtime, session):
    chat.say("你好")  # opens the 48-hour customer-service window

    report = advance(api, DAY)

    assert ran(report) == [("transfer_guide", "2026-11-29T10:00:00+08:00"),
                           ("delivery_digest", "2026-11-29T18:00:00+08:00"),
                           ("ticket_rating", "2026-11-30T03:00:00+08:00"),
                           ("lesson_push:morning_lesson", "2026-11-30T08:30:00+08:00"),
                           ("meeting_reminders", "2026-11-30T09:00:00+08:00"),
                           ("ticket_escalation", "2026-11-30T09:00:00+08:00"),
                           ("verification_round", "2026-11-30T09:00:00+08:00")]
    assert report["dispatched"]["sent"] == 1
    assert received(api) == ["学习党章第一章"]
    second = advance(api, 3600)  # 10:00: only the checks for meetings, late tickets and transfers, with no one to tell
    assert (ran(second), received(api)) == ([("meeting_reminders", "2026-11-30T10:00:00+08:00"),
                                             ("ticket_escalation", "2026-11-30T10:00:00+08:00"),
                                             ("transfer_guide", "2026-11-30T10:00:00+08:00")], ["学习党章第一章"])
    next_runs = session.scalars(select(SchedulerJob.next_run_time)).all()
    assert min(next_runs) > runtime.clock.now().timestamp()


def test_jobs_due_in_the_span_run_once_each_in_time_order_at_their_last_due_time(api, runtime):
    service = start_in_process(runtime)  # this process leads: it runs the jobs, the request waits
    try:
        service.scheduler.add_job(note_the_time, "date", id="test:noon", name="正午",
                                  run_date=dt.datetime(2026, 11, 30, 4, 0, tzinfo=dt.timezone.utc))
        seen_at.clear()

        report = advance(api, 3 * DAY)

        assert ran(report) == [("test:noon", "2026-11-30T12:00:00+08:00"),
                               ("contact_plan", "2026-12-01T09:00:00+08:00"),
                               ("transfer_guide", "2026-12-01T10:00:00+08:00"),
                               ("delivery_digest", "2026-12-01T18:00:00+08:00"),
                               ("ticket_rating", "2026-12-02T03:00:00+08:00"),
                               ("lesson_push:morning_lesson", "2026-12-02T08:30:00+08:00"),
                               ("meeting_reminders", "2026-12-02T09:00:00+08:00"),
                               ("ticket_escalation", "2026-12-02T09:00:00+08:00"),
                               ("verification_round", "2026-12-02T09:00:00+08:00")]
        assert seen_at == [dt.datetime(2026, 11, 30, 4, 0, tzinfo=dt.timezone.utc)]  # the clock at its due time
        assert service.scheduler.get_job("test:noon") is None  # a one-off job is done
        assert service.scheduler.get_job("delivery_digest").next_run_time.isoformat() == "2026-12-02T18:00:00+08:00"
    finally:
        service.shutdown()


def test_a_move_reaching_a_process_that_does_not_lead_is_carried_out_by_the_leader(api, app, settings, clock,
                                                                                   chat, member):
    other = build_runtime(settings, clock)  # another process on the same database
    leader = SchedulerService(other, holder="host-b:2", dispatch=outbox_round(other, app))
    leader.start()
    try:
        assert leader.is_leader
        chat.say("你好")

        report = advance(api, DAY)

        assert ran(report)[-4:] == [("lesson_push:morning_lesson", "2026-11-30T08:30:00+08:00"),
                                    ("meeting_reminders", "2026-11-30T09:00:00+08:00"),
                                    ("ticket_escalation", "2026-11-30T09:00:00+08:00"),
                                    ("verification_round", "2026-11-30T09:00:00+08:00")]
        assert received(api) == ["学习党章第一章"]
        assert leader.is_leader  # the web process never took the lease from it
    finally:
        leader.shutdown()
        other.engine.dispose()


def test_a_message_signed_with_the_sandbox_epoch_is_answered_and_one_by_the_wall_clock_is_refused(api, chat):
    menu = chat.say("菜单")
    epoch = advance(api, DAY)["epoch"]

    xml = chat.xml("text", "<Content><![CDATA[菜单]]></Content>", msg_id=True)
    assert chat.post(xml).status_code == 403  # signed with the wall clock, a day behind
    assert chat._reply_text(chat.post(xml, timestamp=str(epoch))) == menu


def test_the_48_hour_window_closes_once_49_hours_have_been_skipped(api, app, runtime, chat):
    chat.say("你好")
    client = wechat_client(runtime, app)
    client.send_text(OPENID, "窗口内的客服消息")

    advance(api, 49 * 3600)

    with pytest.raises(SendFailed) as refused:
        client.send_text(OPENID, "窗口外的客服消息")
    assert "45015" in str(refused.value)
    assert received(api) == ["窗口内的客服消息"]


@pytest.mark.postgres
def test_two_processes_on_one_database_read_the_same_now(api, settings, clock, runtime):
    other = build_runtime(settings, clock)
    try:
        advance(api, 10 * DAY)
        assert other.clock.now() == runtime.clock.now() == START + dt.timedelta(days=10)
    finally:
        other.engine.dispose()


def test_without_the_sandbox_there_is_no_clock_to_move(settings_env, clock):
    settings = load_settings(CONFIG_FILE, env={**settings_env, "KITELINE_WECHAT__SANDBOX": "false",
                                               "KITELINE_WECHAT__APP_ID": "wx0000000000000001",
                                               "KITELINE_WECHAT__APP_SECRET": "fictional-secret"})
    app = create_app(settings, clock=clock)
    try:
        api = app.test_client()
        assert api.get("/sandbox/clock").status_code == 404
        assert api.post("/sandbox/clock", json={"advance_seconds": 60}).status_code == 404
        assert app.extensions["kiteline"].clock is clock  # the plain clock: no read of the database
    finally:
        app.extensions["kiteline"].engine.dispose()
