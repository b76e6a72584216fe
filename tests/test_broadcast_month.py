"""A month of the daily lesson schedule with members who write daily, weekly and never: every
lesson reaches every member once — in the window at once, else with their next message (one
lesson with the count, the rest on request) — a run made twice or jumped over plans nothing
twice, and ``kiteline report broadcast`` says what the outbox and the sandbox say.

The job runs as the scheduler would call it (``job_runtime``, the test clock at its cron time);
the clock jump goes through ``POST /sandbox/clock``."""
from __future__ import annotations

from collections import Counter

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from bot.cli import main
from models.broadcasts.record import Broadcast
from models.broadcasts.report import broadcast_report
from models.broadcasts.waiting import take_waiting, waiting_count
from models.delivery.outbox import OutboxMessage
from scheduler.jobs import run_lesson_schedule
from tests.conftest import CONFIG_FILE
from tests.factories import make_branch, make_lesson, make_member


@pytest.fixture(autouse=True)
def _without_the_weekly_digest(settings):
    """These tests follow the daily lesson and the other daily jobs: the shipped Sunday digest
    (tests/test_delivery_mass.py, tests/test_broadcasts.py) is left out."""
    settings.scheduler.lesson_schedules[:] = [s for s in settings.scheduler.lesson_schedules
                                              if s.id != "weekly_digest"]


pytestmark = pytest.mark.postgres

DAILY, WEEKLY, NEVER = "oKite_daily_0001", "oKite_weekly_0001", "oKite_never_0001"


@pytest.fixture
def world(session):
    branch = make_branch(session)
    members = {openid: make_member(session, branch, name=name, openid=openid)
               for openid, name in ((DAILY, "张某"), (WEEKLY, "王某"), (NEVER, "赵某"))}
    lessons = [make_lesson(session, f"第{n}课 学习党章", sequence=n) for n in range(1, 36)]
    session.commit()
    return {openid: m.id for openid, m in members.items()}, [lesson.id for lesson in lessons]


def received(app, openid: str) -> list[str]:
    return [m["text"] for m in app.test_client().get(f"/sandbox/messages/{openid}").get_json()]


def lesson_rows(session, member_id: int) -> list[tuple[int, str]]:
    session.expire_all()
    return [(row.payload["lesson_id"], row.status) for row in session.scalars(
        select(OutboxMessage).where(OutboxMessage.member_id == member_id, OutboxMessage.broadcast_id.is_not(None))
        .order_by(OutboxMessage.id))]


