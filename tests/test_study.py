"""Study (学习): a bound member asks for today's lesson and gets it with its link."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from handlers import study as study_handler
from handlers.context import Context, Incoming, Route
from models.follower import Follower
from models.lesson import LessonTarget, StudyRecord
from models.reading import lesson_url, link_key, read_token
from tests.conftest import READING_LINK, START
from tests.factories import make_branch, make_lesson, make_member

OPENID = "oKite_member_0001"
NEXT_STEP = "学完请回“学完了”；换一篇发“下一课”，看别的类别发“学习 法律”“学习 职业技能”等。"
EMPTY = "学习资料正在准备中，暂时还没有可学的内容。新资料上线后会推送给您；现在可以发“菜单”看看其他服务。"


@pytest.fixture
def member(session):
    m = make_member(session, make_branch(session), name="张某", openid=OPENID)
    session.commit()
    return m


def lesson_text(lesson, opening="张某，今天的学习资料：", label="政策文件"):
    return (f"{opening}\n【{label}】{lesson.title}\n{lesson.summary}\n"
            f"点击查看：{lesson.url}\n{NEXT_STEP}")


def records(session, member):
    session.expire_all()
    return session.scalars(select(StudyRecord).where(StudyRecord.member_id == member.id)
                           .order_by(StudyRecord.id)).all()


def test_member_gets_the_first_lesson_with_its_link_and_it_is_recorded(chat, session, member):
    first = make_lesson(session, "学习党章第一章", sequence=1)
    make_lesson(session, "学习党章第二章", sequence=2)
    session.commit()

    assert chat.say("我想学习") == lesson_text(first)

    [record] = records(session, member)
    assert (record.lesson_id, record.source, record.delivered_at) == (first.id, "request", START)


def test_todays_lesson_stays_the_same_all_day_and_moves_on_the_next(chat, session, member):
    first = make_lesson(session, "学习党章第一章", sequence=1)
    second = make_lesson(session, "学习党章第二章", sequence=2)
    session.commit()

    assert chat.say("学习") == lesson_text(first)
    chat.advance(hours=10)  # 19:00 in Shanghai, same day
    assert chat.say("学习") == lesson_text(first)
    assert len(records(session, member)) == 1

    chat.advance(hours=6)  # past midnight in Shanghai: a new day
    assert chat.say("学习") == lesson_text(second)
    assert [r.lesson_id for r in records(session, member)] == [first.id, second.id]


def test_when_everything_is_read_the_oldest_comes_round_again(chat, session, member):
    first = make_lesson(session, "学习党章第一章", sequence=1)
    second = make_lesson(session, "学习党章第二章", sequence=2)
    session.commit()
    chat.say("学习")
    chat.advance(days=1)
    chat.say("学习")
    chat.advance(days=1)

    assert chat.say("学习") == lesson_text(
        first, opening="张某，资料库里的学习资料您都学过了，今天温习这一篇：")

    by_lesson = {r.lesson_id: r for r in records(session, member)}
    assert len(by_lesson) == 2  # one record per lesson: the second round moved it forward,
    assert by_lesson[first.id].shown_at > by_lesson[second.id].shown_at
    # and when and how it first reached them stay as they were (the month's report counts them)
    assert (by_lesson[first.id].delivered_at, by_lesson[first.id].source) == (START, "request")
    assert chat.say("学习") == lesson_text(first)  # the same lesson all day


def test_menu_button_gives_todays_lesson(chat, session, member):
    first = make_lesson(session, "学习党章第一章")
    session.commit()

    assert chat.click("STUDY_TODAY") == lesson_text(first)


def test_empty_library_gets_a_warm_answer_and_nothing_is_recorded(chat, session, member):
    assert chat.say("学习") == EMPTY
    assert records(session, member) == []


# The router fills the ``category`` slot; here the route is set by hand, as the router would.

def ask(session, settings, clock, member, category=None, text="学习"):
    follower = Follower(openid=OPENID, first_seen_at=START, last_interaction_at=START)
    route = Route(intent="study", slots={"category": category} if category else {})
    ctx = Context(session=session, settings=settings, clock=clock, follower=follower,
                  member=member, route=route)
    msg = Incoming(openid=OPENID, msg_type="text", created_at=clock.now(), text=text)
    return landing(session, settings, member, study_handler.handle(msg, ctx).text)


def landing(session, settings, member, text):
    """``text`` with each reading link replaced by the lesson address it leads to, after checking
    the link is this member's."""
    def lands_on(link):
        member_id, lesson_id = read_token(link_key(settings), link[0].rsplit("/", 1)[1])
        assert member_id == member.id
        return lesson_url(session, lesson_id)
    return READING_LINK.sub(lands_on, text)


