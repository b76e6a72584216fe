"""Organisational life by chat: "签到 4821" checks a member in once, within the window around the
start, and earns points; too early, too late, twice, a wrong code or another branch's code gets a
clear answer and stores nothing; "请假 原因" records leave for the branch's next meeting and tells
the secretary; "下次组织生活什么时候" answers the next meetings; the member file counts the year."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from handlers.org_life.leave import wants_leave
from models.ledger_export import export_members
from models.ledger_files import read_table
from models.ledger_import import import_members
from models.meetings import Attendance
from models.org import Organization
from models.points import PointsEntry
from models.tickets import Ticket
from tests.meeting_world import FAR, OTHER, SECRETARY, TITLE, bj, meeting, people

THEME = f"主题党日《{TITLE}》"
NEXT = f"\n本支部下次会议：{THEME}，12月1日（周二）19:30开始，签到时间 19:00-20:30。"
CHECKED_IN = f"签到成功 ✓ {THEME}（今天 19:30）。记入组织生活积分 5 分，发“我的积分”可以查看。"
DETAILS = ("   时间：12月1日（周二）19:30（北京时间）\n"
           "   地点：村委会二楼会议室\n"
           "   线上参加：https://meeting.example.invalid/j/123456\n"
           "   签到：19:00-20:30 之间发“签到”加主持人公布的4位签到码（如“签到 1234”）\n")
LEAVE_HOW = "来不了请发“请假 原因”（如“请假 在外地加班”）。"


@pytest.fixture
def world(session):
    """张某 of 白杨村党支部 (its 主题党日, code 4821) and 红星村党支部's 党课 (code 7305)."""
    zhang = people(session)
    theme = meeting(session, zhang.branch_id)
    far = session.scalar(select(Organization.id).where(Organization.name == "红星村党支部"))
    meeting(session, far, kind="lesson", title="党课", code="7305")
    session.commit()
    return theme


def attendance(session):
    session.expire_all()
    return [(a.member.name, a.status, a.checked_in_at, a.leave_reason)
            for a in session.scalars(select(Attendance).order_by(Attendance.id))]


def points(session):
    session.expire_all()
    return [(e.member_id, e.rule, e.source_kind, e.source_id, e.delta)
            for e in session.scalars(select(PointsEntry).order_by(PointsEntry.id))]


def inbox(app, openid):
    return [(m["channel"], m["text"]) for m in app.test_client().get(f"/sandbox/messages/{openid}").get_json()]


@pytest.mark.postgres
def test_on_time_a_member_checks_in_once_earns_points_and_the_file_counts_it(chat, make_chat, session, clock, world):
    clock.current = bj(12, 1, 19, 35)
    assert chat.say("签到 4821") == CHECKED_IN
    assert attendance(session) == [("张某", "attended", bj(12, 1, 19, 35), None)]
    assert [row[1:] for row in points(session)] == [("org_life", "meeting", world.id, 5)]

    clock.current = bj(12, 1, 19, 50)
    assert chat.say("签到：４８２１") == f"您已经签到过了（今天 19:35 签到，{THEME}），不用再签。"
    assert [row[1:] for row in points(session)] == [("org_life", "meeting", world.id, 5)]  # earned once
    assert "组织生活 5 分" in chat.say("我的积分")

    clock.current = bj(12, 2, 9, 0)  # the meeting is over: 李某 neither came nor asked for leave
    assert "【组织生活】今年参加1次\n" in chat.say("我的档案")
    assert "【组织生活】今年参加0次，缺席1次\n" in make_chat(OTHER).say("我的档案")


def test_a_member_checked_in_before_the_start_is_not_shown_that_meeting_as_next(chat, clock, world):
    """A trial's member checked in at 19:05 for 19:30 and their file still said 下次：今天 19:30."""
    clock.current = bj(12, 1, 19, 5)
    assert "下次：今天 19:30" in chat.say("我的档案")
    chat.say("签到 4821")
    assert "下次" not in chat.say("我的档案").split("【组织生活】", 1)[1].split("\n", 1)[0]


@pytest.mark.parametrize("text", ["签到 4821", "签到４８２１", "签到:4821", "签到　　４８２１", "签到码 4821", "签到4821。"])
def test_the_code_is_read_however_it_is_written(chat, session, clock, world, text):
    clock.current = bj(12, 1, 19, 5)
    assert chat.say(text).startswith("签到成功 ✓")
    assert [status for _, status, _, _ in attendance(session)] == ["attended"]


