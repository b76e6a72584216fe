"""How members ask things of study, as the router and ``handlers.study.asks`` read them — on
words the router has not learnt as examples, so the vocabulary carries them on its own."""
from __future__ import annotations

import pytest

from handlers.nlu.router import Router
from handlers.registry import INTENTS
from handlers.study.asks import Ask, asked
from models.settings import NluSettings

SAID = {
    "学习": Ask.LESSON, "有没有法律方面的微课": Ask.LESSON, "看看家乡新闻": Ask.LESSON, "学习 心理健康": Ask.LESSON,
    "今天学什么": Ask.LESSON, "还没看完": Ask.LESSON, "我想上课": Ask.LESSON,
    "下一课": Ask.NEXT, "下一篇": Ask.NEXT, "换一个": Ask.NEXT, "接着学": Ask.NEXT,
    "上一课": Ask.PREVIOUS, "上一篇": Ask.PREVIOUS,
    "往期": Ask.PAST, "以前的": Ask.PAST, "以前学过的": Ask.PAST, "之前学的那些还能看吗": Ask.PAST,
    "我学完了": Ask.DONE, "学完了": Ask.DONE, "看完了": Ask.DONE, "这篇学完了 下一课": Ask.DONE,
    "我看完啦": Ask.DONE, "学好了": Ask.DONE,
    "我的学习记录": Ask.RECORD, "学习记录": Ask.RECORD, "我这个月学了多少": Ask.RECORD,
}


@pytest.fixture(scope="module")
def router():
    return Router(INTENTS, NluSettings(), unseen=SAID)


@pytest.mark.parametrize(("text", "ask"), SAID.items())
def test_each_ask_routes_to_study_and_is_read_as_meant(router, text, ask):
    route = router.route(text)
    assert (route.intent, asked(route.normalised)) == ("study", ask)


@pytest.mark.parametrize(("key", "ask"), [("STUDY_TODAY", Ask.LESSON), ("STUDY_NEXT", Ask.NEXT),
                                          ("STUDY_RECORD", Ask.RECORD)])
def test_menu_buttons(key, ask):
    assert asked("", key) == ask
