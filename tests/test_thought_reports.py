"""A member hands in a thought report (思想汇报) by chat — in one message, or paragraph by
paragraph (typed or spoken) until 提交, a preview and 确认 — and it is stored whole with its number
and quarter, earns points within the caps, and reaches the branch secretary. Bad input (10,000
characters, only emoji, a few characters, 取消) gets a kind, clear answer and nothing is stored."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from models.dialog import DialogState
from models.tickets import Ticket
from tests.thought_report_world import (
    REPORT,
    SECRETARY,
    inbox,
    points,
    queued,
    reports,
    thought_world,
)


@pytest.fixture
def people(session):
    return thought_world(session)

KEPT = "草稿保存 24 小时（每发一段重新计时），超时没提交会作废。"
RECEIVED = (f"已收到您的思想汇报（编号 S20261129001，2026年第4季度，共 {len(REPORT)} 字）。已转给支部书记王某阅，阅后我会把意见告诉您。"
            "记入积分 5 分。发“我的思想汇报”可以查看。")
NOTICE = (f"【思想汇报待阅 S20261129001】白杨村党支部党员张某交了2026年第4季度的思想汇报（共 {len(REPORT)} 字）："
          f"“{REPORT}”。看全文请回复“S20261129001”；阅后请回复“阅 S20261129001 意见”（意见可不写），我会转告本人。")
START_DRAFT = ("张某，写思想汇报可以一段一段发给我（打字、语音都行），我先替您记着；也可以一条消息发“思想汇报：”加上全文。"
               f"交一篇记 5 分，一篇最多 5000 字。\n请发第一段；写完发“提交”，不写了发“取消”。{KEPT}")
FIRST = "这个季度在外面打工，坚持每周打开学习资料，也参加了线上组织生活。"
SPOKEN = "第二段 我觉得自己还要多向身边的老党员学习 遇到困难多和支部沟通"
NOTHING_STORED = []


@pytest.mark.postgres
def test_one_message_is_stored_at_once_earns_points_and_reaches_the_secretary(chat, make_chat, session, app, send,
                                                                             people):
    assert chat.say(f"思想汇报：{REPORT}") == RECEIVED
    assert reports(session) == [("S20261129001", "张某", "2026Q4", REPORT, None, None)]
    assert points(session) == [(people.id, "thought_report", "thought_report", 1, 5)]
    notice, = queued(session, "thought_report")
    # the secretary has not written lately: the template goes at once, the text on their next message
    assert notice.payload["fallback_template"] == {"template_id": "kiteline_thought_report", "data": {
        "thing1": {"value": "张某交了思想汇报"}, "character_string2": {"value": "S20261129001"},
        "time3": {"value": "2026-11-29 09:00"}, "thing4": {"value": "请阅后回复意见"}}}
    make_chat(SECRETARY).say("你好")  # once they write, the whole notice reaches them
    send()
    assert inbox(app, SECRETARY) == [("custom", NOTICE)]


@pytest.mark.parametrize("text", [f"思想汇报:{REPORT}", f"思想汇报：\n{REPORT}", f"交思想汇报：{REPORT}",
                                  f"思想汇报（第四季度）：{REPORT}", f"思想汇报 {REPORT}", f"思想汇报{REPORT}",
                                  f"思想匯報：{REPORT}"])
def test_the_heading_is_read_with_any_colon_or_none(chat, session, people, text):
    assert chat.say(text) == RECEIVED
    assert [r[3] for r in reports(session)] == [REPORT]


@pytest.mark.parametrize("text", [
    "交思想汇报：新的一年在杭州做点小生意，按时参加线上学习，争取年底把组织关系转过来，多为身边的人做点实事。",
    "思想汇报：我现在在东莞的电子厂上班，换了新工作，平时坚持学习，遵守纪律，按时参加组织生活",
    "思想汇报：今年过年回村参加了义务清扫，以后要多参加志愿服务，多为家乡做实事",
])
def test_a_headed_report_is_handed_in_whatever_else_its_words_name(chat, session, people, text):
    """A trial's reports, each read by the router as another request (a transfer, a move, a
    volunteer claim) and lost: with its heading and colon a report is a report."""
    city, employer = people.current_city, people.employer
    assert chat.say(text).startswith("已收到您的思想汇报（编号 S20261129001")
    assert [r[3] for r in reports(session)] == [text.split("：", 1)[1]]
    session.expire_all()
    assert (people.current_city, people.employer) == (city, employer)  # no move, no new employer read into it


def test_paragraphs_typed_and_spoken_until_submit_with_a_preview(chat, session, people):
    assert chat.say("我要写思想汇报") == START_DRAFT
    assert chat.say(FIRST) == f"收到第 1 段。已写 1 段，共 32 字。接着发下一段；写完发“提交”，不写了发“取消”。{KEPT}"
    chat.advance(hours=3)  # an evening's writing: the draft waits
    assert chat.voice(SPOKEN) == f"收到第 2 段。已写 2 段，共 65 字。接着发下一段；写完发“提交”，不写了发“取消”。{KEPT}"
    assert reports(session) == NOTHING_STORED
    assert chat.say("写完了 提交") == (
        f"请确认：这篇思想汇报共 2 段、65 字，开头是“{FIRST}\n第二段 我觉得…”，结尾是“…向身边的老党员学习 遇到困难多和支部沟通”。"
        f"回复“确认”交给支部书记；还要补充就接着发；不交了发“取消”。{KEPT}")
    assert chat.say("确认").startswith("已收到您的思想汇报（编号 S20261129001，2026年第4季度，共 65 字）。")
    assert reports(session) == [("S20261129001", "张某", "2026Q4", f"{FIRST}\n{SPOKEN}", None, None)]


def test_the_preview_can_be_added_to_or_dropped_with_cancel(chat, session, people):
    chat.say("思想汇报")
    chat.say(FIRST)
    chat.say("提交")
    assert chat.say("继续写").startswith("好的，接着写。已写 1 段，共 32 字。")
    chat.say(SPOKEN)
    assert chat.say("提交").startswith("请确认：这篇思想汇报共 2 段、65 字")
    assert chat.say("取消") == "好的，这篇思想汇报没有提交，写的内容已放弃。想交的时候再发“思想汇报”。"
    assert reports(session) == NOTHING_STORED and points(session) == []
    assert chat.say("提交") == ("现在没有正在写的思想汇报（超过 24 小时没提交的草稿会作废）。想交的话发“思想汇报”一段一段写，"
                              "也可以一条消息发“思想汇报：”加上全文。")


def test_help_asks_again_and_a_clear_other_request_ends_the_draft_saying_so(chat, session, people):
    chat.say("思想汇报")
    chat.say(FIRST)
    assert chat.say("帮助") == f"已写 1 段，共 32 字。接着发下一段；写完发“提交”，不写了发“取消”。{KEPT}"
    assert chat.say("我的积分").startswith(
        "刚才写的思想汇报（1 段，共 32 字）还没有提交，没有保存；想交的话请重新发“思想汇报”。\n您现在还没有积分。")
    assert reports(session) == NOTHING_STORED


def test_an_explicit_help_request_mid_draft_is_filed_not_written_down(chat, session, people):
    """A trial's member asked for help in so many words while writing; it became paragraph 2."""
    chat.say("思想汇报")
    chat.say(FIRST)
    reply = chat.say("求助 老板拖欠了三个月工资 现在没钱吃饭了 怎么办啊 能不能帮帮我")
    assert reply.startswith("刚才写的思想汇报（1 段，共 32 字）还没有提交，没有保存；想交的话请重新发“思想汇报”。\n")
    assert "Q20261129001" in reply
    assert session.scalar(select(func.count()).select_from(Ticket)) == 1
    assert reports(session) == NOTHING_STORED


