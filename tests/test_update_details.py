"""Employer, reason for being away and away-since date told in one message: stored with history
(who: the member's own WeChat) and confirmed back exactly; a date to come is refused by name and
nothing is stored. The parsing rules are tables, as the console and verification reuse them."""
import datetime as dt

import pytest
from sqlalchemy import select

from models.member import MemberChange
from models.member_details import (
    DetailError,
    away_reason_answer,
    away_reason_in,
    away_since_in,
    employer_answer,
    employer_in,
)
from tests.factories import make_branch, make_member

ME = "oKite_member_0001"
CORRECTION = "如有不对，直接把正确的发给我就行。"
TODAY = dt.date(2026, 11, 29)  # START in Shanghai


@pytest.fixture
def member(session):
    m = make_member(session, make_branch(session), name="张某", phone="13800001234", openid=ME,
                    current_province="广东", current_city="深圳")
    session.commit()
    return m


def history(session):
    session.expire_all()
    return [(c.field, c.old_value, c.new_value, c.source, c.changed_by)
            for c in session.scalars(select(MemberChange).order_by(MemberChange.id))]


@pytest.mark.postgres
@pytest.mark.parametrize("said, employer", [
    ("在顺丰物流上班了", "顺丰物流"), ("换到富士康了", "富士康"), ("现在在工地干活", "工地"),
    ("我换工作了 在京东物流上班", "京东物流"), ("工作单位换成美团了", "美团"),
])
def test_a_new_employer_is_stored_and_confirmed(chat, session, member, said, employer):
    assert chat.say(said) == f"已为您更新：\n工作单位：{employer}\n{CORRECTION}"
    assert history(session) == [("employer", None, employer, "chat", ME)]


@pytest.mark.parametrize("said, reason, words", [
    ("我是出来打工的", "work", "务工"), ("我是随子女过来的", "family", "随迁"), ("我出来是做生意的", "business", "经商"),
    ("出来上学的", "study", "求学"), ("外出原因改成经商", "business", "经商"),
])
def test_the_reason_for_being_away_is_stored_as_the_ledgers_code(chat, session, member, said, reason, words):
    assert chat.say(said) == f"已为您更新：\n外出原因：{words}\n{CORRECTION}"
    assert history(session) == [("away_reason", None, reason, "chat", ME)]


@pytest.mark.parametrize("said, since, shown", [
    ("去年3月出来的", "2025-03-01", "2025年3月"), ("2023年3月出去的", "2023-03-01", "2023年3月"),
    ("我是前年三月份出来的", "2024-03-01", "2024年3月"), ("外出时间改成2022年5月", "2022-05-01", "2022年5月"),
])
def test_the_away_since_date_is_stored_as_a_month(chat, session, member, said, since, shown):
    assert chat.say(said) == f"已为您更新：\n外出时间：{shown}\n{CORRECTION}"
    assert history(session) == [("away_since", None, since, "chat", ME)]


@pytest.mark.parametrize("said, refused", [
    ("2027年3月出来的", "2027年3月还没到"), ("今年12月出来的", "2026年12月还没到"),
])
def test_a_date_to_come_is_refused_and_nothing_stored(chat, session, member, said, refused):
    assert chat.say(said) == f"{refused}，外出时间没有改。请说已经过去的年月，例如“2023年3月出来的”。"
    assert history(session) == []


def test_a_year_without_its_month_is_asked_for_the_month(chat, session, member):
    assert chat.say("去年出来的") == "外出时间请说到月份，例如“2025年3月出来的”，外出时间没有改。"
    assert history(session) == []


def test_several_details_in_one_message_each_confirmed(chat, session, member):
    assert chat.say("我现在在苏州 在富士康上班 去年三月份出来打工的") == (
        f"已为您更新：\n流动去向：江苏 苏州\n工作单位：富士康\n外出原因：务工\n外出时间：2025年3月\n{CORRECTION}")
    assert {h[0] for h in history(session)} == {"current_city", "current_province", "employer", "away_reason",
                                               "away_since"}


def test_a_refused_date_keeps_the_rest_of_the_message(chat, session, member):
    assert chat.say("在顺丰物流上班了 2027年3月出来的") == (
        "已为您更新：\n工作单位：顺丰物流\n2027年3月还没到，外出时间没有改。请说已经过去的年月，例如“2023年3月出来的”。\n"
        + CORRECTION)
    assert [h[0] for h in history(session)] == ["employer"]


