"""Moving through one's lessons in chat: 上一课 / 下一课 through what was given, 往期 and a number
to open one again (更多 for a long list), 我的学习记录, the menu buttons, and lessons by kind in
members' own words."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from models.lesson import StudyRecord
from tests.conftest import START
from tests.factories import make_branch, make_lesson, make_member

OPENID = "oKite_member_0001"
NEXT_STEPS = "学完请回“学完了”；换一篇发“下一课”，看别的类别发“学习 法律”“学习 职业技能”等。"


@pytest.fixture
def member(session):
    m = make_member(session, make_branch(session), name="张某", openid=OPENID)
    session.commit()
    return m


def records(session, member):
    session.expire_all()
    return {r.lesson_id: r for r in session.scalars(select(StudyRecord).where(StudyRecord.member_id == member.id))}


def shown(lesson, opening, label="政策文件"):
    return f"张某，{opening}\n【{label}】{lesson.title}\n{lesson.summary}\n点击查看：{lesson.url}\n{NEXT_STEPS}"


def three_days(chat, session, titles=("第一章", "第二章", "第三章", "第四章")):
    lessons = [make_lesson(session, f"学习党章{t}", sequence=n) for n, t in enumerate(titles, 1)]
    session.commit()
    for n in range(3):
        chat.say("学习")
        chat.advance(days=1)
    return lessons


@pytest.mark.postgres
def test_stepping_back_and_forward_through_what_was_given(chat, session, member):
    a, b, c, d = three_days(chat, session)

    steps = [("上一课", shown(b, "上一篇（11月30日收到的）：")),
             ("上一篇", shown(a, "上一篇（11月29日收到的）：")),
             ("上一课", "张某，《学习党章第一章》是您收到的第一篇，前面没有了。发“往期”看收到过的资料，发“下一课”接着学。"),
             ("下一课", shown(b, "下一篇（11月30日收到的）：")),
             ("下一篇", shown(c, "下一篇（12月1日收到的）：")),
             ("下一课", shown(d, "下一篇学习资料："))]
    for words, reply in steps:
        assert chat.say(words) == reply
        chat.advance(minutes=1)

    saved = records(session, member)
    # stepping back re-delivers nothing: each lesson keeps the day it was given
    assert [saved[x.id].delivered_at for x in (a, b, c)] == [START + dt.timedelta(days=n) for n in range(3)]
    assert saved[d.id].delivered_at == START + dt.timedelta(days=3, minutes=5)


def test_finishing_after_stepping_back_records_the_lesson_in_front_of_the_member(chat, session, member):
    a, b, c, d = three_days(chat, session)
    chat.say("上一课")

    assert chat.say("这篇学完了").startswith("张某，已记下您学完了《学习党章第二章》")
    saved = records(session, member)
    assert saved[b.id].completed_at == START + dt.timedelta(days=3)
    assert saved[c.id].completed_at is None


def test_next_lesson_stays_in_the_kind_asked_for(chat, session, member):
    make_lesson(session, "学习党章第一章", category="policy", sequence=1)
    law1 = make_lesson(session, "农民工讨薪的法律途径", category="law", sequence=2)
    law2 = make_lesson(session, "劳动合同怎么签", category="law", sequence=3)
    session.commit()

    assert chat.say("有没有法律方面的微课") == shown(law1, "法律普及方面的学习资料：", "法律普及")
    assert chat.say("换一个") == shown(law2, "下一篇学习资料：", "法律普及")


@pytest.mark.parametrize(("words", "category", "label"), [
    ("看看家乡新闻", "news", "发展动态"), ("学习 法律", "law", "法律普及")])
def test_lessons_by_kind_in_members_words(chat, session, member, words, category, label):
    make_lesson(session, "学习党章第一章", category="policy", sequence=1)
    wanted = make_lesson(session, "家乡新变化", category=category, sequence=2)
    session.commit()

    # the kind asked for is named, not passed off as the day's lesson
    assert chat.say(words) == shown(wanted, f"{label}方面的学习资料：", label)


@pytest.mark.postgres
def test_past_lessons_listed_and_opened_by_number(chat, session, member):
    a, b, c, d = three_days(chat, session)

    assert chat.say("往期") == (
        "张某，您最近收到的学习资料（新的在前），回复序号再看一篇：\n"
        "1. 12月1日《学习党章第三章》\n2. 11月30日《学习党章第二章》\n3. 11月29日《学习党章第一章》\n"
        "回复序号打开，例如回复“1”；想学新的，发“学习”。")
    assert chat.say("第3篇") == shown(a, "您11月29日收到的这一篇：")
    # the opened one is the lesson the member is on
    assert chat.say("学完了").startswith("张某，已记下您学完了《学习党章第一章》")
    assert "2. 12月1日《学习党章第三章》" in chat.say("以前学过的")  # the finish gave 第四章 first


def test_a_long_list_comes_a_page_at_a_time_and_numbers_hold_across_pages(chat, session, member):
    title = "在外务工党员如何参加组织生活：线上学习、请假与补课的具体办法第{}讲"
    lessons = [make_lesson(session, title.format(n), sequence=n) for n in range(1, 26)]
    session.commit()
    for _ in lessons:
        chat.say("下一课")
        chat.advance(minutes=1)

    first_page = chat.say("往期")
    assert first_page.startswith("张某，您最近收到的学习资料（新的在前），回复序号再看一篇：\n1. ")
    assert first_page.endswith("页，回复“更多”看下一页）")
    second_page = chat.say("更多")
    assert second_page.endswith("\n25. 11月29日《在外务工党员如何参加组织生活：线上学习、请假与补课的具体办法第1讲》\n"
                                "回复序号打开，例如回复“1”；想学新的，发“学习”。")
    number = int(second_page.split("\n")[0].split(".")[0])
    wanted = lessons[len(lessons) - number]
    assert chat.say(str(number)) == shown(wanted, "您11月29日收到的这一篇：")


def test_more_after_the_whole_list_says_so_and_a_number_still_opens_one(chat, session, member):
    a, b, c, d = three_days(chat, session)
    chat.say("往期")

    for words in ("更多", "下一页", "还有吗"):
        assert chat.say(words) == ("张某，往期列表已经全部发给您了（共3篇）。"
                                   "回复序号打开，例如回复“1”；想学新的，发“学习”。")
    assert chat.say("3") == shown(a, "您11月29日收到的这一篇：")


def test_more_after_the_last_page_of_a_long_list(chat, session, member):
    title = "在外务工党员如何参加组织生活：线上学习、请假与补课的具体办法第{}讲"
    lessons = [make_lesson(session, title.format(n), sequence=n) for n in range(1, 26)]
    session.commit()
    for _ in lessons:
        chat.say("下一课")
        chat.advance(minutes=1)
    chat.say("往期")
    assert chat.say("下一页").endswith("回复序号打开，例如回复“1”；想学新的，发“学习”。")

    assert chat.say("更多") == ("张某，往期列表已经全部发给您了（共25篇）。"
                              "回复序号打开，例如回复“1”；想学新的，发“学习”。")
    assert chat.say("25") == shown(lessons[0], "您11月29日收到的这一篇：")


def test_next_lesson_skips_those_already_finished(chat, session, member):
    a, b, c, d = (make_lesson(session, f"学习党章第{t}章", sequence=n) for n, t in enumerate("一二三四", 1))
    session.commit()
    for words in ("学习",     # 第一章
                  "学完了",   # 第二章 comes
                  "学完了",   # 第三章 comes
                  "上一课",   # 第二章, finished
                  "上一课"):  # 第一章, finished
        chat.say(words)
        chat.advance(minutes=5)  # time to read each (a finish seconds after a hand-out is refused)

    assert chat.click("STUDY_NEXT") == shown(c, "下一篇（11月29日收到的）：")  # 第二章 skipped
    assert chat.say("下一课") == shown(d, "下一篇学习资料：")


def test_no_past_lessons_yet(chat, session, member):
    assert chat.say("往期") == "张某，您还没有收到过学习资料。发“学习”看今天的学习资料。"


@pytest.mark.postgres
def test_study_record_shows_this_month_and_the_last_lessons(chat, session, member):
    lessons = [make_lesson(session, f"学习党章第{n}章", sequence=n) for n in range(1, 5)]
    session.commit()
    chat.say("学习")
    chat.say("学完了")   # 第1章 finished, 第2章 given (29 November)
    chat.advance(days=2)  # 1 December: a new month
    chat.say("学习")      # 第3章
    rows = records(session, member)
    rows[lessons[2].id].opened_at = START + dt.timedelta(days=2, minutes=5)
    rows[lessons[0].id].opened_at = START + dt.timedelta(minutes=1)
    session.commit()
    chat.advance(minutes=10)
    chat.say("下一课")    # 第4章

    assert chat.say("我的学习记录") == (
        "张某，您的学习记录：\n"
        "本月（12月）收到学习资料2篇，学完0篇，打开1篇。\n"
        "最近收到的：\n"
        "· 12月1日《学习党章第4章》\n"
        "· 12月1日《学习党章第3章》 已打开\n"
        "· 11月29日《学习党章第2章》\n"
        "· 11月29日《学习党章第1章》 已打开、已学完（11月29日）\n"
        "发“学习”接着学，学完回“学完了”；发“往期”可以重看以前的资料。")


def test_no_study_record_yet(chat, session, member):
    assert chat.say("学习记录") == ("张某，您还没有学习记录。发“学习”看今天的学习资料，学完后回“学完了”，就会记在这里。")


def test_menu_buttons_for_the_next_lesson_and_the_record(chat, session, member):
    first = make_lesson(session, "学习党章第一章", sequence=1)
    second = make_lesson(session, "学习党章第二章", sequence=2)
    session.commit()

    assert chat.click("STUDY_TODAY") == shown(first, "今天的学习资料：")
    assert chat.click("STUDY_NEXT") == shown(second, "下一篇学习资料：")
    assert chat.click("STUDY_RECORD").startswith("张某，您的学习记录：\n本月（11月）收到学习资料2篇，学完0篇。")


@pytest.mark.postgres
def test_next_lesson_after_asking_for_a_kind_again_stays_in_that_kind(chat, session, member):
    policy1 = make_lesson(session, "学习党章第一章", category="policy", sequence=1)
    law = make_lesson(session, "农民工讨薪的法律途径", category="law", sequence=2)
    policy2 = make_lesson(session, "学习党章第二章", category="policy", sequence=3)
    policy3 = make_lesson(session, "学习党章第三章", category="policy", sequence=4)
    session.commit()
    # the day's lesson asked for again by its kind: 下一课 goes on in that kind, not back to
    # the law lesson and round again
    steps = [("学习", shown(policy1, "今天的学习资料：")),
             ("下一课", shown(law, "下一篇学习资料：", "法律普及")),
             ("学习 政策", shown(policy1, "政策文件方面的学习资料：")),
             ("下一课", shown(policy2, "下一篇学习资料：")),
             ("下一课", shown(policy3, "下一篇学习资料：")),
             # 上一课 and back stays in the kind too
             ("上一课", shown(policy2, "上一篇（11月29日收到的）：")),
             ("下一课", shown(policy3, "下一篇（11月29日收到的）："))]
    for words, reply in steps:
        assert chat.say(words) == reply
        chat.advance(minutes=1)

    saved = records(session, member)
    # how each lesson first reached the member is kept (the study report counts by it)
    assert [saved[x.id].source for x in (policy1, law, policy2, policy3)] == ["request", "request", "category", "category"]


def test_next_lesson_says_so_when_the_kind_asked_for_has_run_out(chat, session, member):
    """The trial user's 下一课 after the last 政策 lesson moved to 职业技能 without a word."""
    policy1 = make_lesson(session, "学习党章第一章", category="policy", sequence=1)
    policy2 = make_lesson(session, "学习党章第二章", category="policy", sequence=2)
    law = make_lesson(session, "农民工讨薪的法律途径", category="law", sequence=3)
    session.commit()
    steps = [("学习 政策", shown(policy1, "政策文件方面的学习资料：")),
             ("下一课", shown(policy2, "下一篇学习资料：")),
             ("下一课", shown(law, "政策文件方面的资料都发给您了，下一篇换一类：", "法律普及"))]
    for words, reply in steps:
        assert chat.say(words) == reply
        chat.advance(minutes=1)
