"""Long answers page instead of losing their end: a reply past WeChat's 2048-byte passive-reply
limit ends with how to get the rest (回复“更多”), and 更多 brings the next part."""
from __future__ import annotations

import pytest

import bot.webhook
from bot import wire
from handlers.replies import TextReply
from models.stations import Station
from tests.factories import make_branch, make_member


@pytest.fixture
def member(session):
    m = make_member(session, make_branch(session), name="张某", openid="oKite_member_0001",
                    current_city="深圳", current_province="广东")
    session.commit()
    return m


def stations(session, n: int) -> list[str]:
    """``n`` stations in 深圳 with long names and addresses (three of them pass 2048 bytes), the
    first nearest the city's centre; their names in that order."""
    names = []
    for i in range(1, n + 1):
        name = f"深圳第{i}社区党群服务中心流动党员阳光驿站暨新就业群体温馨服务站"
        session.add(Station(name=name, province="广东", city="深圳",
                            address=f"龙华区民治街道第{i}工业园{i}栋一楼服务大厅东侧走廊尽头左手边第二间（地铁4号线民治站A出口向北步行约五百米，看到红色招牌即到）",
                            hotline=f"0755-8888{i:04d}", hours="每天 8:00-20:00", latitude=22.5435 + i / 1000,
                            longitude=114.0579))
        names.append(name)
    session.commit()
    return names


def bytes_of(text: str) -> int:
    return len(text.encode("utf-8"))


def test_a_long_station_list_pages_and_nothing_is_lost(chat, session, member):
    names = stations(session, 30)[:3]  # the nearest three are listed
    pages = [chat.say("附近的驿站")]
    while "更多" in pages[-1].splitlines()[-1]:
        assert bytes_of(pages[-1]) <= wire.MAX_REPLY_BYTES
        pages.append(chat.say("更多"))
    assert len(pages) >= 2
    assert all(bytes_of(p) <= wire.MAX_REPLY_BYTES for p in pages)
    whole = "\n".join(pages)
    assert all(f". {name}（同城）" in whole for name in names)
    assert "0471-12345678" in pages[-1]  # the hotline, at the very end, arrives
    for page in pages:  # never a line cut in the middle
        assert all(not line.startswith("地图：") or line.endswith("coordinate=gaode") for line in page.splitlines())


def test_a_new_request_ends_the_paging(chat, session, member):
    stations(session, 30)
    assert "更多" in chat.say("驿站")
    assert "流动党员服务助手" in chat.say("菜单")
    assert "龙华区民治街道" not in chat.say("更多")


@pytest.mark.parametrize("words", ["更多", "下一页", "还有吗"])
def test_more_with_nothing_waiting_says_so(chat, member, words):
    assert chat.say(words) == "没有更多内容了。想看学习资料发“学习”，看往期发“往期”；发“菜单”看全部功能。"


@pytest.mark.parametrize("mode", ["plain", "safe"])
def test_any_long_text_pages_in_every_mode(make_chat, monkeypatch, member, mode):
    text = "\n".join(f"第{i}行：" + "学" * 60 for i in range(1, 41))
    monkeypatch.setattr(bot.webhook, "dispatch", lambda msg, ctx, router: TextReply(text))
    chat = make_chat("oKite_member_0001", mode=mode)
    first = chat.say("学习")
    assert bytes_of(first) <= wire.MAX_REPLY_BYTES and first.endswith("回复“更多”看下一页）")
    assert first.startswith("第1行：")
