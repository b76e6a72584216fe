"""The pipeline end to end: a follower says something and gets exactly one reply."""


def test_unbound_follower_is_told_how_to_bind(chat):
    assert chat.say("我想学习") == "您还没有绑定党员身份。请发送“绑定 姓名 手机号”（例如：绑定 张某 13800001234）完成身份绑定。"


def test_menu_is_public(chat):
    assert "流动党员服务助手" in chat.say("菜单")
