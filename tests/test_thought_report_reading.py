"""The branch secretary reads (阅) a member's thought report from WeChat: lists what waits
(待阅), reads one whole by its number, acknowledges it once with a comment that reaches the
member. Nobody else may — another branch's secretary, a liaison, the member — and each is told
so. Members see their own (我的思想汇报, 我的档案); once a quarter those who handed in none are
reminded, once; the ledger export shows the latest report and still imports."""
from __future__ import annotations

import datetime as dt

import pytest

from models.ledger_export import HEADER, export_members
from models.ledger_files import read_table
from models.ledger_import import import_members
from scheduler.jobs import remind_thought_reports
from tests.thought_report_world import (
    LIAISON,
    MEMBER,
    OTHER_SECRETARY,
    QIAN,
    REPORT,
    SECRETARY,
    TOWNSHIP,
    inbox,
    queued,
    reports,
    thought_world,
)


@pytest.fixture
def people(session):
    return thought_world(session)

READ = "已阅编号 S20261129001（张某2026年第4季度的思想汇报），意见已转告张某。"
COMMENT = "写得很实在，在外也不忘学习，继续保持！"


@pytest.fixture
def handed_in(chat, people):
    """张某 handed in REPORT (S20261129001) and has written since, so their window is open."""
    chat.say(f"思想汇报：{REPORT}")
    chat.advance(hours=1)
    return people


@pytest.mark.postgres
def test_the_secretarys_comment_reaches_the_member_and_a_second_read_is_refused(
        chat, make_chat, session, app, send, handed_in):
    secretary = make_chat(SECRETARY)
    assert secretary.say("待阅") == (
        "等您阅的思想汇报（1 篇，最早的在前）：\n"
        "· S20261129001 张某（11月29日交，2026年第4季度）：“这个季度我在苏州的工地上班，工资按时发了。业余时间坚持打开学…”\n"
        "看全文请回复编号，如“S20261129001”；阅后请回复“阅 编号 意见”（意见可不写）。")
    assert secretary.say("S20261129001") == (
        f"编号 S20261129001：张某（白杨村党支部，电话 13800001234）11月29日交的2026年第4季度思想汇报，共 {len(REPORT)} 字，"
        f"待阅：\n{REPORT}\n阅后请回复“阅 S20261129001 意见”（意见可不写）。")
    assert secretary.say(f"阅 S20261129001 {COMMENT}") == READ
    assert reports(session) == [("S20261129001", "张某", "2026Q4", REPORT, "王某", COMMENT)]
    send()
    assert inbox(app, MEMBER) == [("custom", f"您交的2026年第4季度思想汇报（编号 S20261129001）王某已阅。意见：{COMMENT}")]
    assert secretary.say("阅 S20261129001 好") == (
        f"编号 S20261129001 的思想汇报已经阅过了（王某11月29日阅，意见：{COMMENT}），不用再发。")
    assert reports(session)[0][-1] == COMMENT
    assert secretary.say("待阅") == "现在没有等您阅的思想汇报。党员交了我会马上通知您。"


@pytest.mark.parametrize("text", ["阅S20261129001", "阅 20261129001", "阅　Ｓ２０２６１１２９００１", "已阅 s20261129001。",
                                  "阅 编号S20261129001"])
def test_read_without_a_comment_however_it_is_written(make_chat, session, app, send, handed_in, text):
    assert make_chat(SECRETARY).say(text) == "已阅编号 S20261129001（张某2026年第4季度的思想汇报），已告诉张某。"
    send()
    assert inbox(app, MEMBER) == [("custom", "您交的2026年第4季度思想汇报（编号 S20261129001）王某已阅。谢谢您向组织汇报思想！")]


def test_the_township_contact_above_may_read_it_too(make_chat, session, handed_in):
    assert make_chat(TOWNSHIP).say("阅 S20261129001 收到") == READ
    assert reports(session)[0][4:] == ("孙某", "收到")


def test_nobody_else_may_read_it_and_each_is_told_why(chat, make_chat, session, handed_in):
    assert make_chat(OTHER_SECRETARY).say("阅 S20261129001 好") == (
        "编号 S20261129001 的思想汇报不是您负责的支部的党员交的，由党员所在支部的书记阅。发“待阅”可以看等您阅的思想汇报。")
    assert make_chat(OTHER_SECRETARY).say("S20261129001") == (
        "没有找到您能阅的编号 S20261129001 的思想汇报，请核对编号。发“待阅”可以看等您阅的思想汇报。")
    assert make_chat(OTHER_SECRETARY).say("待阅") == "现在没有等您阅的思想汇报。党员交了我会马上通知您。"
    not_theirs = ("“阅”和“待阅”是支部书记阅党员思想汇报用的。您交的思想汇报，书记阅后我会告诉您意见；"
                  "发“我的思想汇报”可以查看。")
    assert make_chat(LIAISON).say("阅 S20261129001 好") == not_theirs
    assert make_chat(QIAN).say("待阅") == not_theirs
    assert make_chat(SECRETARY).say("阅 S20261129009 好") == (
        "没有找到编号 S20261129009 的思想汇报，请核对编号再发。发“待阅”可以看等您阅的思想汇报。")
    assert chat.say("阅 S20261129001 好") == "您交的思想汇报 S20261129001 2026年第4季度（11月29日交）：待阅"
    assert make_chat(QIAN).say("S20261129001") == (
        "没有找到您交的编号 S20261129001 的思想汇报，请核对编号。发“我的思想汇报”可以看交过的。")
    assert reports(session)[0][4:] == (None, None)


