"""Who a verification round asks, when they are asked again, and who hears of those who did not
answer: the liaison, or the secretary for members no liaison can be told about."""
from __future__ import annotations

import datetime as dt
import logging

import openpyxl
import pytest
from click.testing import CliRunner
from sqlalchemy import select

from bot.cli import main
from models.ledger_export import export_members
from models.member import Liaison, MemberChange
from models.settings import ConfigError, load_settings
from models.verification.asks import VerificationAsk
from models.verification.freshness import last_verified
from scheduler import jobs
from tests.conftest import CONFIG_FILE, START
from tests.factories import make_branch, make_member

pytestmark = pytest.mark.postgres

LIAISON, SECRETARY = "oKite_liaison_0001", "oKite_secretary_0001"


def asked_names(session) -> list[str]:
    session.expire_all()
    return sorted(a.member.name for a in session.scalars(select(VerificationAsk).where(
        VerificationAsk.outcome.is_(None))))


def change(session, member_id: int, source: str, days: int, field: str = "current_city") -> None:
    session.add(MemberChange(member_id=member_id, field=field, old_value="苏州", new_value="无锡",
                             source=source, changed_at=START + dt.timedelta(days=days)))


def inbox(app, openid: str) -> list[tuple[str, str]]:
    return [(m["channel"], m["text"]) for m in app.test_client().get(f"/sandbox/messages/{openid}").get_json()]


def test_only_bound_away_members_whose_info_is_90_days_old_are_asked(session, clock, job_runtime):
    branch = make_branch(session)
    make_member(session, branch, name="甲某", openid="o1", status="away")
    later = make_member(session, branch, name="乙某", openid="o2", status="away")
    later.bound_at = START + dt.timedelta(days=1)
    make_member(session, branch, name="丙某", openid="o3", status="home")
    make_member(session, branch, name="丁某", openid="o4", status="returned")
    make_member(session, branch, name="戊某", openid=None, status="away")
    moved = make_member(session, branch, name="己某", openid="o6", status="away")
    imported = make_member(session, branch, name="庚某", openid="o7", status="away")
    unbound_again = make_member(session, branch, name="辛某", openid="o8", status="away")
    change(session, moved.id, "chat", days=30)  # told us by chat: verified then
    change(session, imported.id, "import", days=30)  # the branch's change verifies nothing
    change(session, unbound_again.id, "chat", days=30, field="openid")  # nor does (un)binding
    session.commit()

    clock.advance(days=89)
    assert jobs.run_verification_round() == 0
    clock.advance(days=1)
    assert jobs.run_verification_round() == 3
    assert asked_names(session) == ["庚某", "甲某", "辛某"]
    clock.advance(days=1)
    assert jobs.run_verification_round() == 1
    assert asked_names(session) == ["乙某", "庚某", "甲某", "辛某"]
    clock.advance(days=29)
    assert jobs.run_verification_round() == 1  # 己某, 90 days after their own change
    assert jobs.run_verification_round() == 0  # a second run the same day asks nobody twice


def test_a_member_is_asked_again_one_interval_after_answering_or_after_the_last_ask(
        make_chat, session, clock, send, job_runtime):
    branch = make_branch(session)
    answers = make_member(session, branch, name="甲某", openid="o1", status="away")
    make_member(session, branch, name="乙某", openid="o2", status="away")
    session.commit()
    clock.advance(days=90, minutes=-5)
    make_chat("o1").say("你好")
    clock.advance(minutes=5)
    assert jobs.run_verification_round() == 2
    send()
    clock.advance(days=5)
    assert make_chat("o1").say("没变").startswith("谢谢您的确认！")
    assert last_verified(session, answers.id) == dt.date(2027, 3, 4)

    clock.advance(days=10)  # day 105: 乙某's ask closed unanswered the day before; not asked again
    assert jobs.run_verification_round() == 0
    clock.advance(days=75)  # day 180: 乙某, 90 days after the last ask
    assert jobs.run_verification_round() == 1
    assert asked_names(session) == ["乙某"]
    clock.advance(days=5)  # day 185: 甲某, 90 days after answering
    assert jobs.run_verification_round() == 1
    assert asked_names(session) == ["乙某", "甲某"]


