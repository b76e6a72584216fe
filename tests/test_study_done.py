"""我学完了: a member says they finished the lesson they were given; it is recorded and the next
one comes — never the same lesson again."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from models import study
from models.lesson import StudyRecord
from tests.conftest import START
from tests.factories import make_branch, make_lesson, make_member

OPENID = "oKite_member_0001"


@pytest.fixture
def member(session):
    m = make_member(session, make_branch(session), name="张某", openid=OPENID)
    session.commit()
    return m


def records(session, member):
    session.expire_all()
    return {r.lesson_id: r for r in session.scalars(select(StudyRecord).where(StudyRecord.member_id == member.id))}


@pytest.mark.postgres
def test_finishing_a_lesson_is_recorded_and_the_next_one_comes(chat, session, member):
    first = make_lesson(session, "学习党章第一章", sequence=1)
    second = make_lesson(session, "学习党章第二章", sequence=2)
    session.commit()

    assert first.title in chat.say("学习")
    chat.advance(minutes=20)
    reply = chat.say("我学完了")

    assert reply.startswith("张某，已记下您学完了《学习党章第一章》，谢谢您坚持学习！")
    assert second.title in reply and first.title not in reply.split("\n", 1)[1]
    assert second.url in reply
    saved = records(session, member)
    assert saved[first.id].completed_at == START.replace(minute=20)
    assert saved[second.id].completed_at is None and saved[second.id].delivered_at == START.replace(minute=20)
    # 学习 now brings the lesson they are on, not the finished one
    assert second.title in chat.say("学习")


def test_finishing_the_last_unread_lesson_says_all_are_read(chat, session, member):
    only = make_lesson(session, "学习党章第一章")
    session.commit()
    chat.say("学习")

    assert chat.say("看完了") == ("张某，已记下您学完了《学习党章第一章》，谢谢您坚持学习！资料库里的学习资料您都收到过了，"
                               "新资料上线后会推送给您；想温习以前的，发“往期”。")
    assert records(session, member)[only.id].completed_at == START


def test_saying_it_twice_keeps_the_first_finish(chat, session, member):
    make_lesson(session, "学习党章第一章", sequence=1)
    session.commit()
    chat.say("学习")
    chat.say("学完了")
    chat.advance(minutes=5)

    assert chat.say("学完了").startswith("张某，《学习党章第一章》已经记过学完了，谢谢您坚持学习！")
    [record] = records(session, member).values()
    assert record.completed_at == START


def test_not_finished_yet_gets_the_lesson_again_and_records_nothing(chat, session, member):
    first = make_lesson(session, "学习党章第一章", sequence=1)
    make_lesson(session, "学习党章第二章", sequence=2)
    session.commit()
    chat.say("学习")

    assert "学习党章第一章" in chat.say("还没看完")
    assert records(session, member)[first.id].completed_at is None


def test_a_lesson_read_late_at_night_is_finished_after_midnight(chat, session, member):
    first = make_lesson(session, "学习党章第一章", sequence=1)
    make_lesson(session, "学习党章第二章", sequence=2)
    session.commit()
    chat.advance(hours=14, minutes=50)  # 23:50 in Shanghai
    chat.say("学习")
    chat.advance(minutes=30)  # 00:20 the next day

    assert chat.say("学完了").startswith("张某，已记下您学完了《学习党章第一章》")
    assert records(session, member)[first.id].completed_at is not None


def test_with_nothing_given_today_the_member_is_asked_which_one(chat, session, member):
    first = make_lesson(session, "学习党章第一章", sequence=1)
    second = make_lesson(session, "学习党章第二章", sequence=2)
    make_lesson(session, "学习党章第三章", sequence=3)
    session.commit()
    chat.say("学习")
    chat.advance(days=1)
    chat.say("学习")
    chat.advance(days=2)

    assert chat.say("我学完了") == (
        "张某，今天还没有给您发学习资料。您学完的是哪一篇？请回复序号：\n"
        "1. 11月30日《学习党章第二章》\n2. 11月29日《学习党章第一章》\n"
        "回复序号记下学完的那一篇；想学新的，发“学习”。")
    reply = chat.say("2")

    assert reply.startswith("张某，已记下您学完了《学习党章第一章》，谢谢您坚持学习！接着学下一篇：\n【政策文件】学习党章第三章")
    saved = records(session, member)
    assert saved[first.id].completed_at == START + dt.timedelta(days=3)
    assert saved[second.id].completed_at is None


def test_a_member_never_given_a_lesson_gets_the_first_one(chat, session, member):
    first = make_lesson(session, "学习党章第一章", sequence=1)
    session.commit()

    assert chat.say("学完了").startswith("张某，还没有给您发过学习资料，先从这一篇开始吧：\n【政策文件】学习党章第一章")
    assert records(session, member)[first.id].completed_at is None


def test_a_pushed_lesson_is_the_one_finished(chat, session, member):
    pushed = make_lesson(session, "学习党章第一章", sequence=1)
    make_lesson(session, "学习党章第二章", sequence=2)
    study.record_delivery(session, member.id, pushed.id, "schedule", START)
    session.commit()
    chat.advance(hours=1)

    assert chat.say("学完了").startswith("张某，已记下您学完了《学习党章第一章》")


def test_a_title_with_its_own_book_title_marks_is_not_wrapped_again(chat, session, member):
    rules = make_lesson(session, "学习新修订的《中国共产党纪律处分条例》", sequence=1)
    make_lesson(session, "学习党章第二章", sequence=2)
    session.commit()
    chat.say("学习")
    chat.advance(minutes=20)

    assert chat.say("学完了").startswith("张某，已记下您学完了学习新修订的《中国共产党纪律处分条例》，谢谢您坚持学习！")
    assert "· 11月29日学习新修订的《中国共产党纪律处分条例》 已学完（11月29日）" in chat.say("我的学习记录")
    assert "2. 11月29日学习新修订的《中国共产党纪律处分条例》（已学完）" in chat.say("往期")
    assert records(session, member)[rules.id].completed_at is not None
