"""我学完了: a member says they finished the lesson they were given; it is recorded and the next
one comes — never the same lesson again."""
from __future__ import annotations

import pytest
from sqlalchemy import select

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