@pytest.mark.parametrize("text", ["思想汇报交给谁", "思想汇报发给谁啊", "思想汇报找谁交"])
def test_asking_who_reads_reports_names_the_reader_and_starts_nothing(chat, session, people, text):
    assert chat.say(text) == ("您的思想汇报由支部书记王某阅，发给我就行，我转交并把意见告诉您。"
                              "发“思想汇报”一段一段写，或者一条消息发“思想汇报：”加上全文。")
    assert session.scalar(select(func.count()).select_from(DialogState)) == 0  # no draft was opened
    assert reports(session) == NOTHING_STORED


def test_a_draft_left_past_its_time_is_said_to_have_lapsed(chat, session, people):
    chat.say("思想汇报")
    chat.say(FIRST)
    chat.advance(hours=25)
    lapsed = ("刚才写的思想汇报（1 段，共 32 字）超过 24 小时没有提交，草稿已作废。想交的话请重新发“思想汇报”，"
              "也可以一条消息发“思想汇报：”加上全文。")
    assert chat.say("还没写完呢") == lapsed
    assert reports(session) == NOTHING_STORED
    chat.say("思想汇报")
    chat.say(FIRST)
    chat.advance(hours=25)
    assert chat.say("提交") == lapsed
    chat.say("思想汇报")
    chat.say(FIRST)
    chat.advance(hours=25)
    assert chat.say("继续写") == f"{lapsed}\n{START_DRAFT}"


