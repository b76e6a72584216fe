"""Party dues (党费) by chat: what is paid, owed and how to pay; a member's 我交了 recorded as
pending and passed to the branch secretary; the secretary's 确认党费 telling the member; the
monthly reminder once a month; the member file and the ledger export."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from models.delivery.outbox import OutboxMessage
from models.dues import DuesPayment, DuesStandard
from models.ledger_export import export_members
from models.ledger_files import read_table
from models.ledger_import import import_members
from models.member_file import render
from scheduler.jobs import send_dues_reminders
from tests.conftest import START
from tests.factories import make_branch, make_member

pytestmark = pytest.mark.postgres

MEMBER = "oKite_member_0001"
SECRETARY = "oKite_secretary_0001"
HOW = "怎么交：每月20日前微信转账给支部组织委员，或交给村党支部；不方便的可以委托家人代交。"


def roster(session, secretary_bound=True, paid=("2026-08", "2026-09"), since="2026-08"):
    """白杨村党支部: secretary 王某 (bound unless told), 张某 with a standard of 12.50元 from
    August 2026, August and September paid (imported); on 29 November October and November are
    owed."""
    branch = make_branch(session)
    branch.secretary_name, branch.secretary_phone = "王某", "13700000001"
    make_member(session, branch, name="王某", phone="13700000001", status="home",
                openid=SECRETARY if secretary_bound else None)
    member = make_member(session, branch, name="张某", phone="13800001234", openid=MEMBER)
    session.add(DuesStandard(member_id=member.id, amount_fen=1250, since=since, set_by="党费.xlsx", updated_at=START))
    for n, p in enumerate(paid):
        session.add(DuesPayment(member_id=member.id, period=p, amount_fen=1250, paid_on=dt.date(int(p[:4]), int(p[5:]), 5),
                                channel="微信", status="confirmed", source="import", recorded_by="党费.xlsx",
                                source_row=n + 3, recorded_at=START, confirmed_at=START, confirmed_by="党费.xlsx"))
    session.commit()
    return member


def inbox(app, openid):
    return [(m["channel"], m["text"]) for m in app.test_client().get(f"/sandbox/messages/{openid}").get_json()]


def payments(session):
    session.expire_all()
    return [(p.period, p.amount_fen, p.status, p.source, p.confirmed_by) for p in
            session.scalars(select(DuesPayment).order_by(DuesPayment.period))]


ANSWER = ("张某，您的党费：\n月缴纳标准：12.50元\n已交至2026年9月\n"
          "最近交纳：2026年9月 12.50元（9月5日，微信）；2026年8月 12.50元（8月5日，微信）\n"
          f"还欠2026年10月至11月，共2个月25元\n{HOW}\n"
          "交好后回复“我交了”（或“党费交了 10月 11月”），我转给支部书记确认。")
WHICH = "您交的是哪几个月？还没交的有：2026年10月至11月。回复月份，例如“10月 11月”；都交了回复“全部”。"


# -- what is paid, owed and how to pay ------------------------------------------------------------

@pytest.mark.parametrize("asked", ["党费", "党费交了没", "我还欠多少党费", "党费怎么交", "黨費"])
def test_the_member_is_told_what_is_paid_owed_the_standard_and_how_to_pay(chat, session, asked):
    roster(session)
    assert chat.say(asked) == ANSWER


def test_paid_up_the_answer_says_so_and_asks_nothing(chat, session):
    roster(session, paid=("2026-08", "2026-09", "2026-10", "2026-11"))
    assert chat.say("党费交了没") == (
        "张某，您的党费：\n月缴纳标准：12.50元\n已交至2026年11月\n"
        "最近交纳：2026年11月 12.50元（11月5日，微信）；2026年10月 12.50元（10月5日，微信）；"
        f"2026年9月 12.50元（9月5日，微信）\n没有欠费\n{HOW}")
    assert chat.say("我交了") == ("张某，您的党费已交至2026年11月，没有欠费，不用再报。"
                               "交的如果是别的月份，请说明，例如“我交了11月的党费”。")
    assert payments(session)[-1][2] == "confirmed"


def test_a_first_month_unpaid_with_later_months_paid_is_not_told_nothing_is_recorded(chat, session):
    roster(session, paid=("2026-09", "2026-10"))
    assert chat.say("党费") == (
        "张某，您的党费：\n月缴纳标准：12.50元\n2026年8月起还没交齐\n"
        "最近交纳：2026年10月 12.50元（10月5日，微信）；2026年9月 12.50元（9月5日，微信）\n"
        f"还欠2026年8月、2026年11月，共2个月25元\n{HOW}\n"
        "交好后回复“我交了”（或“党费交了 8月 11月”），我转给支部书记确认。")


def test_a_branch_keeping_no_dues_here_gets_how_to_pay_and_whom_to_ask(chat, session):
    branch = make_branch(session)
    make_member(session, branch, name="张某", phone="13800001234", openid=MEMBER)
    session.commit()
    contact = "请联系白杨村党支部（电话 0471-5550001），也可以拨打服务热线 0471-12345678（工作日 9:00-17:30）。"
    assert chat.say("党费") == ("党费按月交纳，外出期间也要按时交给您所在的党支部。" + HOW
                              + f"\n您支部的党费交纳记录还没有登记到这里，交了多少、欠不欠，{contact}")
    assert chat.say("我交了") == ("张某，您支部的党费交纳记录还没有登记到这里，交了的话请告诉支部，由支部记账。" + contact)
    assert payments(session) == []


# -- 我交了: pending until the secretary confirms ----------------------------------------------------

def test_after_the_answer_a_bare_jiaole_is_dues_asked_which_months_and_the_secretary_told(chat, make_chat, session,
                                                                                           app, send):
    roster(session)
    make_chat(SECRETARY).say("在吗")  # the secretary's window is open: the notice goes at once
    assert chat.say("党费") == ANSWER
    assert chat.say("交了") == WHICH
    assert chat.say("帮助") == WHICH
    assert chat.say("10月") == ("收到！已记下您交了2026年10月的党费（共12.50元），现在是待确认：支部书记王某确认后就记为已交，"
                               "确认了我会告诉您。\n还欠2026年11月，共1个月12.50元")
    assert payments(session)[-1] == ("2026-10", 1250, "pending", "member", None)
    send()
    assert inbox(app, SECRETARY) == [("custom", "【党费待确认】白杨村党支部党员张某（电话 13800001234）说已交2026年10月的党费，"
                                                "共12.50元。核实后回复“确认党费 张某 10月”，我会告诉本人。")]


def test_jiaole_without_the_answer_before_is_routed_to_dues_and_all_months_can_be_said(chat, session):
    roster(session)
    assert chat.say("我交了") == WHICH
    assert chat.say("全部") == ("收到！已记下您交了2026年10月至11月的党费（共25元），现在是待确认：支部书记王某确认后就记为已交，"
                              "确认了我会告诉您。")
    assert [p[2] for p in payments(session)] == ["confirmed", "confirmed", "pending", "pending"]


def test_months_and_channel_in_one_message(chat, session):
    roster(session)
    assert chat.say("党费交了 10月和11月 微信转的").startswith("收到！已记下您交了2026年10月至11月的党费（共25元）")
    session.expire_all()
    assert [(p.period, p.channel, p.status) for p in session.scalars(select(DuesPayment).where(
        DuesPayment.status == "pending"))] == [("2026-10", "微信", "pending"), ("2026-11", "微信", "pending")]
    assert chat.say("我交了11月的党费") == "张某，2026年11月您已经报过了，正等支部书记确认。\n没有欠费"
    assert chat.say("我交了") == "张某，您报的2026年10月至11月已交，正等支部书记确认，不用再报。确认了我会告诉您。"


def test_bare_months_mean_the_months_owed_when_those_are_last_years(chat, session):
    """The trial user's member owing 2025年10月至11月 said 党费交了 10月 11月 and was told this
    year's, already paid, were recorded."""
    paid = ["2025-12", *[f"2026-{m:02d}" for m in range(1, 12)]]
    roster(session, paid=paid, since="2025-10")
    assert chat.say("党费交了 10月 11月").startswith("收到！已记下您交了2025年10月至11月的党费（共25元）")
    session.expire_all()
    assert [p.period for p in session.scalars(select(DuesPayment).where(DuesPayment.status == "pending"))] == [
        "2025-10", "2025-11"]


