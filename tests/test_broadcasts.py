"""Broadcast rules: who a schedule reaches (all, org subtrees, away members, members who have
not studied), what it sends (next unread of a category, a named list, the week's digest), and
lessons waiting for a member released on their next message without a flood."""
from __future__ import annotations

import datetime as dt
import logging

import pytest
from sqlalchemy import select

from models.broadcasts.page_rows import write_page
from models.broadcasts.waiting import release_on_message, take_waiting, waiting_count
from models.delivery.outbox import OutboxMessage
from models.delivery.payloads import LessonPush, Text
from models.delivery.queue import enqueue
from models.lesson import Lesson, StudyRecord
from models.member import Member
from models.org import Organization
from models.reading import link_key, read_token
from models.settings import LessonSchedule
from scheduler.jobs import run_lesson_schedule
from tests.conftest import START
from tests.factories import make_branch, make_lesson, make_member

pytestmark = pytest.mark.postgres


def schedule(runtime, cron: str = "30 8 * * *", **entry) -> str:
    runtime.settings.scheduler.lesson_schedules.append(LessonSchedule(id="test", cron=cron, **entry))
    return "test"


def planned(session) -> list[tuple[str, str, str]]:
    """(openid, purpose, what it says) of every broadcast row."""
    session.expire_all()
    rows = session.scalars(select(OutboxMessage).where(OutboxMessage.broadcast_id.is_not(None))
                           .order_by(OutboxMessage.openid))
    return [(r.openid, r.purpose, r.payload["articles"][0]["title"] if r.kind == "news" else r.payload["content"])
            for r in rows]


@pytest.fixture
def district(session):
    bai = make_branch(session, "白杨村党支部", township="红柳镇")
    sha = Organization(name="沙河村党支部", kind="branch", parent_id=bai.parent_id)
    other = Organization(name="青山镇", kind="township", parent_id=bai.parent.parent_id)
    session.add_all([sha, other])
    session.flush()
    qing = Organization(name="石门村党支部", kind="branch", parent_id=other.id)
    session.add(qing)
    session.flush()
    make_member(session, bai, name="张某", openid="oKite_a", status="away")
    make_member(session, sha, name="王某", openid="oKite_b", status="home")
    make_member(session, qing, name="赵某", openid="oKite_c", status="away")
    make_member(session, qing, name="钱某")  # not bound: never in an audience
    make_lesson(session, "学习党章第一章", category="policy", sequence=1)
    make_lesson(session, "农民工讨薪的法律途径", category="law", sequence=2)
    session.commit()


@pytest.mark.parametrize("audience, reached", [
    ("all", ["oKite_a", "oKite_b", "oKite_c"]),
    ("away", ["oKite_a", "oKite_c"]),
    ({"orgs": ["红柳镇"]}, ["oKite_a", "oKite_b"]),
    ({"orgs": ["石门村党支部", "沙河村党支部"]}, ["oKite_b", "oKite_c"]),
    ({"orgs": ["红柳镇"], "away": True}, ["oKite_a"]),
])
def test_the_audience_decides_who_gets_the_lesson(job_runtime, session, district, audience, reached):
    run_lesson_schedule(schedule(job_runtime, audience=audience))
    assert [openid for openid, _, _ in planned(session)] == reached


def test_members_who_studied_lately_are_left_out_of_a_not_studied_audience(job_runtime, session, district):
    zhang, wang = (session.scalar(select(Member).where(Member.openid == o)) for o in ("oKite_a", "oKite_b"))
    first = session.scalar(select(Lesson).where(Lesson.sequence == 1))
    # 张某 asked for a lesson 3 days ago (study); 王某 was only pushed one (not study).
    session.add_all([StudyRecord(member_id=zhang.id, lesson_id=first.id, source="request",
                                 delivered_at=START - dt.timedelta(days=3)),
                     StudyRecord(member_id=wang.id, lesson_id=first.id, source="schedule",
                                 delivered_at=START - dt.timedelta(days=3))])
    session.commit()

    run_lesson_schedule(schedule(job_runtime, audience={"not_studied_days": 7}))

    assert [(openid, title) for openid, _, title in planned(session)] == [
        ("oKite_b", "农民工讨薪的法律途径"), ("oKite_c", "学习党章第一章")]


def test_an_org_nobody_has_plans_nothing_and_says_which_key(job_runtime, session, district, caplog):
    with caplog.at_level(logging.ERROR):
        assert run_lesson_schedule(schedule(job_runtime, audience={"orgs": ["黑水镇"]})) == 0
    assert planned(session) == []
    index = len(job_runtime.settings.scheduler.lesson_schedules) - 1  # after config.yaml's own
    assert f"scheduler.lesson_schedules.{index}.audience.orgs: 没有名为“黑水镇”的党组织" in caplog.text


def test_a_category_and_a_named_list_choose_the_lessons(job_runtime, clock, session, district, caplog):
    run_lesson_schedule(schedule(job_runtime, content={"next_unread": "law"}))
    assert {title for _, _, title in planned(session)} == {"农民工讨薪的法律途径"}

    session.scalar(select(Lesson).where(Lesson.category == "law")).code = "L2026001"
    session.commit()
    job_runtime.settings.scheduler.lesson_schedules.append(LessonSchedule(
        id="named", cron="30 8 * * *", content={"lessons": ["没有这一课", "L2026001", "学习党章第一章"]}))
    with caplog.at_level(logging.ERROR):
        run_lesson_schedule("named")
    # The list's order (a code or a title), past what each member has on its way; a name the
    # library lacks is named.
    assert [title for openid, _, title in planned(session) if openid == "oKite_a"] == [
        "农民工讨薪的法律途径", "学习党章第一章"]
    index = len(job_runtime.settings.scheduler.lesson_schedules) - 1  # after config.yaml's own
    assert f"scheduler.lesson_schedules.{index}.content.lessons: no lesson coded or titled '没有这一课'" in caplog.text
    clock.advance(days=1)
    run_lesson_schedule("named")  # everything on the list is on its way: nothing repeats
    assert len(planned(session)) == 6