def test_the_employer_on_file_said_again_changes_nothing(chat, session, member):
    chat.say("在顺丰物流上班了")
    assert chat.say("我在顺丰物流上班").endswith("和您说的一样，不用修改。")
    assert len(history(session)) == 1


@pytest.mark.parametrize("text, employer", [
    ("在顺丰物流上班了", "顺丰物流"), ("换到富士康了", "富士康"), ("现在在工地干活", "工地"),
    ("在苏州一家电子厂上班", "电子厂"), ("现在在苏州昆山的电子厂上班", "电子厂"), ("我现在在美团当骑手", "美团"),
    ("工作单位换成美团了", "美团"), ("我进了一家物流公司", "物流公司"), ("跳槽到比亚迪了", "比亚迪"),
    # a place, or nowhere in particular, is no employer
    ("我在苏州打工", None), ("我现在在深圳送外卖", None), ("在家带孩子", None), ("我在厂里上班", None),
    ("去了深圳", None), ("又到外面打工了 还在原来那个厂", None), ("我去杭州了", None),
])
def test_employer_in(text, employer):
    assert employer_in(text) == employer


@pytest.mark.parametrize("text, employer", [
    ("富士康", "富士康"), ("顺丰速运。", "顺丰速运"), ("在美团", "美团"), ("富士康科技集团", "富士康科技集团"),
    ("12345", None), ("苏州", None), ("不知道", None), ("还是原来那个厂", None), ("啥意思", None),
])
def test_employer_answer(text, employer):
    assert employer_answer(text) == employer


@pytest.mark.parametrize("text, reason", [
    ("我是出来打工的", "work"), ("出来上学的", "study"), ("我是随子女过来的", "family"), ("外出原因是经商", "business"),
    ("我出来做生意的", "business"), ("又出去打工了", "work"), ("来苏州打工三年了", "work"), ("跟着儿子来的", "family"),
    ("外出原因改成其他", "other"), ("我跟着儿子过来带孙子", "family"),
    ("我现在在苏州打工", None), ("今天去学习了", None), ("我在上班", None),
])
def test_away_reason_in(text, reason):
    assert away_reason_in(text) == reason


@pytest.mark.parametrize("text, reason", [
    ("1", "work"), ("2", "business"), ("三", "study"), ("选4", "family"), ("5", "other"), ("务工", "work"),
    ("打工", "work"), ("随迁", "family"), ("其他", "other"), ("做生意", "business"), ("6", None), ("不知道", None),
])
def test_away_reason_answer(text, reason):
    assert away_reason_answer(text) == reason


@pytest.mark.parametrize("text, since", [
    ("去年3月出来的", dt.date(2025, 3, 1)), ("2023年3月出去的", dt.date(2023, 3, 1)),
    ("我是前年三月份出来的", dt.date(2024, 3, 1)), ("23年3月出来", dt.date(2023, 3, 1)),
    ("3月份出来的", dt.date(2026, 3, 1)), ("12月出来的", dt.date(2025, 12, 1)),  # the latest such month
    ("外出时间是2023.3", dt.date(2023, 3, 1)), ("2026年11月出来的", dt.date(2026, 11, 1)),
    ("二零二三年三月出来的", dt.date(2023, 3, 1)), ("2019年3月15号出来的", dt.date(2019, 3, 15)),
    ("98年10月出来打工", dt.date(1998, 10, 1)), ("我在苏州上班", None), ("出来三年了", None),
])
def test_away_since_in(text, since):
    assert away_since_in(text, TODAY) == since


@pytest.mark.parametrize("text, error", [
    ("2027年3月出来的", "2027年3月还没到"), ("今年12月出来的", "2026年12月还没到"),
    ("2026年11月30号出来的", "2026年11月30日还没到"), ("去年出来的", "外出时间请说到月份"),
    ("2023年2月30号出来的", "2023年2月没有30号"), ("1900年3月出来的", "1900年不像是外出的年份"),
])
def test_away_since_that_cannot_be_right(text, error):
    with pytest.raises(DetailError, match=error):
        away_since_in(text, TODAY)