def test_one_month_owed_is_the_month_a_bare_report_means(chat, session):
    roster(session, paid=("2026-08", "2026-09", "2026-10"))
    assert chat.say("我交了").startswith("收到！已记下您交了2026年11月的党费（共12.50元）")


@pytest.mark.parametrize("said, reply", [
    ("党费交了 2026年12月", "张某，2026年12月还没到，现在不用交。\n还欠2026年10月至11月，共2个月25元"),
    ("我交了13月的党费", "“13月”不是有效的月份。请说清交的是哪个月，例如“我交了11月的党费”。"),
    ("我交了2024.13的党费", "“2024.13”不是有效的月份。请说清交的是哪个月，例如“我交了11月的党费”。"),
    ("我交了9月的党费", "张某，2026年9月已经记为已交。\n还欠2026年10月至11月，共2个月25元"),
    ("我交了12月的党费", "张某，支部在这里登记的党费从2026年8月开始，更早的请问支部。\n还欠2026年10月至11月，共2个月25元"),
])
def test_months_that_cannot_be_reported_are_said_so_and_nothing_is_stored(chat, session, said, reply):
    roster(session)
    assert chat.say(said) == reply
    assert [p[2] for p in payments(session)] == ["confirmed", "confirmed"]


def test_without_a_secretary_on_wechat_the_member_is_told_who_confirms(chat, session, app, send):
    roster(session, secretary_bound=False)
    assert chat.say("党费交了 11月") == (
        "收到！已记下您交了2026年11月的党费（共12.50元），现在是待确认：支部书记还没有绑定微信，支部下次对账时确认；"
        "着急的话也可以告诉您的联络员。\n还欠2026年10月，共1个月12.50元")
    send()
    assert session.scalar(select(OutboxMessage.id).where(OutboxMessage.purpose == "dues_report")) is None


