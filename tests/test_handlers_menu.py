"""Greeting, menu and the fallback: generated from the handlers' usage lines."""
from handlers.registry import usage_lines
from tests.factories import make_branch, make_member

HOTLINE = "服务热线 0471-12345678（工作日 9:00-17:30）"
BIND_LINE = "绑定 姓名 手机号 —— 第一次使用先绑定身份"


def test_menu_for_an_unbound_follower_starts_with_binding(chat):
    lines = [BIND_LINE] + [u for u in usage_lines() if u != BIND_LINE]
    assert chat.say("菜单") == ("您好！我是流动党员服务助手，您可以直接发：\n" + "\n".join(f"· {u}" for u in lines)
                              + f"\n着急的事请拨打{HOTLINE}。")


def test_menu_for_a_member_greets_by_name_without_binding(chat, session):
    make_member(session, make_branch(session), name="张某", openid=chat.openid)
    session.commit()
    reply = chat.say("菜单")
    assert reply.startswith("张某，您好！我是流动党员服务助手，您可以直接发：\n· 学习")
    assert BIND_LINE not in reply


def test_menu_click_is_the_same_menu(chat):
    assert chat.click("MENU") == chat.say("菜单")


def test_unknown_lists_what_the_bot_can_do(chat):
    top = "\n".join(f"· {u}" for u in usage_lines()[:4])
    assert chat.say("今天天气怎么样呀") == (f"抱歉，这句话我还没看懂。您可以这样发：\n{top}\n"
                                     f"发“菜单”看全部功能；着急的事请拨打{HOTLINE}。")