def test_a_category_ask_gets_a_lesson_of_that_category(session, settings, clock, member):
    make_lesson(session, "学习党章第一章", category="policy", sequence=1)
    law = make_lesson(session, "农民工讨薪的法律途径", category="law", sequence=2)

    assert ask(session, settings, clock, member, "law") == lesson_text(law, label="法律普及")
    assert [(r.lesson_id, r.source) for r in records(session, member)] == [(law.id, "category")]


def test_every_category_lesson_read_comes_round_again_with_a_note(session, settings, clock, member):
    law = make_lesson(session, "农民工讨薪的法律途径", category="law")
    ask(session, settings, clock, member, "law")
    clock.advance(days=1)

    assert ask(session, settings, clock, member, "law") == lesson_text(
        law, opening="张某，“法律普及”类的资料您都学过了，今天温习这一篇：", label="法律普及")


def test_an_empty_category_points_to_the_categories_that_have_lessons(session, settings, clock, member):
    make_lesson(session, category="policy")
    make_lesson(session, "电工入门", category="skills")

    assert ask(session, settings, clock, member, "law") == (
        "“法律普及”类的资料正在准备中。您可以发“学习”看今天的学习资料，或换个类别：政策文件、职业技能。")
    assert records(session, member) == []


def test_a_category_ask_on_an_empty_library_gets_the_empty_library_answer(session, settings, clock,
                                                                          member):
    assert ask(session, settings, clock, member, "law") == EMPTY


def test_a_category_the_library_does_not_know_gives_todays_lesson(session, settings, clock, member):
    first = make_lesson(session, "学习党章第一章")

    assert ask(session, settings, clock, member, "cooking") == lesson_text(first)


# -- as members write it (the router fills the category slot) ---------------------------------

def test_members_ask_in_their_own_words(chat, session, member):
    first = make_lesson(session, "学习党章第一章", sequence=1)
    session.commit()

    assert chat.say("今天学什么") == lesson_text(first)


def test_a_member_feeling_low_gets_a_lesson_and_a_person_to_talk_to(chat, session, member):
    calm = make_lesson(session, "在外打拼，怎么排解心里的苦闷", category="psychology", sequence=1)
    session.commit()

    assert chat.say("心里头老是憋得慌 晚上睡不着") == lesson_text(calm, label="心理健康")[
        :-len(NEXT_STEP)] + study_handler.TALK_TO_SOMEONE
    assert [r.lesson_id for r in records(session, member)] == [calm.id]


def test_no_psychology_lesson_yet_still_offers_a_person(chat, session, member):
    make_lesson(session, "电工入门", category="skills")
    session.commit()

    reply = chat.say("最近心里烦 想找点心理疏导的")
    assert reply.startswith("“心理健康”类的资料正在准备中。")
    assert reply.endswith("发“联络员”，联络员会联系您；也可以打全国心理援助热线 12356。")


def test_asked_which_of_two_the_answer_with_a_kind_of_lesson_gets_that_kind(chat, session, member):
    """学习 or 开会? "学习 心理" chooses 学习 and says which lessons: that is the request, not
    the first message again."""
    make_lesson(session, "学习党章第一章", sequence=1)
    calm = make_lesson(session, "在外打拼，怎么排解心里的苦闷", category="psychology", sequence=2)
    session.commit()

    assert chat.say("学习 开会").startswith("您是想办哪件事？")
    assert chat.say("学习 心理") == lesson_text(calm, label="心理健康")[
        :-len(NEXT_STEP)] + study_handler.TALK_TO_SOMEONE


def test_a_member_names_a_category(chat, session, member):
    make_lesson(session, "学习党章第一章", category="policy", sequence=1)
    law = make_lesson(session, "农民工讨薪的法律途径", category="law", sequence=2)
    session.commit()

    assert chat.say("学习 法律") == lesson_text(law, label="法律普及")