def test_a_question_after_the_answer_is_answered_as_itself(chat, session):
    roster(session)
    chat.say("党费")
    after_answer = chat.say("驿站")
    assert after_answer == chat.say("驿站")
    assert "党费" not in after_answer
    assert chat.say("交了") != WHICH  # the answer's context is over
    assert payments(session)[-1][2] == "confirmed"


def test_after_the_answer_paid_words_naming_a_thought_report_are_not_dues(chat, session):
    """A trial's member, after 党费: 我交了思想汇报 was recorded as dues paid."""
    roster(session)
    before = payments(session)
    chat.say("党费")
    assert "思想汇报" in chat.say("我交了思想汇报")
    assert payments(session) == before


# -- 确认党费: the secretary confirms, the member is told ----------------------------------------------

def test_the_secretary_confirms_what_the_member_reported_and_the_member_is_told(chat, make_chat, session, app, send):
    roster(session)
    chat.say("党费交了 10月 11月")
    secretary = make_chat(SECRETARY)
    assert secretary.say("确认党费　张某") == "已确认张某2026年10月至11月的党费，共25元，并告诉了张某。"
    assert payments(session)[-2:] == [("2026-10", 1250, "confirmed", "member", "王某"),
                                      ("2026-11", 1250, "confirmed", "member", "王某")]
    send()
    assert inbox(app, MEMBER)[-1] == ("custom", "您2026年10月至11月的党费（共25元）支部书记王某已确认，记为已交。谢谢！"
                                                "发“党费”可以查看交纳情况。")
    assert secretary.say("确认党费 张某 10月") == "2026年10月的党费已经确认过了。"


def test_a_month_before_the_branch_kept_dues_here_is_not_recorded_by_the_secretary(make_chat, session):
    """A trial's secretary recorded February 2026 for a branch keeping dues here since June: the
    member's own report of it is refused, and so is the secretary's."""
    roster(session)
    before = payments(session)
    assert make_chat(SECRETARY).say("确认党费 张某 6月") == (
        "2026年6月在支部开始在这里登记党费（2026年8月）之前，没有登记；那时的党费请按支部的纸质台账核对。")
    assert payments(session) == before


@pytest.mark.parametrize("said", ["确认党费 张某 11月", "确认党费张某１１月", "确认党费 张某 2026-11", "确认党费 张某 2026年11月"])
def test_a_month_nobody_reported_is_recorded_at_the_standard(make_chat, session, said):
    roster(session)
    assert make_chat(SECRETARY).say(said) == (
        "已确认张某2026年11月的党费，共12.50元（本人没有报，按月缴纳标准12.50元登记），并告诉了张某。")
    assert payments(session)[-1] == ("2026-11", 1250, "confirmed", "secretary", "王某")


def test_nothing_reported_and_no_month_named_asks_for_the_month(make_chat, session):
    roster(session)
    assert make_chat(SECRETARY).say("确认党费 张某") == (
        "张某没有待确认的党费。还欠2026年10月至11月。要登记已交的月份，请写上月份，例如“确认党费 张某 11月”。")


def test_two_members_of_one_name_are_listed_and_the_phone_picks_one(make_chat, session):
    member = roster(session)
    make_member(session, member.branch, name="张某", phone="13800005678")
    session.commit()
    secretary = make_chat(SECRETARY)
    assert secretary.say("确认党费 张某 11月") == (
        "有2位张某：张某（138****1234，白杨村党支部）、张某（138****5678，白杨村党支部）。"
        "请加上手机号后四位再发，例如“确认党费 张某 1234 11月”。")
    assert secretary.say("确认党费 张某 1234 11月").startswith("已确认张某2026年11月的党费")


def test_only_the_secretary_of_the_members_branch_confirms(make_chat, chat, session):
    roster(session)
    other = make_branch(session, name="红星村党支部", township="青石镇")
    other.secretary_name, other.secretary_phone = "赵某", "13700000002"
    make_member(session, other, name="赵某", phone="13700000002", openid="oKite_secretary_0002", status="home")
    session.commit()
    assert make_chat("oKite_secretary_0002").say("确认党费 张某 11月") == "您负责的支部里没有叫张某的党员，请核对姓名。"
    assert chat.say("确认党费 张某 11月") == ("“确认党费”是支部书记确认党员交了党费用的。您自己交了党费，请发“我交了”；"
                                          "想看交纳情况，发“党费”。")
    assert [p[0] for p in payments(session)] == ["2026-08", "2026-09"]