def test_the_weekly_digest_lists_the_weeks_new_lessons_in_one_text(job_runtime, clock, session, district):
    old = make_lesson(session, "去年的旧课")
    old.created_at = START - dt.timedelta(days=30)
    session.commit()

    clock.advance(hours=12)  # Sunday 21:00; the digest went at 20:00
    run_lesson_schedule(schedule(job_runtime, cron="0 20 * * 0", content="digest"))

    rows = planned(session)
    assert {purpose for _, purpose, _ in rows} == {"lesson_digest"}
    assert rows[0][2].startswith("每周学习汇总（11月22日—11月29日）：本周新上线2篇学习内容\n1. 【政策文件】学习党章第一章 https://")
    assert "去年的旧课" not in rows[0][2]


# -- waiting lessons ---------------------------------------------------------------------------

OPENID = "oKite_member_0001"


@pytest.fixture
def member(session):
    m = make_member(session, make_branch(session), openid=OPENID)
    for n in range(1, 5):
        make_lesson(session, f"第{n}课", sequence=n)
    session.commit()
    return m


def statuses(session) -> list[tuple[str, str]]:
    session.expire_all()
    return [(r.purpose, r.status) for r in session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]


def test_a_member_who_writes_gets_one_lesson_with_the_count_and_the_rest_on_request(
        job_runtime, clock, chat, app, session, member, send):
    for _ in range(3):
        run_lesson_schedule("morning_lesson")
        send()
        clock.advance(days=1)
    with job_runtime.session() as s:
        enqueue(s, openid=OPENID, payload=Text("您的求助有答复了"), purpose="liaison_answer",
                idempotency_key="answer:1", now=clock.now())
        s.commit()
    send()
    assert statuses(session) == [("lesson_push", "deferred")] * 3 + [("liaison_answer", "deferred")]

    chat.say("你好")
    send()

    got = app.test_client().get(f"/sandbox/messages/{OPENID}").get_json()
    assert [m["text"] for m in got] == ["您有3条新的学习内容，先看第一篇：第1课", "您的求助有答复了"]
    assert got[0]["body"]["articles"][0]["description"].endswith("回复“学习”看下一篇。")
    assert statuses(session) == [("lesson_push", "sent"), ("lesson_push", "on_request"),
                                 ("lesson_push", "on_request"), ("liaison_answer", "sent")]
    assert waiting_count(session, member.id) == 2

    lessons = [take_waiting(session, member.id, clock.now()) for _ in range(3)]
    session.commit()
    assert lessons[2] is None and waiting_count(session, member.id) == 0
    records = session.scalars(select(StudyRecord.lesson_id).order_by(StudyRecord.id)).all()
    assert records[1:] == lessons[:2]  # the first was recorded when sent, the others when taken
    session.expire_all()
    assert [r.sent_via for r in session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))] == [
        "custom", "reply", "reply", "custom"]


def test_nothing_deferred_leaves_the_outbox_as_it_is(runtime, session, member):
    with runtime.session() as s:
        assert release_on_message(s, OPENID, runtime.clock.now()) == 0
    assert statuses(session) == []


def test_a_run_cut_short_is_taken_up_where_it_stopped_each_member_once(job_runtime, clock, session, district,
                                                                     monkeypatch):
    # Pages of one member; the planner dies writing the second page (a crash mid-plan).
    monkeypatch.setattr("models.broadcasts.planning.PAGE_SIZE", 1)
    written = []

    def dies_on_the_second_page(session, broadcast_id, now, rows):
        if written:
            raise RuntimeError("killed")
        written.append(rows)
        write_page(session, broadcast_id, now, rows)

    monkeypatch.setattr("models.broadcasts.planning.write_page", dies_on_the_second_page)
    with pytest.raises(RuntimeError):
        run_lesson_schedule(schedule(job_runtime))
    assert [openid for openid, _, _ in planned(session)] == ["oKite_a"]

    monkeypatch.setattr("models.broadcasts.planning.write_page", write_page)
    assert run_lesson_schedule("test") == 2  # the two the first try never reached
    assert run_lesson_schedule("test") == 0  # and a second scheduler's try adds nothing
    rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.openid)).all()
    assert [(r.openid, r.status, r.attempts, r.next_attempt_at, r.created_at) for r in rows] == [
        (openid, "pending", 0, clock.now(), clock.now()) for openid in ("oKite_a", "oKite_b", "oKite_c")]
    key = link_key(job_runtime.settings)
    for row in rows:  # each member's own reading link, in a payload the dispatcher reads
        push = LessonPush.from_json(row.payload)
        assert read_token(key, push.article.url.rsplit("/", 1)[1]) == (row.member_id, push.lesson_id)
        assert row.idempotency_key == f"bc:{row.broadcast_id}:{row.member_id}"


def test_a_lesson_is_not_pushed_before_its_publish_date(job_runtime, session, district, clock):
    later = make_lesson(session, "十二月学习要点", sequence=0)  # first in the library's order
    later.published_on = (START + dt.timedelta(days=1)).date()
    session.commit()
    run = schedule(job_runtime)

    run_lesson_schedule(run)  # 08:30 on the 29th (the run due last): not out yet
    assert {title for _, _, title in planned(session)} == {"学习党章第一章"}
    clock.advance(days=1)
    run_lesson_schedule(run)
    assert [title for openid, _, title in planned(session) if openid == "oKite_a"] == ["学习党章第一章", "十二月学习要点"]