def test_next_lesson_moves_past_todays(chat, session, member):
    first = make_lesson(session, "学习党章第一章", sequence=1)
    second = make_lesson(session, "学习党章第二章", sequence=2)
    session.commit()

    assert chat.say("学习") == lesson_text(first)
    assert chat.say("下一课") == lesson_text(second, opening="张某，下一篇学习资料：")
    assert chat.say("学习") == lesson_text(second)  # today's lesson is now the latest one
    assert [(r.lesson_id, r.source) for r in records(session, member)] == [
        (first.id, "request"), (second.id, "request")]


def test_a_category_ask_leaves_todays_lesson_as_it_was(chat, session, member):
    first = make_lesson(session, "学习党章第一章", sequence=1)
    skills = make_lesson(session, "电工入门", category="skills", sequence=2)
    session.commit()

    assert chat.say("学习") == lesson_text(first)
    assert chat.say("学习 职业技能") == lesson_text(skills, label="职业技能")
    assert chat.say("学习") == lesson_text(first)
    assert [(r.lesson_id, r.source) for r in records(session, member)] == [
        (first.id, "request"), (skills.id, "category")]


def test_a_category_asked_first_does_not_become_todays_lesson(chat, session, member):
    first = make_lesson(session, "学习党章第一章", sequence=1)
    skills = make_lesson(session, "电工入门", category="skills", sequence=2)
    session.commit()

    assert chat.say("学习 职业技能") == lesson_text(skills, label="职业技能")
    assert chat.say("学习") == lesson_text(first)
    chat.advance(hours=2)
    assert chat.say("学习") == lesson_text(first)


def test_a_category_the_library_lacks_gets_todays_lesson_and_the_categories(chat, session, member):
    first = make_lesson(session, "学习党章第一章", sequence=1)
    make_lesson(session, "电工入门", category="skills", sequence=2)
    session.commit()

    for asked in ("学习 党史", "学习乱七八糟"):
        name = asked.removeprefix("学习").strip()
        assert chat.say(asked) == (
            f"张某，资料库里没有“{name}”这一类资料。今天的学习资料：\n【政策文件】{first.title}\n"
            f"{first.summary}\n点击查看：{first.url}\n"
            "现有的类别：政策文件、职业技能。想看哪一类，请发“学习”加类别名，例如“学习 职业技能”。")
    # asking without naming anything gets the lesson alone
    assert chat.say("我想学习") == lesson_text(first)
    assert chat.say("学习一下") == lesson_text(first)


@pytest.mark.parametrize("words", ["换一篇", "下一篇", "再来一篇", "换一批吧"])
def test_asking_for_another_gives_the_next_lesson(chat, session, member, words):
    first = make_lesson(session, "学习党章第一章", sequence=1)
    second = make_lesson(session, "学习党章第二章", sequence=2)
    session.commit()

    assert chat.say("学习") == lesson_text(first)
    assert chat.say(words) == lesson_text(second, opening="张某，下一篇学习资料：")
    assert chat.say("学习") == lesson_text(second)


@pytest.mark.postgres
def test_a_lesson_meant_for_one_township_reaches_only_its_members(make_chat, session):
    home = make_branch(session)  # 白杨村党支部 under 红柳镇
    other = make_branch(session, name="东风村党支部", township="青山镇")
    make_member(session, home, name="张某", openid="oKite_home")
    make_member(session, other, name="李某", openid="oKite_other")
    local = make_lesson(session, "红柳镇务工人员返乡创业政策", sequence=1)
    session.add(LessonTarget(lesson_id=local.id, org_id=home.parent_id))
    everyone = make_lesson(session, "学习党章第一章", sequence=2)
    session.commit()

    assert local.title in make_chat("oKite_home").say("学习")
    reply = make_chat("oKite_other").say("学习")
    assert everyone.title in reply and local.title not in reply


def test_a_lesson_waits_for_its_publish_date(chat, session, member):
    first = make_lesson(session, "学习党章第一章", sequence=1)
    later = make_lesson(session, "十二月学习要点", sequence=2)
    later.published_on = (START + dt.timedelta(days=2)).date()  # 12月1日
    session.commit()

    assert first.title in chat.say("学习")
    chat.advance(days=1)
    assert later.title not in chat.say("下一课")  # not out yet
    chat.advance(days=1)
    assert later.title in chat.say("下一课")