# -- the monthly reminder -----------------------------------------------------------------------

REMINDER = ("【党费提醒】张某，您2026年10月至11月的党费还没有交，共2个月25元（每月12.50元）。\n"
            f"{HOW}\n交好后回复“我交了”，我转给支部书记确认。")


def reminders(session):
    session.expire_all()
    return [(m.status, m.idempotency_key.rsplit(":", 1)[1]) for m in session.scalars(
        select(OutboxMessage).where(OutboxMessage.purpose == "dues_reminder").order_by(OutboxMessage.id))]


def test_the_reminder_goes_once_a_month_to_members_owing_never_as_a_template(chat, session, app, send, job_runtime):
    member = roster(session)
    paid_up = make_member(session, member.branch, name="刘某", phone="13800002002", openid="oKite_member_0002")
    session.add(DuesStandard(member_id=paid_up.id, amount_fen=500, since="2026-11", set_by="党费.xlsx", updated_at=START))
    session.add(DuesPayment(member_id=paid_up.id, period="2026-11", amount_fen=500, status="confirmed", source="import",
                            recorded_by="党费.xlsx", recorded_at=START))
    session.commit()
    chat.say("你好")
    assert send_dues_reminders() == 1
    assert send_dues_reminders() == 0  # a rerun, or a second scheduler: nothing twice
    send()
    assert inbox(app, MEMBER)[-1] == ("custom", REMINDER)
    assert inbox(app, "oKite_member_0002") == []
    chat.advance(days=3)  # 2 December, the window closed: December's reminder waits, not a template
    assert send_dues_reminders() == 2  # 刘某 owes December now
    send()
    assert reminders(session) == [("sent", "2026-11"), ("deferred", "2026-12"), ("deferred", "2026-12")]
    assert chat.say("党费交了 10月 11月 12月").startswith("收到！")
    assert reminders(session)[:2] == [("sent", "2026-11"), ("dropped", "2026-12")]  # stale: withdrawn unsent
    send()
    assert not any("【党费提醒】" in text for _, text in inbox(app, MEMBER)[1:])


def test_a_new_months_reminder_replaces_one_still_waiting(chat, session, job_runtime):
    roster(session)
    chat.advance(days=3)
    send_dues_reminders()
    chat.advance(days=31)
    send_dues_reminders()
    assert reminders(session) == [("dropped", "2026-12"), ("pending", "2027-01")]


# -- the member file and the ledger export --------------------------------------------------------

def test_the_member_file_shows_standard_paid_through_and_owed(chat, session):
    member = roster(session)
    chat.say("我交了10月的党费")
    session.expire_all()
    assert [line for line in render(session, member, chat.clock.now()) if line.startswith("【党费】")] == [
        "【党费】\n月缴纳标准 12.50元，已交至2026年9月\n还欠2026年11月，共1个月12.50元\n2026年10月本人报已交，待支部书记确认"]
    assert "【党费】\n月缴纳标准 12.50元，已交至2026年9月" in chat.say("我的档案")


def test_the_export_says_owed_or_paid_through_and_imports_back_unchanged(chat, session, tmp_path):
    member = roster(session)
    make_member(session, member.branch, name="刘某", phone="13800002002")
    session.commit()
    chat.say("我交了10月的党费")
    path = tmp_path / "台账.xlsx"
    export_members(session, path, org_ids=None, title="台账", now=chat.clock.now())
    rows = read_table(path)
    column = rows[1].index("党费")
    assert {r[1]: (list(r) + [None] * 30)[column] for r in rows[2:]} == {
        "王某": None, "张某": "欠1个月（另1个月待确认）", "刘某": None}
    report = import_members(session, rows, district="示例区", create_orgs=False, now=chat.clock.now(),
                            changed_by="台账.xlsx")
    assert (report.created, report.updated, report.errors, report.unused_columns) == (0, 0, [], [])
    reported = session.scalar(select(DuesPayment).where(DuesPayment.status == "pending"))
    reported.status = "confirmed"
    session.add(DuesPayment(member_id=member.id, period="2026-11", amount_fen=1250, status="confirmed",
                            source="secretary", recorded_by="王某", recorded_at=START))
    session.commit()
    export_members(session, path, org_ids=None, title="台账", now=chat.clock.now())
    assert {r[1]: (list(r) + [None] * 30)[column] for r in read_table(path)[2:]}["张某"] == "已交至2026-11"
