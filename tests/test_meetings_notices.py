"""Meeting notices and reminders through the outbox and the sandbox, on the injected clock: the
notice reaches the branch's bound members when a meeting is added (at once in their window, else
with their next message), a reminder goes shortly before the start to those not on leave and
replaces a notice still waiting, nothing goes twice, another branch hears nothing, and what still
waits once the meeting is over is dropped."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from models.delivery.outbox import OutboxMessage
from models.meetings.notices import queue_notices, queue_reminders
from models.meetings.schedule import set_start
from models.member import Member
from models.settings import OrgLifeSettings
from scheduler import jobs
from tests.meeting_world import (
    FAR,
    MEMBER,
    OTHER,
    SECRETARY,
    TITLE,
    bj,
    meeting,
    people,
)

pytestmark = pytest.mark.postgres

NOTICE = ("【组织生活通知】白杨村党支部主题党日《学习贯彻党的二十届三中全会精神》\n"
          "时间：12月1日（周二）19:30（北京时间）\n"
          "地点：村委会二楼会议室\n"
          "线上参加：https://meeting.example.invalid/j/123456\n"
          "签到：19:00-20:30 之间发“签到”加主持人公布的4位签到码（如“签到 1234”）\n"
          "来不了请发“请假 原因”（如“请假 在外地加班”）。")
REMINDER = ("【组织生活提醒】今天 19:30 白杨村党支部主题党日《学习贯彻党的二十届三中全会精神》就要开始了。\n"
            "地点：村委会二楼会议室\n"
            "线上参加：https://meeting.example.invalid/j/123456\n"
            "签到：19:00-20:30 之间发“签到”加主持人公布的4位签到码（如“签到 1234”）\n"
            "来不了请发“请假 原因”（如“请假 在外地加班”）。")


def inbox(app, openid):
    return [(m["channel"], m["text"]) for m in app.test_client().get(f"/sandbox/messages/{openid}").get_json()]


def rows(session, purpose):
    session.expire_all()
    return sorted(session.execute(select(Member.name, OutboxMessage.status).join(
        Member, Member.id == OutboxMessage.member_id).where(OutboxMessage.purpose == purpose)).all())


@pytest.fixture
def zhang(session):
    member = people(session)
    session.commit()
    return member


def test_the_notice_reaches_the_branch_at_once_or_with_the_next_message_and_never_twice(
        chat, make_chat, session, app, send, clock, zhang):
    chat.say("你好")  # 张某's window is open; 李某 and the secretary have not written
    theme = meeting(session, zhang.branch_id)
    session.commit()
    send()
    assert inbox(app, MEMBER) == [("custom", NOTICE)]
    assert rows(session, "meeting_notice") == [("张某", "sent"), ("李某", "deferred"), ("王某", "deferred")]
    assert queue_notices(session, theme, clock.now()) == 0  # added once, told once
    assert inbox(app, FAR) == []  # 红星村党支部 hears nothing of it

    clock.advance(hours=3)
    make_chat(OTHER).say("收到")
    send()
    assert inbox(app, OTHER) == [("custom", NOTICE)]


def test_a_reminder_goes_before_the_start_to_those_not_answered_and_stale_ones_are_dropped(
        chat, make_chat, session, app, send, clock, job_runtime, zhang):
    meeting(session, zhang.branch_id)
    session.commit()
    send()  # nobody has written lately: every notice waits for its reader's next message
    make_chat(OTHER).say("请假 家里有事")  # 李某 knows of it and is on leave: neither notice nor reminder
    send()
    assert inbox(app, OTHER) == []
    clock.current = bj(12, 1, 18, 0)
    chat.say("你好")  # 张某 got the notice with this message
    send()
    assert inbox(app, MEMBER) == [("custom", NOTICE)]

    clock.current = bj(12, 1, 18, 20)  # more than an hour before: too early (remind_minutes_before: 60)
    assert jobs.send_meeting_reminders() == 0
    clock.current = bj(12, 1, 18, 40)
    assert jobs.send_meeting_reminders() == 2  # 张某 and the secretary
    assert jobs.send_meeting_reminders() == 0  # a rerun reminds nobody twice
    send()
    assert inbox(app, MEMBER) == [("custom", NOTICE), ("custom", REMINDER)]
    # the secretary never wrote: the reminder, which says what the notice says, took its place
    assert rows(session, "meeting_notice") == [("张某", "sent"), ("李某", "dropped"), ("王某", "dropped")]
    assert rows(session, "meeting_reminder") == [("张某", "sent"), ("王某", "deferred")]

    clock.current = bj(12, 1, 20, 40)  # check-in closed: what still waits is of no use now
    jobs.send_meeting_reminders()
    assert rows(session, "meeting_reminder") == [("张某", "sent"), ("王某", "dropped")]
    make_chat(SECRETARY).say("你好")
    send()
    # only 李某's leave reaches them: no notice or reminder of a meeting that is over
    assert inbox(app, SECRETARY) == [("custom", f"【组织生活请假】李某请假：12月1日（周二）19:30 主题党日《{TITLE}》。"
                                                "原因：家里有事。")]


def test_no_reminder_when_configured_off(session, clock, zhang):
    meeting(session, zhang.branch_id, notify=False)
    session.commit()
    assert queue_reminders(session, bj(12, 1, 18, 40), OrgLifeSettings(remind_minutes_before=0)) == 0
    assert queue_reminders(session, bj(12, 1, 18, 40), OrgLifeSettings()) == 3


def test_a_new_time_is_a_new_notice(session, app, send, chat, clock, zhang):
    chat.say("你好")
    theme = meeting(session, zhang.branch_id)
    session.commit()
    set_start(theme, bj(12, 2, 19, 30), OrgLifeSettings())
    theme.notice_version += 1
    assert queue_notices(session, theme, clock.now()) == 3
    session.commit()
    send()
    assert [text.splitlines()[:2] for _, text in inbox(app, MEMBER)] == [
        [f"【组织生活通知】白杨村党支部主题党日《{TITLE}》", "时间：12月1日（周二）19:30（北京时间）"],
        [f"【组织生活通知】白杨村党支部主题党日《{TITLE}》（时间地点有调整，以此为准）", "时间：12月2日（周三）19:30（北京时间）"]]


def test_checking_in_drops_what_still_waits_for_the_member(chat, session, app, send, clock, job_runtime, zhang):
    meeting(session, zhang.branch_id)
    session.commit()
    send()
    clock.current = bj(12, 1, 18, 40)
    jobs.send_meeting_reminders()  # 张某's window is closed: notice dropped for the reminder, which waits
    clock.current = bj(12, 1, 19, 10)
    assert chat.say("签到 4821").startswith("签到成功 ✓")
    send()
    assert inbox(app, MEMBER) == []  # no "就要开始了" after checking in
