"""Lessons a schedule pushed while a member's window was closed: when they write, the oldest
comes with how many there are; 学习 then gives the others one at a time, each through the
member's own reading link, before anything new; a lesson meant for another township is never
pushed to them."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from models.delivery.outbox import OutboxMessage
from models.lesson import LessonTarget
from models.reading import link_key, read_token
from scheduler.jobs import run_lesson_schedule
from tests.factories import make_branch, make_lesson, make_member

pytestmark = pytest.mark.postgres

OPENID = "oKite_waiting_0001"


def inbox(app, openid):
    return app.test_client().get(f"/sandbox/messages/{openid}").get_json()


def test_lessons_pushed_while_away_come_one_at_a_time(job_runtime, app, clock, session, make_chat, send, settings):
    home = make_branch(session)
    elsewhere = make_branch(session, name="东风村党支部", township="青山镇")
    member = make_member(session, home, name="张某", openid=OPENID)
    lessons = [make_lesson(session, f"第{n}课 学习党章", sequence=n) for n in (1, 2, 3)]
    other_town = make_lesson(session, "青山镇务工返乡政策", sequence=4)
    session.add(LessonTarget(lesson_id=other_town.id, org_id=elsewhere.parent_id))
    session.commit()
    clock.advance(minutes=-30)  # 08:30 Beijing time, three mornings running, nobody writing
    for _ in range(4):
        run_lesson_schedule("morning_lesson")
        send()
        clock.advance(days=1)
    assert inbox(app, OPENID) == []  # no window: nothing was sent
    rows = session.scalars(select(OutboxMessage).where(OutboxMessage.member_id == member.id)).all()
    assert sorted(row.payload["lesson_id"] for row in rows) == [lesson.id for lesson in lessons]

    chat = make_chat(OPENID)
    assert chat.say("你好")  # an ordinary answer first
    send()
    [intro] = inbox(app, OPENID)
    assert intro["text"] == "您有3条新的学习内容，先看第一篇：第1课 学习党章"
    link = intro["body"]["articles"][0]["url"]
    assert read_token(link_key(settings), link.rsplit("/", 1)[1]) == (member.id, lessons[0].id)

    second = chat.say("学习")
    assert second.startswith("张某，推送给您的学习资料：\n【政策文件】第2课 学习党章")
    assert second.endswith("还有1条新的学习内容，回复“学习”接着看。")
    third = chat.say("学习")
    assert "第3课 学习党章" in third and third.endswith("学完请回“学完了”；换一篇发“下一课”，看别的类别发“学习 法律”“学习 职业技能”等。")
    assert "青山镇" not in chat.say("下一课")  # not theirs: the library has nothing more for them
    assert len(inbox(app, OPENID)) == 1  # nothing else arrived by itself