def test_a_code_in_other_words_or_by_voice_checks_in_too(chat, make_chat, session, clock, world):
    clock.current = bj(12, 1, 19, 40)
    assert chat.voice("签到码四八二一") == CHECKED_IN
    assert make_chat(OTHER).say("👍会开了 我签个到 4821").startswith("签到成功 ✓")
    assert [name for name, *_ in attendance(session)] == ["张某", "李某"]


def test_too_early_too_late_a_wrong_code_and_another_branchs_code_store_nothing(chat, session, clock, world):
    assert chat.say("签到 4821") == (f"{THEME}（12月1日（周二）19:30开始）还没到签到时间：签到从12月1日（周二）19:00开始，"
                                   "到时再发“签到 4821”。")
    clock.current = bj(12, 1, 20, 31)
    assert chat.say("签到 4821") == (f"{THEME}（今天 19:30开始）的签到已经在今天 20:30截止了，这次没有记上签到。"
                                   "确实参加了的话，请告诉支部书记王某（电话 13700000001），由支部补登。")
    clock.current = bj(12, 1, 19, 45)
    today = NEXT.replace("12月1日（周二）", "今天 ")
    assert chat.say("签到 1111") == f"签到码 1111 不对，没有找到这个会议，没有签到。请核对主持人公布的4位签到码再发。{today}"
    assert chat.say("签到 7305") == ("签到码 7305 是其他支部的会议，不是您所在的白杨村党支部的会议，没有签到。"
                                   f"请核对本支部会议主持人公布的签到码。{today}")
    assert chat.say("签到 482") == "签到码是4位数字，“482”不对。请核对主持人公布的签到码，再发“签到 签到码”。"
    assert attendance(session) == [] and points(session) == []


def test_check_in_without_a_code_is_asked_for_it(chat, world):
    assert chat.say("签到") == f"请发“签到”加主持人公布的4位签到码（如“签到 1234”）。{NEXT}"
    assert chat.say("🙋我要签到") == f"请发“签到”加主持人公布的4位签到码（如“签到 1234”）。{NEXT}"


@pytest.mark.postgres
def test_leave_is_recorded_for_the_next_meeting_and_reaches_the_secretary(chat, make_chat, session, app, send,
                                                                         clock, world):
    secretary = make_chat(SECRETARY)
    secretary.say("你好")  # the secretary's window is open: the notice goes at once
    send()
    assert chat.say("请假") == "好的，请把请假原因一起发给我，例如“请假 在外地加班”，我记下后告诉支部书记。"
    assert attendance(session) == []
    assert chat.say("请假 家里有事") == (f"已记下您12月1日（周二）19:30的{THEME}请假，原因：家里有事，已告诉支部书记。"
                                      "会后记得补学会议内容。")
    send()
    assert inbox(app, SECRETARY)[-1] == ("custom", f"【组织生活请假】张某请假：12月1日（周二）19:30 {THEME}。原因：家里有事。")
    assert chat.say("我下次组织生活来不了 孩子病了") == (
        f"已更新您12月1日（周二）19:30的{THEME}的请假原因：我下次组织生活来不了 孩子病了。")
    assert attendance(session) == [("张某", "leave", None, "我下次组织生活来不了 孩子病了")]
    assert "1. 主题党日《学习贯彻党的二十届三中全会精神》（您已请假）\n" in chat.say("下次组织生活什么时候")

    clock.current = bj(12, 1, 19, 40)  # came after all: attended, the leave kept beside it
    assert chat.say("签到 4821") == CHECKED_IN
    assert attendance(session) == [("张某", "attended", bj(12, 1, 19, 40), "我下次组织生活来不了 孩子病了")]
    assert chat.say("请个假 厂里加班") == f"您已经在今天 19:30的{THEME}签到了，不用再请假。"


def test_leave_in_many_words(make_chat, session, world):
    assert make_chat(OTHER).say("请个假 厂里这周加班").startswith("已记下您12月1日（周二）19:30的")
    assert make_chat(FAR).say("这次党课我去不了 孩子住院了").startswith("已记下您12月1日（周二）19:30的党课请假")
    assert [(name, reason) for name, _, _, reason in attendance(session)] == [
        ("李某", "厂里这周加班"), ("赵某", "这次党课我去不了 孩子住院了")]