def test_a_chat_change_while_the_ask_is_open_counts_as_corrected(session, clock, job_runtime):
    member = make_member(session, make_branch(session), name="甲某", openid="o1", status="away")
    session.commit()
    clock.advance(days=90)
    jobs.run_verification_round()
    change(session, member.id, "chat", days=95, field="employer")  # e.g. 在顺丰上班了, by chat
    session.commit()
    clock.advance(days=14)
    jobs.run_verification_round()
    session.expire_all()
    ask = session.scalar(select(VerificationAsk))
    assert (ask.outcome, ask.answered_at) == ("corrected", START + dt.timedelta(days=95))


def lapsed_roster(session, liaison_bound: bool = True):
    """白杨村: 甲某 with liaison 李某, 乙某 with none; both bound at the start, neither will answer."""
    branch = make_branch(session)
    branch.secretary_name, branch.secretary_phone = "王某", "13700000001"
    make_member(session, branch, name="王某", phone="13700000001", openid=SECRETARY, status="home")
    person = make_member(session, branch, name="李某", phone="13900000001",
                         openid=LIAISON if liaison_bound else None, status="home")
    liaison = Liaison(member_id=person.id, branch_id=branch.id)
    session.add(liaison)
    session.flush()
    make_member(session, branch, name="甲某", phone="13800000011", openid="o1", status="away",
                current_province="江苏", current_city="苏州", liaison_id=liaison.id)
    make_member(session, branch, name="乙某", phone="13800000012", openid="o2", status="away",
                current_province="浙江", current_city="宁波")
    session.commit()


def lapse(make_chat, clock, send, *readers: str) -> None:
    """The round asks on day 90; on day 104, the readers having written that morning, it closes."""
    clock.advance(days=90)
    jobs.run_verification_round()
    send()
    clock.advance(days=14, minutes=-5)
    for openid in readers:
        make_chat(openid).say("你好")
    clock.advance(minutes=5)
    jobs.run_verification_round()
    send()


def test_members_no_liaison_can_be_told_about_go_on_the_secretarys_list(make_chat, session, app, clock, send,
                                                                        job_runtime):
    lapsed_roster(session, liaison_bound=False)
    lapse(make_chat, clock, send, SECRETARY)
    assert inbox(app, SECRETARY) == [("custom", "【信息核对未确认】以下2名党员没有在14天内确认登记的信息，"
                                      "请电话联系核实，有变化请告诉支部更新：\n"
                                      "1. 甲某（138****0011），江苏 苏州，从未发过消息，联络员未绑定微信\n"
                                      "2. 乙某（138****0012），浙江 宁波，从未发过消息，无联络员")]


def test_a_liaison_outside_the_window_gets_a_template_now_and_the_list_on_their_next_message(
        make_chat, session, app, clock, send, job_runtime):
    lapsed_roster(session)
    make_chat(LIAISON).say("你好")  # long ago: their window is closed when the list goes
    lapse(make_chat, clock, send, SECRETARY)
    assert inbox(app, LIAISON) == [("template", "thing1: 1名党员未确认信息\nthing2: 白杨村党支部\n"
                                                "time3: 2027-03-13 09:00\nthing4: 回复任意消息查看名单")]
    assert inbox(app, SECRETARY)[0][1].endswith("1. 乙某（138****0012），浙江 宁波，从未发过消息，无联络员")
    make_chat(LIAISON).say("收到")
    assert send() == 1
    assert inbox(app, LIAISON)[1] == ("custom", "【信息核对未确认】以下1名党员没有在14天内确认登记的信息，"
                                                "请电话联系核实，有变化请告诉支部更新：\n"
                                                "1. 甲某（138****0011），江苏 苏州，从未发过消息")