def test_ten_thousand_characters_are_refused_whole(chat, session, people):
    assert chat.say("思想汇报：" + "在外务工坚持学习。" * 1112) == (
        "这篇思想汇报有 10008 字，超过了一篇最多 5000 字的上限，没有收下。请精简到 5000 字以内再发。")
    assert reports(session) == NOTHING_STORED and points(session) == []
    chat.say("思想汇报")
    chat.say("在外务工坚持学习。" * 500)
    assert chat.say("在外务工坚持学习。" * 100) == (
        "加上这段一共 5401 字，超过了一篇最多 5000 字的上限，这段没有记下。请把这段缩短后再发，或者发“提交”交已经写好的部分。\n"
        f"已写 1 段，共 4500 字。接着发下一段；写完发“提交”，不写了发“取消”。{KEPT}")
    assert chat.say("提交").startswith("请确认：这篇思想汇报共 1 段、4500 字")


@pytest.mark.parametrize("text, reply", [
    ("思想汇报：😀😀👍！！", "这条消息里只有表情或符号，没有文字，思想汇报没有收下。请用文字说说这段时间的工作、学习和思想情况，至少 20 个字。"),
    ("思想汇报：挺好的", "思想汇报写得太短了（只有 3 个字），没有收下。请至少写 20 个字，说说这段时间的工作、学习和思想情况。"),
])
def test_only_emoji_or_a_few_characters_are_refused_kindly(chat, session, people, text, reply):
    assert chat.say(text) == reply
    assert reports(session) == NOTHING_STORED


def test_a_draft_too_short_is_not_handed_in(chat, session, people):
    chat.say("思想汇报")
    chat.say("挺好的")
    assert chat.say("提交") == ("思想汇报写得太短了（只有 3 个字），没有收下。请至少写 20 个字，说说这段时间的工作、学习和思想情况。\n"
                              f"已写 1 段，共 3 字。接着发下一段；写完发“提交”，不写了发“取消”。{KEPT}")
    assert reports(session) == NOTHING_STORED


def test_points_stop_at_the_monthly_cap_and_the_same_words_are_not_a_second_report(chat, session, people):
    chat.say(f"思想汇报：{REPORT}")
    chat.advance(minutes=5)
    assert chat.say(f"思想汇报：{REPORT}") == ("这篇思想汇报您11月29日已经交过了（编号 S20261129001），不用再交。"
                                             "发“我的思想汇报”可以查看。")
    chat.advance(days=1)
    assert chat.say(f"思想汇报：补充一下，{REPORT}") == (
        f"已收到您的思想汇报（编号 S20261130001，2026年第4季度，共 {len(REPORT) + 5} 字）。已转给支部书记王某阅，阅后我会把意见告诉您。"
        "思想汇报积分已到上限（每月最多 5 分），这次没有再加分。发“我的思想汇报”可以查看。")
    assert [p[-1] for p in points(session)] == [5]
    chat.advance(days=3)  # December: a new month, points again
    assert "记入积分 5 分。" in chat.say(f"思想汇报：十二月了，{REPORT}")
    assert [p[-1] for p in points(session)] == [5, 5]


def test_a_secretarys_own_report_goes_to_the_township(make_chat, session, people):
    assert make_chat(SECRETARY).say(f"思想汇报：{REPORT}").startswith(
        f"已收到您的思想汇报（编号 S20261129001，2026年第4季度，共 {len(REPORT)} 字）。已转给乡镇联系人孙某阅")


def test_without_anyone_to_read_it_the_member_is_told_whom_to_tell(chat, session, people):
    people.branch.secretary_name = people.branch.parent.secretary_name = None
    session.commit()
    assert chat.say(f"思想汇报：{REPORT}") == (
        f"已收到您的思想汇报（编号 S20261129001，2026年第4季度，共 {len(REPORT)} 字）。支部书记还没有开通微信通知，请把编号告诉支部书记。"
        "请联系您的红色联络员李某（电话 13900000001），也可以拨打服务热线 0471-12345678（工作日 9:00-17:30）。"
        "记入积分 5 分。发“我的思想汇报”可以查看。")
    assert queued(session, "thought_report") == []


def test_asked_about_it_the_draft_begins_and_a_long_unheaded_letter_is_its_first_paragraph(chat, session, people):
    assert chat.say("思想汇报怎么交") == START_DRAFT
    chat.say("取消")
    letter = "向党组织汇报一下我这段时间的思想情况。" + FIRST + "我会继续努力，不忘自己是一名党员。"
    assert chat.say(letter) == ("这段我先记下了。交一篇记 5 分，一篇最多 5000 字。\n已写 1 段，共 68 字。"
                                f"接着发下一段；写完发“提交”，不写了发“取消”。{KEPT}")
    assert reports(session) == NOTHING_STORED
