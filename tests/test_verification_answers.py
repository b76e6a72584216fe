"""How a member's answers to a verification ask are read: corrections stored with history (a
phone read back first), a change not yet said asked for, coming home for good, and an ask not
yet delivered that nobody can answer."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from models.delivery.outbox import OutboxMessage
from models.delivery.report import needing_attention, reason
from models.member import Member, MemberChange
from models.verification.asks import VerificationAsk
from scheduler import jobs
from tests.factories import make_branch, make_member

pytestmark = pytest.mark.postgres

OPENID = "oKite_member_0001"


@pytest.fixture
def asked(chat, session, clock, send, job_runtime) -> int:
    """张某, away in 苏州 and bound at the start, wrote 5 minutes before the round 90 days later
    and was asked; returns their member id."""
    member = make_member(session, make_branch(session), name="张某", phone="13800001234", openid=OPENID,
                         status="away", current_province="江苏", current_city="苏州")
    session.commit()
    clock.advance(days=90, minutes=-5)
    chat.say("你好")
    clock.advance(minutes=5)
    assert jobs.run_verification_round() == 1
    assert send() == 1
    return member.id


def outcome(session) -> str | None:
    session.expire_all()
    return session.scalar(select(VerificationAsk.outcome))


def changes(session, member_id: int) -> list[tuple[str, str | None, str | None, str]]:
    return [(c.field, c.old_value, c.new_value, c.source) for c in session.scalars(
        select(MemberChange).where(MemberChange.member_id == member_id).order_by(MemberChange.id))]


def test_a_new_phone_is_read_back_and_stored_only_when_confirmed(chat, session, asked):
    assert chat.say("手机换了 13800005678") == ("您要把手机号从 138****1234 改成 138 0000 5678 吗？"
                                             "回复“对”确认，回复“不对”不改。")
    assert outcome(session) is None and changes(session, asked) == []
    assert chat.say("对") == ("已为您更新：\n手机号：138****5678\n谢谢您，信息已核实。"
                             "如有不对，直接把正确的发给我就行。")
    assert outcome(session) == "corrected"
    assert changes(session, asked) == [("phone", "13800001234", "13800005678", "verification")]


def test_a_phone_read_back_and_refused_leaves_the_ask_open(chat, session, asked):
    chat.say("手机换了 13800005678")
    assert chat.say("不对").startswith("好的，手机号没有改，还是 138****1234。")
    assert outcome(session) is None
    assert chat.say("没变").startswith("谢谢您的确认！")
    assert outcome(session) == "confirmed" and changes(session, asked) == []


def test_a_change_not_yet_said_is_asked_for_and_the_next_answer_stores_it(chat, session, asked):
    assert chat.say("变了") == ("好的，请把变了的告诉我。信息没有变化，请回复“没变”；有变化，直接告诉我新的，"
                              "例如“现在在无锡”或“手机换了13800005678”。现在登记的是：\n"
                              "流动去向：江苏 苏州\n手机号：138****1234\n工作单位：未登记")
    assert outcome(session) is None
    assert chat.say("我现在在无锡").startswith("已为您更新：\n流动去向：江苏 无锡\n谢谢您，信息已核实。")
    assert outcome(session) == "corrected"
    assert changes(session, asked) == [("current_city", "苏州", "无锡", "verification")]


def test_the_place_on_file_said_again_confirms_it(chat, session, asked):
    assert chat.say("还在苏州").startswith("好的，流动去向还是江苏 苏州，谢谢您的确认！")
    assert outcome(session) == "confirmed" and changes(session, asked) == []


def test_coming_home_for_good_answers_the_ask(chat, session, asked):
    assert chat.say("回老家了 不出去了") == ("已为您更新：\n状态：已返乡\n欢迎回家！以后村里的组织生活请按时参加。\n"
                                         "谢谢您，信息已核实。如有不对，直接把正确的发给我就行。")
    assert outcome(session) == "corrected"
    assert session.get(Member, asked).status == "returned"


@pytest.mark.parametrize("text", ["没变", "确认", "👍", "对", "是的", "都没变 谢谢", "信息无误", "还是老样子",
                                  "电话没换 地址也没变", "对的👌", "嗯嗯", "沒變"])
def test_ways_of_saying_nothing_changed(chat, session, asked, text):
    assert chat.say(text).startswith("谢谢您的确认！登记的信息已核实：")
    assert outcome(session) == "confirmed"


@pytest.mark.parametrize("text", ["没变吗", "好的", "谢谢", "学习", "是不是要核对", "对不起"])
def test_anything_else_is_answered_as_itself_and_the_ask_stays_open(chat, session, asked, text):
    assert not (chat.say(text) or "").startswith("谢谢您的确认")
    assert outcome(session) is None


def test_an_ask_that_has_not_reached_the_member_is_not_answered_yet(chat, session, clock, send, job_runtime):
    make_member(session, make_branch(session), name="张某", phone="13800001234", openid=OPENID, status="away",
                current_city="苏州")
    session.commit()
    clock.advance(days=90)
    assert jobs.run_verification_round() == 1
    assert send() == 0  # window closed: the question waits
    assert not (chat.say("没变") or "").startswith("谢谢您的确认")  # they have not seen it
    assert outcome(session) is None
    assert send() == 1
    assert chat.say("没变").startswith("谢谢您的确认！")
    assert outcome(session) == "confirmed"


def test_a_change_made_before_the_waiting_ask_reached_the_member_closes_it_unsent(
        chat, app, session, clock, send, job_runtime):
    """The member's first message after the round tells the change itself: the question about
    the old data, still waiting for that message, is never sent, and the ask ends corrected."""
    member = make_member(session, make_branch(session), name="张某", phone="13800001234", openid=OPENID,
                         status="away", current_province="江苏", current_city="苏州")
    session.commit()
    clock.advance(days=90)
    assert jobs.run_verification_round() == 1
    assert send() == 0  # window closed: the question waits for their next message
    assert chat.say("换了 现在在无锡").startswith("已为您更新")
    session.expire_all()
    assert session.get(Member, member.id).current_city == "无锡"
    assert send() == 0
    assert app.test_client().get(f"/sandbox/messages/{OPENID}").get_json() == []
    assert outcome(session) == "corrected"
    [row] = session.scalars(select(OutboxMessage))
    assert row.status == "dropped"
    assert reason(row) == "不再需要，没有发送：党员在收到前已自己更新了信息"
    assert needing_attention(session, since=row.created_at) == []  # nobody has to act on it


def test_a_message_without_a_change_still_releases_the_waiting_ask(chat, app, session, clock, send,
                                                                   job_runtime):
    make_member(session, make_branch(session), name="张某", phone="13800001234", openid=OPENID,
                status="away", current_province="江苏", current_city="苏州")
    session.commit()
    clock.advance(days=90)
    assert jobs.run_verification_round() == 1
    assert send() == 0
    chat.say("你好")
    assert send() == 1
    [message] = app.test_client().get(f"/sandbox/messages/{OPENID}").get_json()
    assert "流动去向：江苏 苏州" in message["text"]
    assert outcome(session) is None