def test_a_member_nobody_can_be_told_about_is_logged(make_chat, session, clock, send, job_runtime, caplog):
    member = make_member(session, make_branch(session), name="甲某", phone="13800000011", openid="o1",
                         status="away")
    session.commit()
    with caplog.at_level(logging.ERROR):
        lapse(make_chat, clock, send)
    assert any("甲某 (138****0011, 白杨村党支部)" in r.getMessage() for r in caplog.records
               if r.levelno == logging.ERROR)
    assert session.scalar(select(VerificationAsk.outcome).where(VerificationAsk.member_id == member.id)) \
        == "unanswered"


def test_the_export_shows_the_last_verification(make_chat, session, clock, send, job_runtime, tmp_path):
    member = make_member(session, make_branch(session), name="甲某", openid="o1", status="away")
    session.commit()
    clock.advance(days=90)
    jobs.run_verification_round()
    make_chat("o1").say("你好")
    send()
    clock.advance(days=3, hours=2)
    make_chat("o1").say("确认")
    export_members(session, tmp_path / "台账.xlsx", org_ids=None, title="示例区", now=clock.now())
    rows = list(openpyxl.load_workbook(tmp_path / "台账.xlsx").active.values)
    assert rows[2][rows[1].index("最近核实")] == dt.datetime(2027, 3, 2, 11, 0)
    assert last_verified(session, member.id) == dt.date(2027, 3, 2)


@pytest.mark.parametrize("env, message", [
    ({"KITELINE_VERIFICATION__SEND_TIME": "9点"}, "verification.send_time: "),
    ({"KITELINE_VERIFICATION__REPLY_WINDOW_DAYS": "90"}, "verification: reply_window_days (90) must be shorter"),
    ({"KITELINE_VERIFICATION__INTERVAL_DAYS": "0"}, "verification.interval_days: "),
])
def test_a_bad_verification_setting_is_named(env, message):
    with pytest.raises(ConfigError) as err:
        load_settings(CONFIG_FILE, env=env)
    assert str(err.value).startswith(message)


def test_the_report_keeps_to_one_organisation_and_says_when_nobody_was_asked(session, db_url):
    make_branch(session)
    session.commit()
    cli = ["--config", str(CONFIG_FILE), "report", "verification"]
    env = {"KITELINE_DATABASE__URL": db_url}
    quiet = CliRunner().invoke(main, [*cli, "--org", "红柳镇"], env=env)
    assert quiet.exit_code == 0, quiet.output
    assert quiet.output.splitlines() == ["信息核对情况（最近 90 天询问的，红柳镇）", "这段时间没有询问过任何党员。"]
    unknown = CliRunner().invoke(main, [*cli, "--org", "沙河村党支部"], env=env)
    assert unknown.exit_code == 2 and "沙河村党支部" in unknown.output


def test_a_question_still_waiting_when_its_window_ends_is_never_sent(make_chat, session, app, clock, send,
                                                                     job_runtime, db_url):
    """甲某 was silent all along: the question waited for a message that came only after the
    round had closed the ask and put them on the liaison's list. Asking them to answer by a day
    already past would be wrong: the question is withdrawn, and the ask stays 未回复."""
    lapsed_roster(session)
    lapse(make_chat, clock, send, LIAISON, SECRETARY)
    assert "1. 甲某（138****0011），江苏 苏州，从未发过消息" in inbox(app, LIAISON)[0][1]
    member = make_chat("o1")
    assert not (member.say("没变") or "").startswith("谢谢您的确认")
    send()
    assert not any("【信息核对】" in text for _, text in inbox(app, "o1"))
    report = CliRunner().invoke(main, ["--config", str(CONFIG_FILE), "report", "verification", "--days", "36500"],
                                env={"KITELINE_DATABASE__URL": db_url})
    assert report.exit_code == 0, report.output
    assert report.output.splitlines()[2] == "白杨村党支部        2       0       0       2       0"
