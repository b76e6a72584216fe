"""A late help request goes up ``liaison.escalation_chain`` — the liaison reminded, then the
branch secretary, then the township contact — each told exactly once, one response period
apart, whatever reruns or clock jumps happen; working hours stop the clock, a crisis's never.

Time moves through the injected clock; the job (``scheduler.jobs.escalate_late_tickets``) runs
as the scheduler would run it."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from models.delivery.outbox import OutboxMessage
from models.settings import WorkingHours
from models.tickets import Sla, Ticket, escalate_batch, history
from scheduler.jobs import escalate_late_tickets
from tests.conftest import START
from tests.test_ticket_unassigned import SECRETARY, TOWNSHIP, roster

pytestmark = pytest.mark.postgres

LIAISON, MEMBER = "oKite_liaison_0001", "oKite_member_0001"


@pytest.fixture
def filed(chat, make_chat, session, job_runtime):
    """张某 asks for help at 09:00 on Sunday 29 November; liaison 李某, secretary 王某 and township
    contact 赵某 are bound to WeChat and have written in the last 48 hours."""
    roster(session, liaison="bound")
    for openid in (LIAISON, SECRETARY, TOWNSHIP):
        make_chat(openid).say("你好")
    chat.say("求助 老板拖欠了三个月工资")
    return session


def escalations(session) -> list[tuple[str, str]]:
    """(who, text) of every escalation notice queued, oldest first."""
    session.expire_all()
    return [(r.openid, r.payload["content"]) for r in session.scalars(
        select(OutboxMessage).where(OutboxMessage.purpose == "ticket_escalation").order_by(OutboxMessage.id))]


def steps(session) -> list[tuple[dt.datetime, str]]:
    session.expire_all()
    ticket = session.scalar(select(Ticket))
    return [(e.at, e.note) for e in history(session, ticket) if e.kind == "escalated"]


REMINDER = ("【求助超时提醒 Q20261129001】张某（电话 13800001234）求助欠薪，应在11月30日 09:00前首次答复，"
            "已超时{late}，还没有答复。请尽快电话联系张某，答复请发“回复 Q20261129001 情况”，"
            "办好了发“办结 Q20261129001 小结”。再过24小时仍未处理，将上报支部书记。")
UPWARD = ("【求助超时上报 Q20261129001】白杨村党支部党员张某（电话 13800001234）求助欠薪：“老板拖欠了三个月工资”。"
          "应在11月30日 09:00前首次答复，已超时{late}，还没有答复；现由红色联络员李某（电话 13900000001）经办。"
          "请督促或亲自处理：发“接单 Q20261129001”接手，“回复 Q20261129001 情况”答复党员，"
          "“转 Q20261129001 姓名”转给他人。")


def test_each_step_of_the_chain_is_told_once_a_response_period_apart(filed, clock, send, app):
    session = filed
    clock.advance(hours=23, minutes=59)
    assert escalate_late_tickets() == 0  # not late yet

    clock.advance(minutes=1)  # Monday 09:00: the first answer was due
    assert escalate_late_tickets() == 1
    assert escalate_late_tickets() == 0  # a rerun tells nobody again
    assert escalations(session) == [(LIAISON, REMINDER.format(late="1分钟"))]

    clock.advance(hours=23, minutes=59)
    assert escalate_late_tickets() == 0  # the liaison still has their period
    clock.advance(minutes=1)
    assert escalate_late_tickets() == 1
    assert escalations(session)[1:] == [(SECRETARY, UPWARD.format(late="1天"))]

    clock.advance(days=1, hours=2)
    assert escalate_late_tickets() == 1
    assert escalations(session)[2:] == [(TOWNSHIP, UPWARD.format(late="2天2小时"))]

    clock.advance(days=30)
    assert escalate_late_tickets() == 0  # the chain has ended
    assert steps(session) == [(START + dt.timedelta(days=1), "liaison"), (START + dt.timedelta(days=2), "secretary"),
                              (START + dt.timedelta(days=3, hours=2), "township")]
    assert session.scalar(select(Ticket.escalation_level)) == 3
    assert send() == 4  # the liaison's new ticket notice and three escalations
    # 赵某 wrote 3 days before: their window closed, so the template went at once.
    assert [m["channel"] for m in app.test_client().get(f"/sandbox/messages/{TOWNSHIP}").get_json()] == ["template"]


def test_a_clock_jump_takes_one_step_and_the_next_waits_its_period(filed, clock):
    session = filed
    clock.advance(days=10)
    assert escalate_late_tickets() == 1
    assert escalate_late_tickets() == 0
    assert [who for who, _ in escalations(session)] == [LIAISON]
    clock.advance(hours=24)
    assert escalate_late_tickets() == 1
    assert [who for who, _ in escalations(session)] == [LIAISON, SECRETARY]


def test_an_answer_stops_the_first_response_chain_and_an_unsettled_case_goes_on_at_its_resolution_target(
        filed, clock, make_chat):
    session = filed
    clock.advance(hours=25)
    assert escalate_late_tickets() == 1  # the liaison reminded
    make_chat(LIAISON).say("Q20261129001 已联系 明天去劳动监察大队")
    clock.advance(days=3)
    assert escalate_late_tickets() == 0  # answered: on time for now

    clock.advance(days=2, hours=22, minutes=59)  # Sunday 6 December 08:59
    assert escalate_late_tickets() == 0
    clock.advance(minutes=1)  # 7 days after filing, not settled
    assert escalate_late_tickets() == 1
    [(who, text)] = escalations(session)[1:]
    assert who == SECRETARY
    assert "应在12月6日 09:00前办结，已超时1分钟，还没有办结；现由红色联络员李某（电话 13900000001）经办" in text


def test_a_settled_ticket_is_never_escalated(filed, clock, make_chat):
    make_chat(LIAISON).say("Q20261129001 已解决 工资已经结清")
    clock.advance(days=30)
    assert escalate_late_tickets() == 0
    assert escalations(filed) == []


def test_a_step_with_nobody_to_tell_passes_to_the_next_at_once(chat, make_chat, session, clock, job_runtime):
    roster(session, liaison="unbound")  # a normal request stays with a liaison who has no WeChat
    chat.say("求助 老板拖欠了三个月工资")
    clock.advance(hours=24)
    assert escalate_late_tickets() == 1
    assert [who for who, _ in escalations(session)] == [SECRETARY]
    assert [note for _, note in steps(session)] == ["liaison（跳过：经办人没有开通微信）", "secretary"]


def test_the_secretary_holding_a_ticket_is_reminded_then_the_township_told(chat, session, clock, job_runtime):
    roster(session)  # no liaison: the secretary has it from the start
    chat.say("求助 老板拖欠了三个月工资")
    clock.advance(hours=24)
    assert escalate_late_tickets() == 1
    clock.advance(hours=24)
    assert escalate_late_tickets() == 1
    told = escalations(session)
    assert [who for who, _ in told] == [SECRETARY, TOWNSHIP]
    assert told[0][1].startswith("【求助超时提醒 Q20261129001】")  # a reminder: they hold it
    assert told[0][1].endswith("再过24小时仍未处理，将上报乡镇党委联系人。")  # not themself
    assert "现由支部书记王某（电话 13700000001）经办" in told[1][1]
    assert [note for _, note in steps(session)] == ["liaison", "secretary（跳过：已通知过此人）", "township"]


def test_a_crisis_escalates_by_the_hour(chat, make_chat, session, clock, job_runtime):
    roster(session, liaison="bound")
    chat.say("活着没意思 不想活了")
    clock.advance(hours=1)
    assert escalate_late_tickets() == 1
    clock.advance(hours=1)
    assert escalate_late_tickets() == 1
    assert [who for who, _ in escalations(session)] == [LIAISON, SECRETARY]
    assert "“【情绪危机，请马上联系】活着没意思 不想活了”" in escalations(session)[1][1]


def test_outside_the_window_the_secretary_gets_the_escalation_template_at_once(
        chat, make_chat, session, clock, job_runtime, send, app):
    roster(session, liaison="bound")
    make_chat(SECRETARY).say("你好")  # a follower, whose window closes 48 hours later
    chat.say("求助 老板拖欠了三个月工资")
    clock.advance(hours=48)
    assert escalate_late_tickets() == 1
    clock.advance(hours=24)
    assert escalate_late_tickets() == 1
    send()
    [(channel, text)] = [(m["channel"], m["text"]) for m in
                         app.test_client().get(f"/sandbox/messages/{SECRETARY}").get_json()]
    assert (channel, text) == ("template", "thing1: 张某求助欠薪\ncharacter_string2: Q20261129001\n"
                                           "thing3: 超时2天未答复\nthing4: 经办人李某\nthing5: 回复任意消息查看详情")


def test_working_hours_stop_the_clock_at_night_and_at_weekends(chat, make_chat, session, clock, job_runtime):
    job_runtime.settings.liaison.working_hours = WorkingHours(days=[1, 2, 3, 4, 5], start="08:30", end="17:30")
    roster(session, liaison="bound")
    # Sunday 09:00: Monday and Tuesday count 9 hours each, the 24th is Wednesday 14:30.
    assert "李某会在12月2日下午3点前联系您" in chat.say("求助 老板拖欠了三个月工资")
    clock.advance(days=3, hours=5, minutes=29)  # Wednesday 14:29
    assert escalate_late_tickets() == 0
    clock.advance(minutes=1)
    assert escalate_late_tickets() == 1
    assert escalations(session)[0][1].endswith("再过24小时（按工作时间计）仍未处理，将上报支部书记。")
    clock.advance(days=3)  # Saturday 14:30: Wednesday 3 hours, Thursday and Friday 9 each
    assert escalate_late_tickets() == 0
    clock.advance(days=1, hours=20, minutes=59)  # Monday 7 December 11:29
    assert escalate_late_tickets() == 0
    clock.advance(minutes=1)
    assert escalate_late_tickets() == 1
    assert [who for who, _ in escalations(session)] == [LIAISON, SECRETARY]
    assert "应在12月2日 14:30前首次答复，已超时4天21小时" in escalations(session)[1][1]


def test_with_working_hours_a_crisis_still_counts_every_hour(chat, make_chat, session, clock, job_runtime):
    job_runtime.settings.liaison.working_hours = WorkingHours()
    roster(session, liaison="bound")
    assert "李某会在1小时内联系您" in chat.say("活着没意思 不想活了")  # Sunday
    clock.advance(hours=1)
    assert escalate_late_tickets() == 1
    clock.advance(hours=1)
    assert escalate_late_tickets() == 1
    assert [who for who, _ in escalations(session)] == [LIAISON, SECRETARY]


def test_a_second_scheduler_with_a_stale_view_takes_no_step_twice(filed, runtime, clock):
    """Two processes look at the same late ticket; the one that comes second finds the step
    taken (the conditional UPDATE) and tells nobody."""
    sla = Sla.of(runtime.settings.liaison, "Asia/Shanghai")
    chain, template = runtime.settings.liaison.escalation_chain, "kiteline_ticket_escalation"
    with runtime.session() as stale:
        [seen] = stale.scalars(select(Ticket)).all()  # what the second process read (kept: step 0 is next)
        clock.advance(hours=25)
        with runtime.session() as first:
            assert escalate_batch(first, clock.now(), sla=sla, chain=chain, template_id=template)[0] == 1
            first.commit()
        clock.advance(hours=25)  # the liaison's period is over
        assert seen.escalation_level == 0
        assert escalate_batch(stale, clock.now(), sla=sla, chain=chain, template_id=template)[0] == 0
        stale.commit()
    assert [note for _, note in steps(filed)] == ["liaison"]
    assert escalate_late_tickets() == 1  # a fresh look takes the next step
    assert [who for who, _ in escalations(filed)] == [LIAISON, SECRETARY]
