"""Routing as members meet it: asking instead of guessing, offering a second request, voice
like text, binding first, and a reply to anything at all."""
import functools

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from handlers import bind, org_life, study
from handlers.nlu.router import Router
from handlers.registry import INTENTS
from models.settings import NluSettings
from tests.factories import make_branch, make_liaison, make_member

APOLOGY_START = "抱歉，系统"
# 学习 and 开会 named side by side, nothing else: too close to call, asked in the order written
QUESTION = (f"您是想办哪件事？\n1. {study.INTENT.usage}\n2. {org_life.INTENT.usage}\n请回复数字，或发“取消”。")


@pytest.fixture
def member(session):
    branch = make_branch(session)
    liaison = make_liaison(session, branch)
    member = make_member(session, branch, name="张某", phone="13800001234",
                         openid="oKite_member_0001", liaison_id=liaison.id)
    session.commit()
    return member


def test_too_close_to_call_asks_a_numbered_question(chat, member):
    meeting_reply = chat.say("开会")
    assert chat.say("学习 开会") == QUESTION
    assert chat.say("２") == meeting_reply
    assert chat.say("2") != QUESTION  # the dialog ended with the answer


@pytest.mark.parametrize("answer", ["第二个", "选2", "我选第二项", "2号吧"])
def test_a_number_said_as_members_say_it_answers_the_question(chat, member, answer):
    meeting_reply = chat.say("开会")
    assert chat.say("学习 开会") == QUESTION
    assert chat.say(answer) == meeting_reply


def test_the_intent_word_answers_the_question(chat, member):
    meeting_reply = chat.say("开会")
    assert chat.say("学习 开会") == QUESTION
    assert chat.say("开会") == meeting_reply


def test_cancel_and_unclear_answers(chat, member):
    assert chat.say("学习 开会") == QUESTION
    assert chat.say("嗯？") == f"没看明白您选的是哪一个。{QUESTION}"
    assert chat.say("取消") == "好的，已取消。有需要随时发“菜单”看全部功能。"


def test_a_new_request_during_the_question_is_answered(chat, member):
    station_reply = chat.say("驿站在哪")
    assert chat.say("学习 开会") == QUESTION
    assert chat.say("驿站在哪") == station_reply


def test_the_question_expires(chat, member):
    unknown_reply = chat.say("3")
    assert chat.say("学习 开会") == QUESTION
    chat.advance(minutes=31)
    assert chat.say("3") == unknown_reply


def test_second_request_is_offered(chat, member):
    dues_reply = chat.say("党费交完了")
    station_reply = chat.say("驿站")
    offer = "另外，想找附近的阳光驿站，请再发“驿站”。"
    assert chat.say("党费交完了 另外想问下驿站在哪") == f"{dues_reply}\n{offer}"
    assert chat.say("驿站") == station_reply


def test_a_difficulty_after_a_move_is_offered_to_the_liaison(chat, member):
    reply = chat.say("我搬到宁波了 另外孩子上学的事没着落")
    assert reply.startswith("已为您更新：\n流动去向：浙江 宁波\n")
    assert reply.endswith("\n另外，想让联络员帮您解决困难，请再发“求助”。")
    assert chat.say("求助").startswith("张某，请说说遇到了什么困难")


def test_dues_asked_beside_a_thought_report_is_offered(chat, member):
    thought_reply = chat.say("思想汇报")
    assert chat.say("我想交思想匯報 順便問下黨費咋交") == (
        f"{thought_reply}\n另外，想了解党费怎么交，请再发“党费”。")


@pytest.mark.parametrize("asked", ["还有学习资料吗", "对了 学习资料在哪", "学习 还有资料吗"])
def test_one_request_gets_no_stray_offer(chat, member, asked):
    """资料 inside 学习资料, or alone, names no change of details: nothing else is offered."""
    assert "另外，想" not in chat.say(asked)


def test_a_follower_told_how_to_bind_is_not_offered_binding_again(chat):
    assert chat.say("13800001234") == f"您还没有绑定党员身份。{bind.HOW_TO_BIND}"


@pytest.mark.parametrize("intent", [i for i in INTENTS if i.offer], ids=lambda i: i.name)
def test_the_word_an_offer_names_reaches_what_was_offered(intent):
    _, word = intent.offer
    assert _router().route(word).intent == intent.name


def test_voice_is_routed_like_text(chat, member):
    assert chat.voice("党费怎么交。") == chat.say("党费怎么交")


def test_unbound_followers_are_told_how_to_bind(chat):
    ask = f"您还没有绑定党员身份。{bind.HOW_TO_BIND}"
    assert chat.say("我想交党费") == ask
    assert chat.say("党费 积分") == ask  # no question about things they cannot use yet
    assert chat.say("党费交完了 另外积分多少") == ask  # nor an offer


_XML_SAFE = st.characters(blacklist_categories=("Cs",),
                          blacklist_characters=[chr(c) for c in range(32) if c not in (9, 10, 13)]
                          + ["\ufffe", "\uffff"])


# WeChat delivers XML, so the chat fixture can only carry characters XML allows (C0 controls
# other than tab/newline are tested on the router directly, below).
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(_XML_SAFE, max_size=300).filter(lambda t: "]]>" not in t))
@example(text="")
@example(text="😂🤣👍🏽🇨🇳")
@example(text="党费" * 5000)
@example(text="\u200b\u202e\ufeff\x85\t\r\n")
@example(text="Помогите 帮帮我 مساعدة ช่วยด้วย")
def test_any_text_gets_a_reply(chat, member, text):
    reply = chat.say(text)
    assert reply and not reply.startswith(APOLOGY_START)


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=200))
@example(text="\x00\x01\x07\x1b[31m")
@example(text="a" * 10000)
@example(text="\ud800")
def test_route_never_raises(text):
    route = _router().route(text)
    assert route.intent in {intent.name for intent in INTENTS}


@functools.cache
def _router() -> Router:
    return Router(INTENTS, NluSettings())


def test_choosing_study_from_the_question_gives_todays_lesson(chat, member):
    """学习 开会 answered 1: 开会 is the other request, not a kind of lesson."""
    assert chat.say("学习 开会") == QUESTION
    assert "资料库里没有“开会”" not in chat.say("1")


def test_a_bound_member_sending_a_bare_number_is_not_offered_binding(chat, member):
    reply = chat.say("13800001111")
    assert "绑定" not in reply
    assert "138 0000 1111" in reply  # read back as their new number (the one choice left)