@pytest.mark.parametrize("text, reason", [
    ("请假。。家里老人住院了 去不了", "家里老人住院了 去不了"), ("请假 老婆生孩子 在医院陪护", "老婆生孩子 在医院陪护"),
])
def test_leave_whose_reason_tells_of_illness_or_family_is_leave_not_a_help_request(chat, session, world, text,
                                                                                    reason):
    """A trial's member wrote these: the router heard 住院 and 生孩子 as help to file; a message
    opening with 请假 is leave."""
    assert chat.say(text).startswith("已记下您12月1日（周二）19:30的")
    assert attendance(session) == [("张某", "leave", None, reason)]
    assert session.scalar(select(func.count()).select_from(Ticket)) == 0


def test_leave_for_tomorrow_when_the_meeting_is_tonight_is_asked_about_not_recorded(chat, session, clock, world):
    """A trial's member wrote 明天开会我去不了 on the day of a meeting: leave was recorded for
    tonight's."""
    clock.current = bj(12, 1, 9, 0)
    assert chat.say("明天开会我去不了 孩子发烧") == (
        f"白杨村党支部下一次组织生活是今天 19:30的{THEME}，您说的那天没有安排。要请这次的假，请发“请假 原因”。")
    assert attendance(session) == []
    clock.current = bj(11, 30, 9, 0)  # the day before: tomorrow's meeting is the one
    assert chat.say("明天开会我去不了 孩子发烧").startswith(f"已记下您明天（周二）19:30的{THEME}请假")
    assert attendance(session) == [("张某", "leave", None, "明天开会我去不了 孩子发烧")]


def test_with_no_meeting_coming_leave_and_questions_get_a_clear_answer(chat, session, clock, world):
    clock.current = bj(12, 2, 9, 0)
    assert chat.say("请假 家里有事") == ("白杨村党支部近期还没有安排组织生活，不用请假。会议定下来后我会发通知给您。"
                                      "如果是遇到了难处要帮忙，发“求助”加上情况，我转给联络员。")
    assert chat.say("最近有什么会") == ("白杨村党支部近期还没有安排组织生活。会议定下来后我会发通知给您；想先问问，"
                                  "请联系白杨村党支部（电话 0471-5550001），也可以拨打服务热线 0471-12345678（工作日 9:00-17:30）。")
    assert attendance(session) == []


def test_the_next_meetings_with_time_place_and_how_to_check_in(chat, session, world):
    meeting(session, world.org_id, kind="lesson", title="党课", code=None, start=bj(12, 8, 20, 0), place=None)
    session.commit()
    both = chat.say("下次组织生活什么时候")
    assert both.startswith(f"白杨村党支部接下来的组织生活：\n1. {THEME}\n{DETAILS}2. 党课\n"
                           "   时间：12月8日（周二）20:00（北京时间）\n   线上参加：")
    assert both.endswith(LEAVE_HOW)
    assert chat.say("主题党日是哪天") == f"白杨村党支部接下来的组织生活：\n1. {THEME}\n{DETAILS}{LEAVE_HOW}"
    assert chat.say("支部委员会哪天开").startswith("支部委员会近期还没有安排。白杨村党支部接下来的组织生活：\n1. ")


@pytest.mark.postgres
def test_the_ledger_export_counts_the_year_and_imports_back_unchanged(chat, session, clock, tmp_path, world):
    clock.current = bj(12, 1, 19, 35)
    chat.say("签到 4821")
    clock.current = bj(12, 10, 9, 0)
    path = tmp_path / "台账.xlsx"
    assert export_members(session, path, org_ids=None, title="台账", now=clock.now()) == 4
    rows = read_table(path)
    column = rows[1].index("组织生活")
    assert {row[1]: row[column] if len(row) > column else None for row in rows[2:]} == {
        "王某": "今年参加0次，缺席1次", "张某": "今年参加1次", "李某": "今年参加0次，缺席1次", "赵某": "今年参加0次，缺席1次"}
    report = import_members(session, rows, district="示例区", create_orgs=False, now=clock.now(), changed_by="台账.xlsx")
    assert (report.unused_columns, report.created, report.updated, report.unchanged) == ([], 0, 0, 4)


@pytest.mark.parametrize(("text", "leave"), [
    ("请假 家里有事", True), ("请个假 厂里加班", True), ("我下次组织生活来不了 家里有事", True),
    ("这次党日能请假吗 我在外地回不去", True), ("今晚的会我走不开", True), ("俺这回党课听不了", True),
    ("这周开不开会", False), ("请假怎么请", False), ("组织生活会请假找谁", False), ("上次的支部大会我没去成 要补什么吗", False),
    ("开会的链接发我一下", False),
])
def test_what_counts_as_asking_for_leave(text, leave):
    assert wants_leave(text) is leave
