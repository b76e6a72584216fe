"""A whole verification round (定期核查), as the members, their liaison and the secretary live it.

A branch has five members away from home, bound to WeChat at the start (29 November, 09:00).
Ninety days later, at the round's send time, each is asked to confirm what is on file: one
confirms, one corrects their city, one chats about something else first and then confirms,
one never answers, and one, whose 48-hour window is closed, gets the question on their next
message. Fourteen days on the liaison gets one list of who did not confirm.
"""
from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from bot.cli import main
from models.member import Liaison, Member, MemberChange
from models.verification.asks import VerificationAsk
from models.verification.freshness import last_verified
from scheduler import jobs
from tests.conftest import CONFIG_FILE
from tests.factories import make_branch, make_member

pytestmark = pytest.mark.postgres

LIAISON, SECRETARY = "oKite_liaison_0001", "oKite_secretary_0001"
DAY = dt.timedelta(days=1)


def roster(session) -> dict[str, int]:
    """The branch: liaison 李某, secretary 王某, and five away members in 苏州 with 李某 as liaison."""
    branch = make_branch(session)
    branch.secretary_name, branch.secretary_phone = "王某", "13700000001"
    make_member(session, branch, name="王某", phone="13700000001", openid=SECRETARY, status="home")
    person = make_member(session, branch, name="李某", phone="13900000001", openid=LIAISON, status="home")
    liaison = Liaison(member_id=person.id, branch_id=branch.id)
    session.add(liaison)
    session.flush()
    ids = {}
    for n, name in enumerate(("张某明", "赵某", "钱某", "孙某", "吴某"), start=1):
        ids[name] = make_member(session, branch, name=name, phone=f"1380000{n:04d}", openid=f"oKite_m{n}",
                                status="away", current_province="江苏", current_city="苏州",
                                employer="某某物流", liaison_id=liaison.id).id
    session.commit()
    return ids


def inbox(app, openid: str) -> list[tuple[str, str]]:
    return [(m["channel"], m["text"]) for m in app.test_client().get(f"/sandbox/messages/{openid}").get_json()]


def asked(n: int, name: str) -> str:
    return (f"【信息核对】{name}您好！为了及时联系和服务在外党员，支部每90天请您核对一次登记的信息：\n"
            f"流动去向：江苏 苏州\n手机号：138****{n:04d}\n工作单位：某某物流\n"
            "信息没有变化，请回复“没变”；有变化，直接告诉我新的，例如“现在在无锡”或“手机换了13800005678”。"
            "请在3月13日前回复，谢谢！")