def test_a_month_of_daily_lessons_reaches_each_member_once(job_runtime, app, clock, session, make_chat,
                                                           send, world):
    ids, lessons = world
    daily, weekly = make_chat(DAILY), make_chat(WEEKLY)
    weekly.say("你好")
    taken = []
    for day in range(30):  # 09:00 on day `day`
        daily.say("早上好")
        if day % 7 == 0 and day:
            assert weekly.say("在吗") is not None
            send()  # what the message released
            taken.append(take_waiting(session, ids[WEEKLY], clock.now()))  # 学习: the next one waiting
            session.commit()
        clock.advance(hours=23, minutes=30)  # 08:30 the next day: the schedule's time
        assert run_lesson_schedule("morning_lesson") == 3
        assert run_lesson_schedule("morning_lesson") == 0  # the same run again: nothing twice
        send()
        clock.advance(minutes=30)

    titles = [f"第{n}课 学习党章" for n in range(1, 36)]
    assert received(app, DAILY) == titles[:30]  # every day at once, in order
    assert received(app, NEVER) == []
    assert lesson_rows(session, ids[NEVER]) == [(lesson, "deferred") for lesson in lessons[:30]]
    weekly_got = received(app, WEEKLY)
    # Two lessons in the window after the first message, then five waiting at each weekly message:
    # the oldest comes with the count, one more on request (take_waiting), three stay on request.
    assert weekly_got[:3] == [titles[0], titles[1], "您有5条新的学习内容，先看第一篇：第3课 学习党章"]
    assert taken[0] == lessons[3]
    rows = lesson_rows(session, ids[WEEKLY])
    assert sorted(lesson for lesson, _ in rows) == lessons[:30]  # each lesson once, none twice
    statuses = Counter(status for _, status in rows)
    assert statuses["on_request"] == waiting_count(session, ids[WEEKLY]) > 0
    assert set(statuses) <= {"sent", "on_request", "deferred"}
    assert len(weekly_got) == statuses["sent"] - len([t for t in taken if t])  # taken ones went in a reply
    assert len(set(weekly_got)) == len(weekly_got)

    # The report says what the outbox and the sandbox say.
    broadcasts = session.scalars(select(Broadcast).order_by(Broadcast.id)).all()
    assert [b.planned for b in broadcasts] == [3] * 30
    reports = [broadcast_report(session, b.id) for b in broadcasts]
    outbox = Counter(session.execute(select(OutboxMessage.status, func.count())
                                     .where(OutboxMessage.broadcast_id.is_not(None))
                                     .group_by(OutboxMessage.status)).all())
    outbox = {status: n for (status, n), _ in outbox.items()}
    assert sum(r.sent["custom"] for r in reports) == len(received(app, DAILY)) + len(weekly_got)
    assert sum(r.sent["reply"] for r in reports) == len([t for t in taken if t])
    assert sum(r.on_request for r in reports) == outbox["on_request"]
    assert sum(r.deferred for r in reports) == outbox["deferred"]
    assert sum(sum(r.sent.values()) for r in reports) == outbox["sent"]
    assert all(r.planned == sum(r.sent.values()) + r.deferred + r.on_request + r.waiting for r in reports)

    result = CliRunner().invoke(main, ["--config", str(CONFIG_FILE), "report", "broadcast", str(broadcasts[5].id)],
                                env={"KITELINE_DATABASE__URL": job_runtime.settings.database.url})
    sixth = reports[5]
    assert result.exit_code == 0, result.output
    assert f"学习推送 {broadcasts[5].id}：morning_lesson，2026-12-05 08:30（北京时间）" in result.output
    assert "内容：下一篇未读（全部类别）\n对象：全部党员\n计划：3 条（已排定）" in result.output
    assert f"已发送：{sum(sixth.sent.values())} 条" in result.output
    listing = CliRunner().invoke(main, ["--config", str(CONFIG_FILE), "report", "broadcast"],
                                 env={"KITELINE_DATABASE__URL": job_runtime.settings.database.url})
    assert listing.exit_code == 0 and listing.output.count("morning_lesson") == 20


def test_a_clock_jump_runs_a_missed_schedule_once_and_a_rerun_adds_nothing(app, job_runtime, session, make_chat,
                                                                            world):
    ids, lessons = world
    api = app.test_client()
    weekly = make_chat(WEEKLY)
    weekly.say("你好")

    report = api.post("/sandbox/clock", json={"advance_seconds": 4 * 86400}).get_json()  # to 12-03 09:00

    assert [r["at"] for r in report["ran"] if r["job"] == "lesson_push:morning_lesson"] == [
        "2026-12-03T08:30:00+08:00"]
    assert run_lesson_schedule("morning_lesson") == 0  # the run the jump made, asked again
    assert session.scalar(select(func.count()).select_from(Broadcast)) == 1
    assert lesson_rows(session, ids[WEEKLY]) == [(lessons[0], "deferred")]  # the window had closed

    epoch = report["epoch"]
    xml = weekly.xml("text", "<Content><![CDATA[在吗]]></Content>", msg_id=True)
    assert weekly.post(xml, timestamp=str(epoch)).status_code == 200
    api.post("/sandbox/clock", json={"advance_seconds": 60})  # the move sends the outbox
    assert received(app, WEEKLY) == ["第1课 学习党章"]  # one waiting lesson simply goes
    assert run_lesson_schedule("morning_lesson") == 0


def test_a_second_day_after_a_jump_plans_the_next_lesson_not_the_one_on_its_way(job_runtime, clock, session,
                                                                                 world):
    ids, lessons = world
    assert run_lesson_schedule("morning_lesson") == 3
    clock.advance(days=1, minutes=1)  # a misfire a day later still counts as that day's run
    assert run_lesson_schedule("morning_lesson") == 3
    assert lesson_rows(session, ids[NEVER]) == [(lessons[0], "pending"), (lessons[1], "pending")]
    assert run_lesson_schedule("morning_lesson") == 0
