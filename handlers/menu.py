"""Greeting and menu (帮助 / 菜单): what the bot can do, generated from the handlers' usage lines."""
from __future__ import annotations

from handlers.context import Context, Incoming
from handlers.people import hotline
from handlers.replies import Reply, TextReply

INTENT = "menu"
USAGE = None
PUBLIC = True
# Routing (see nlu.lexicon): greetings, thanks, "what can you do" — weak words, so any real
# request in the same message wins; a message that is only a command word is strong.
KEYWORDS: dict[str, float] = {
    "菜单": 4, "帮助": 2, "你好": 1.5, "您好": 1.5, "哈喽": 2, "功能": 2, "使用说明": 4,
    "怎么用": 3, "选项": 2.5, "首页": 3, "谢谢": 2, "感谢": 2, "明白了": 2, "知道了": 2, "好的": 1.5,
    "收到": 1.5, "早上好": 2, "中午好": 2, "下午好": 2, "晚上好": 2, "在吗": 1.5, "能干啥": 3, "不会用": 3, "怎么操作": 2.5, "能做什么": 3,
    "能干什么": 3, "有什么功能": 3, "哪些服务": 3, "什么服务": 2.5, "多谢": 2, "谢": 2, "晚安": 2, "取消": 2,
    "早安": 2, "公众号": 1.5, "好嘞": 2, "好滴": 2, "好哒": 2, "ok": 1.5,
    "干什么的": 2.5, "做什么的": 2.5, "办什么事": 2.5,
}
PATTERNS: dict[str, float] = {
    r"^(?:hi|hello|help|menu|帮助|菜单|首页|功能|你好|您好|嗨|喂|在吗|在么|在不在)$": 4}

# Custom-menu CLICK EventKeys -> intent they stand for (see ``menu`` in config.yaml).
MENU_KEYS = {
    "STUDY_TODAY": "study",
    "HELP_REQUEST": "help_request",
    "MY_INFO": "update_info",
    "MY_LIAISON": "liaison",
    "STATIONS": "station",
    "MENU": "menu",
}


def handle(msg: Incoming, ctx: Context) -> Reply:
    """Greeting and the list of what the bot can do, from every handler's ``USAGE`` line; a
    bound member does not see the binding line, an unbound follower sees it first."""
    from handlers import bind
    from handlers.registry import usage_lines  # the registry imports this module

    lines = [line for line in usage_lines() if line != bind.USAGE]
    if ctx.member is None:
        lines.insert(0, bind.USAGE)
    greeting = f"{ctx.member.name}，您好！" if ctx.member else "您好！"
    listing = "\n".join(f"· {line}" for line in lines)
    return TextReply(f"{greeting}我是流动党员服务助手，您可以直接发：\n{listing}\n"
                     f"着急的事请拨打{hotline(ctx)}。")