def test_a_whole_round(make_chat, session, app, send, clock, job_runtime, db_url, tmp_path):
    ids = roster(session)
    chats = {name: make_chat(f"oKite_m{n}") for n, name in enumerate(ids, start=1)}
    clock.advance(days=90, minutes=-5)  # 27 February, 08:55: four members wrote this morning
    for name in ("张某明", "赵某", "钱某", "孙某"):
        chats[name].say("你好")
    clock.advance(minutes=5)
    assert jobs.run_verification_round() == 5
    assert send() == 4
    assert inbox(app, "oKite_m1") == [("custom", asked(1, "张某明"))]
    assert inbox(app, "oKite_m5") == []  # window closed: waits for 吴某's next message

    assert chats["张某明"].say("没变") == ("谢谢您的确认！登记的信息已核实：\n流动去向：江苏 苏州\n"
                                        "手机号：138****0001\n工作单位：某某物流\n以后有变化，随时告诉我就行。")
    assert chats["赵某"].say("换了 现在在无锡") == ("已为您更新：\n流动去向：江苏 无锡\n谢谢您，信息已核实。"
                                              "如有不对，直接把正确的发给我就行。")
    assert "学习" in (chats["钱某"].say("学习") or "")
    assert chats["钱某"].say("👍").startswith("谢谢您的确认！")
    assert chats["吴某"].say("你好") is not None
    assert send() == 1
    assert inbox(app, "oKite_m5") == [("custom", asked(5, "吴某"))]
    assert chats["吴某"].say("是的").startswith("谢谢您的确认！")

    session.expire_all()
    outcomes = {a.member.name: a.outcome for a in session.scalars(select(VerificationAsk))}
    assert outcomes == {"张某明": "confirmed", "赵某": "corrected", "钱某": "confirmed", "孙某": None,
                        "吴某": "confirmed"}
    change = session.scalar(select(MemberChange).where(MemberChange.member_id == ids["赵某"]))
    assert (change.field, change.old_value, change.new_value, change.source) == (
        "current_city", "苏州", "无锡", "verification")

    clock.advance(days=1)
    assert jobs.run_verification_round() == 0  # nobody is asked twice

    clock.advance(days=13)  # 13 March, 09:00: the reply window is over
    liaison = make_chat(LIAISON)
    liaison.say("你好")
    assert jobs.run_verification_round() == 0
    assert send() == 1
    assert inbox(app, LIAISON) == [("custom", "【信息核对未确认】以下1名党员没有在14天内确认登记的信息，"
                                    "请电话联系核实，有变化请告诉支部更新：\n"
                                    "1. 孙某（138****0004），江苏 苏州，14天没有联系")]
    assert last_verified(session, ids["张某明"]) == dt.date(2027, 2, 27)

    report = CliRunner().invoke(main, ["--config", str(CONFIG_FILE), "report", "verification", "--days", "36500",
                                       "--xlsx", str(tmp_path / "核对.xlsx")], env={"KITELINE_DATABASE__URL": db_url})
    assert report.exit_code == 0, report.output
    assert report.output.splitlines()[1:4] == [
        "党支部              已询问  已确认  已更正  未回复  待回复",
        "白杨村党支部        5       3       1       1       0",
        "合计                5       3       1       1       0"]
    book = openpyxl.load_workbook(tmp_path / "核对.xlsx")
    assert list(book["核对情况"].values)[1:] == [("党支部", "已询问", "已确认", "已更正", "未回复", "待回复"),
                                             ("白杨村党支部", 5, 3, 1, 1, 0), ("合计", 5, 3, 1, 1, 0)]
    assert list(book["未确认名单"].values)[1:] == [
        ("白杨村党支部", "孙某", "138****0004", "江苏 苏州", dt.datetime(2027, 2, 27), "未回复")]


def test_the_readme_round_through_the_sandbox_clock(make_chat, session, app, clock, send):
    """README's sequence: bound at 02:44, 90 days on is still before that day's 09:00 round;
    09:05 of that day asks; 15 days later the one who did not answer is on the liaison's list."""
    ids = roster(session)
    for member_id in ids.values():  # bound at 02:44 Beijing time on 30 November
        session.get(Member, member_id).bound_at = dt.datetime(2026, 11, 29, 18, 44, tzinfo=dt.timezone.utc)
    session.commit()
    api = app.test_client()

    def move(**body) -> list[str]:
        resp = api.post("/sandbox/clock", json=body)
        assert resp.status_code == 200, resp.get_data(as_text=True)
        return [r["job"] for r in resp.get_json()["ran"]]

    clock.advance(hours=17, minutes=44)  # 02:44 Beijing time, the day after the roster's start
    m1 = make_chat("oKite_m1")
    m1.say("你好")
    m1.clock = app.extensions["kiteline"].clock  # sign by the service's time, which the moves carry
    assert "verification_round" in move(advance_seconds=90 * 86400)
    assert session.scalar(select(func.count()).select_from(VerificationAsk)) == 0  # 02:44: not yet
    assert "verification_round" in move(set="2027-02-28T09:05")
    assert session.scalar(select(func.count()).select_from(VerificationAsk)) == 5
    m1.say("你好")  # their window had closed: the question arrives after this message
    # the question, and the fourth quarter's thought-report reminder (15 December) waiting since
    # (serve's dispatcher is woken by the message)
    assert send() == 2
    assert m1.say("没变").startswith("谢谢您的确认！")
    move(advance_seconds=15 * 86400)
    session.expire_all()
    assert sorted(a.outcome for a in session.scalars(select(VerificationAsk))) == ["confirmed", *["unanswered"] * 4]
