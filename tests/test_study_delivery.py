"""A pushed lesson becomes the member's study record when WeChat accepts it — not when the
scheduler queues it, and never for a push that failed for good; and the outbox refuses a payload
of the wrong shape when it is queued, not when it is sent."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from bot.dispatcher import dispatch_due
from bot.wechat_api import wechat_client
from models.delivery.events import Reactions, Settled
from models.delivery.outbox import OutboxMessage
from models.delivery.payloads import Article, LessonPush, News, TemplateNotice, Text
from models.delivery.queue import enqueue
from models.lesson import StudyRecord
from scheduler.jobs import run_lesson_schedule
from tests.factories import make_branch, make_lesson, make_member

pytestmark = pytest.mark.postgres

OPENID = "oKite_member_0001"


@pytest.fixture
def member(session):
    m = make_member(session, make_branch(session), name="张某", openid=OPENID)
    session.commit()
    return m


def records(session, member) -> list[tuple[int, str, object]]:
    session.expire_all()
    return [(r.lesson_id, r.source, r.delivered_at) for r in session.scalars(
        select(StudyRecord).where(StudyRecord.member_id == member.id).order_by(StudyRecord.id))]


def received(app) -> list[str]:
    return [m["text"] for m in app.test_client().get(f"/sandbox/messages/{OPENID}").get_json()]


def pushes(session) -> list[str]:
    session.expire_all()
    return [row.status for row in session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]


def test_a_pushed_lesson_is_recorded_when_it_reaches_the_member_not_when_it_is_queued(
        job_runtime, chat, app, session, member, send):
    first = make_lesson(session, "学习党章第一章", sequence=1)
    make_lesson(session, "学习党章第二章", sequence=2)
    session.commit()
    chat.say("你好")
    chat.advance(hours=49)  # the 48-hour window has closed

    run_lesson_schedule("morning_lesson")
    assert send() == 0
    assert pushes(session) == ["deferred"]
    assert records(session, member) == []  # queued, waiting for the member: not studied yet

    chat.advance(hours=3)
    chat.say("在吗")
    assert send() == 1
    assert received(app) == ["学习党章第一章"]
    assert records(session, member) == [(first.id, "schedule", chat.clock.now())]


def test_a_lesson_the_platform_refused_for_good_is_not_recorded_and_comes_again(
        job_runtime, chat, app, session, member, send):
    make_lesson(session, "学习党章第一章", sequence=1)
    make_lesson(session, "学习党章第二章", sequence=2)
    session.commit()
    chat.say("你好")
    app.test_client().post("/sandbox/faults", json={"path": "message/custom/send", "errcode": 48001, "count": 1})

    run_lesson_schedule("morning_lesson")
    assert send() == 0
    assert pushes(session) == ["failed"]
    assert records(session, member) == []

    chat.advance(days=1)
    chat.say("你好")
    run_lesson_schedule("morning_lesson")
    assert send() == 1
    assert received(app) == ["学习党章第一章"]  # never arrived, so it is still the next one


def test_a_reaction_that_fails_leaves_the_delivery_recorded(chat, app, runtime, session, member, monkeypatch):
    lesson = make_lesson(session, "学习党章第一章")
    session.commit()
    chat.say("你好")
    with runtime.session() as s:
        enqueue(s, openid=OPENID, payload=LessonPush(lesson.id, Article(lesson.title, "", lesson.url)),
                purpose="lesson_push", idempotency_key="lesson:1", now=runtime.clock.now())
        s.commit()

    def broken(session, outcome):
        session.add(StudyRecord(member_id=outcome.member_id, lesson_id=outcome.payload.lesson_id))  # no source

    monkeypatch.setattr("bot.dispatcher.reactions", lambda: Reactions().on(LessonPush, Settled.SENT, broken))
    assert dispatch_due(runtime, client=wechat_client(runtime, app)) == 1
    assert pushes(session) == ["sent"]
    assert received(app) == ["学习党章第一章"]
    assert records(session, member) == []


ARTICLE = Article("一图读懂条例修订要点", "三分钟读完", "https://kiteline.example.invalid/lessons/1")


@pytest.mark.parametrize("build, error", [
    (lambda: {"content": "今日学习"}, TypeError),  # a bare dict is no payload
    (lambda: Text(""), ValueError),
    (lambda: Text(content=None), ValueError),
    (lambda: Text("您有一条新求助", fallback={"template_id": "T"}), ValueError),
    (lambda: TemplateNotice("TPL_NOTICE", {"first": {"value": "支部通知"}}), ValueError),
    (lambda: TemplateNotice("", {"first": "支部通知"}), ValueError),
    (lambda: News({"title": "一图读懂"}), ValueError),
    (lambda: LessonPush("1", ARTICLE), ValueError),
    (lambda: Article("", "", "https://kiteline.example.invalid/lessons/1"), ValueError),
    # a template form on a purpose that never goes as a template (models.delivery.purposes)
    (lambda: Text("今日学习", fallback=TemplateNotice("TPL", {"first": "今日学习"})), ValueError),
])
def test_a_payload_of_the_wrong_shape_is_refused_at_enqueue(runtime, member, build, error):
    with runtime.session() as s, pytest.raises(error):
        enqueue(s, openid=OPENID, payload=build(), purpose="lesson_push", idempotency_key="bad:1",
                now=runtime.clock.now())
    with runtime.session() as s:
        assert s.scalars(select(OutboxMessage)).all() == []


def test_a_lesson_pushed_today_and_still_on_its_way_is_todays_lesson(chat, runtime, session, member):
    """学习 reads the pushes on their way only when its read of the library saw one: a push
    queued today (not yet sent) is the day's lesson, and asking for it records it."""
    make_lesson(session, "学习党章第一章", sequence=1)
    second = make_lesson(session, "学习党章第二章", sequence=2)
    session.commit()
    with runtime.session() as s:
        enqueue(s, openid=OPENID, payload=LessonPush(second.id, Article(second.title, "", second.url)),
                purpose="lesson_push", idempotency_key="lesson:2", now=runtime.clock.now())
        s.commit()
    chat.advance(minutes=5)
    assert chat.say("学习").startswith("张某，今天的学习资料：\n【政策文件】学习党章第二章")
    assert records(session, member) == [(second.id, "request", chat.clock.now())]
    assert pushes(session) == ["pending"]


def test_two_taps_of_study_at_once_both_give_the_lesson(runtime, session, member):
    """学习 tapped twice at once: both deliveries read that the member has no record of today's
    lesson, the first writes it and commits, then the second writes — it moves the record's
    shown_at instead of failing on the unique record (PostgreSQL answered the apology)."""
    from models import study

    lesson = make_lesson(session, "学习党章第一章")
    session.commit()
    start = study.todays_lesson(session, member.id, study_now := runtime.clock.now())
    with runtime.session() as first, runtime.session() as second:
        late = study.todays_lesson(second, member.id, study_now)  # read before the first commits
        study.record_delivery(first, member.id, start.lesson.id, "request", study_now)
        first.commit()
        study.record_delivery(second, member.id, late.lesson.id, "request", study_now + dt.timedelta(seconds=1))
        study.record_delivery(second, member.id, lesson.id, "schedule", study_now + dt.timedelta(seconds=2))
        second.commit()
    session.expire_all()
    (record,) = session.scalars(select(StudyRecord).where(StudyRecord.member_id == member.id))
    assert (record.lesson_id, record.source, record.delivered_at) == (lesson.id, "request", study_now)
    assert record.shown_at == study_now + dt.timedelta(seconds=2)