def test_a_secretary_cannot_read_their_own(make_chat, session, people):
    secretary = make_chat(SECRETARY)
    secretary.say(f"思想汇报：{REPORT}")
    assert secretary.say("阅 S20261129001 好") == "编号 S20261129001 是您自己交的思想汇报，由上级党组织阅，不能自己阅。"
    assert make_chat(TOWNSHIP).say("待阅").startswith("等您阅的思想汇报（1 篇，最早的在前）：\n· S20261129001 王某")


def test_a_comment_too_long_is_not_kept(make_chat, session, handed_in):
    assert make_chat(SECRETARY).say("阅 S20261129001 " + "好" * 501) == (
        "意见有 501 字，太长了，请控制在 500 字以内再发（这次没有记下）。")
    assert reports(session)[0][4:] == (None, None)


def test_the_member_sees_what_they_handed_in_and_its_comment(chat, make_chat, handed_in):
    make_chat(SECRETARY).say(f"阅 S20261129001 {COMMENT}")
    chat.advance(days=2)
    chat.say(f"思想汇报：补充：{REPORT}")
    assert chat.say("我的思想汇报") == (
        "您交过的思想汇报（共 2 篇，新的在前）：\n"
        "· S20261201001 2026年第4季度（12月1日交）：待阅\n"
        f"· S20261129001 2026年第4季度（11月29日交）：王某已阅，意见：{COMMENT}\n"
        "想再交一篇，发“思想汇报”。")
    assert chat.say("S20261129001") == f"您交的思想汇报 S20261129001 2026年第4季度（11月29日交）：王某已阅，意见：{COMMENT}"
    file = chat.say("我的档案")
    assert "\n【思想汇报】今年交了 2 篇；最近一篇 2026-12-01（S20261201001），待阅\n" in file


def test_before_any_report_the_list_and_the_file_say_how(chat, people):
    assert chat.say("我的思想汇报") == "您还没有交过思想汇报。发“思想汇报”就能开始写，也可以一条消息发“思想汇报：”加上全文。"
    assert "\n【思想汇报】还没有交过（发“思想汇报”就能交）\n" in chat.say("我的档案")


REMINDER = ("钱某同志，您好！2026年第4季度的思想汇报您还没有交。写好后发“思想汇报：”加上全文；"
            "或者先发“思想汇报”，再一段一段发给我（打字、语音都行），写完发“提交”。交一篇记 5 分。")


def test_the_reminder_goes_once_a_quarter_to_those_without_a_report(chat, clock, session, job_runtime, handed_in):
    assert remind_thought_reports() == 5  # everyone bound but 张某 (周某 has no WeChat)
    rows = queued(session, "thought_report_reminder")
    assert sorted(r.payload["content"].split("同志")[0] for r in rows) == ["孙某", "李某", "王某", "赵某", "钱某"]
    assert next(r.payload["content"] for r in rows if r.openid == QIAN) == REMINDER
    clock.advance(days=10)  # a rerun, a clock jump within the quarter: nobody twice
    assert remind_thought_reports() == 0
    chat.say("钱某也想交")  # 张某 writes again; nothing changes for the reminder
    clock.advance(days=40)  # January: a new quarter
    assert remind_thought_reports() == 6
    assert len(queued(session, "thought_report_reminder")) == 11


def test_the_ledger_export_shows_the_latest_report_and_imports_back_unchanged(chat, session, tmp_path, handed_in):
    path = tmp_path / "台账.xlsx"
    later = handed_in.created_at + dt.timedelta(days=3)
    export_members(session, path, org_ids=None, title="示例区流动党员台账", now=later)
    rows = read_table(path)
    assert rows[1] == HEADER and "最近思想汇报" in HEADER
    zhang = next(r for r in rows[2:] if r[1] == "张某")
    assert zhang[HEADER.index("最近思想汇报")] == dt.datetime(2026, 11, 29)
    report = import_members(session, rows, district="示例区", create_orgs=False, now=later, changed_by="台账.xlsx")
    assert report.summary().startswith("导入完成：新增 0 人，更新 0 人，无变化 7 人；有问题的行 0 行（未导入）。")
    assert "未识别的列" not in report.summary()
