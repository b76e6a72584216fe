"""Greeting and menu (帮助 / 菜单): what the bot can do, generated from the handlers' usage lines."""
from __future__ import annotations

import re

from handlers.commands import usage_for
from handlers.context import Context, Incoming
from handlers.people import hotline
from handlers.replies import Reply, TextReply
from models.caseload import Caseload, caseload_of
from models.roles import Role

INTENT = "menu"
USAGE = None
OFFER = None
PUBLIC = True
# Routing (see handlers.nlu.lexicon): greetings, thanks, "what can you do" — weak words, so any real
# request in the same message wins; a message that is only a command word is strong.
KEYWORDS: dict[str, float] = {
    "菜单": 4, "帮助": 2, "你好": 1.5, "您好": 1.5, "哈喽": 2, "功能": 2, "使用说明": 4, "操作指南": 4, "使用指南": 4, "指南": 3,
    "操作说明": 4, "主页": 3, "目录": 3, "行嘞": 2, "回头再来": 2, "大家好": 2, "各位好": 2,
    "怎么用": 3, "选项": 2.5, "首页": 3, "谢谢": 2, "感谢": 2, "感恩": 2, "明白了": 2, "知道了": 2, "好的": 1.5,
    "收到": 1.5, "早上好": 2, "中午好": 2, "下午好": 2, "晚上好": 2, "在吗": 1.5, "能干啥": 3, "不会用": 3, "怎么操作": 2.5, "能做什么": 3,
    "能干什么": 3, "有什么功能": 3, "哪些服务": 3, "什么服务": 2.5, "多谢": 2, "谢": 2, "晚安": 2, "取消": 2,
    "早安": 2, "公众号": 1.5, "好嘞": 2, "好滴": 2, "好哒": 2, "ok": 1.5,
    "干什么的": 2.5, "做什么的": 2.5, "办什么事": 2.5, "能干嘛": 3, "干嘛用": 2.5, "有啥用": 2.5,
    # 好的 after a degree word describes something (挺好的, 还不错): no acknowledgement
    "挺好的": 0, "很好的": 0, "真好的": 0, "蛮好的": 0, "不好的": 0, "还好的": 0, "最好的": 0,
    "也好的": 0, "多好的": 0, "太好的": 0,
}
PATTERNS: dict[str, float] = {
    r"(?:能|可以)(?:办|干|做)(?:些|点)?(?:什么|啥)(?:事)?": 3,
    r"^(?:hi|hello|help|menu|帮助|菜单|首页|主页|功能|你好|您好|大家好|各位好|嗨|喂|在吗|在么|在不在)+$": 4}

# Custom-menu CLICK EventKeys -> intent they stand for (see ``menu`` in config.yaml).
MENU_KEYS = {
    "STUDY_TODAY": "study",
    "HELP_REQUEST": "help_request",
    "MY_INFO": "update_info",
    "MY_LIAISON": "liaison",
    "STATIONS": "station",
    "MENU": "menu",
}


# Thanks and acknowledgements need a word back, not the whole menu; a message that also asks
# what the bot can do still gets the menu ("帮助" is left out: 谢谢你们的帮助 is thanks).
THANKS = ("谢", "感恩", "麻烦你们了", "麻烦了", "辛苦了", "辛苦你们")
ACK = re.compile(r"(?:(?:嗯呐|嗯嗯|嗯|好的|好嘞|好滴|好哒|收到|收到了|知道了|明白了|ok|OK|好)[啦了呀哈的]*)+")
# A greeting by the time of day is answered in kind, not with the whole menu.
TIME_GREETINGS = {"早上好": "早上好！今天也注意安全。", "早安": "早上好！今天也注意安全。",
                  "中午好": "中午好！记得按时吃饭。", "下午好": "下午好！",
                  "晚上好": "晚上好！忙了一天，早点休息。", "晚安": "晚安，好好休息！",
                  "在吗": "在的！", "在么": "在的！", "在不在": "在的！", "在嘛": "在的！"}
GREETING_CHARS = re.compile(r"^(?:各位|大家|你们|您们)|[啊呀哈呢吖]+$")
ASKS_FOR_MENU = ("菜单", "功能", "怎么", "什么", "哪些", "说明", "选项", "首页", "干啥")
FRIENDLY_CLOSE = "有事随时发消息给我，发“菜单”可以看全部功能。"


def handle(msg: Incoming, ctx: Context) -> Reply:
    """Greeting and the list of what the bot can do, from every handler's ``USAGE`` line; a
    bound member does not see the binding line, an unbound follower sees it first. Thanks get a
    short warm word instead, and so do greetings by the time of day (:func:`courtesy_reply`); a
    liaison is told first what waits on them, and anyone with a role the commands of that role
    (``handlers.commands``)."""
    courtesy = courtesy_reply(msg.text)
    if courtesy is not None:
        return TextReply(courtesy)
    caseload = caseload_of(ctx.session, ctx.member) if Role.LIAISON in ctx.roles else None
    commands = "\n".join(f"· {line}" for line in usage_for(ctx.commands, ctx.roles))
    if caseload is not None or commands:
        role = _caseload_text(caseload) if caseload is not None else ""
        said = f"\n您可以发：\n{commands}" if commands else ""
        greeting = f"{ctx.member.name}，您好！{role}{said}\n您本人也可以直接发："
    elif ctx.member is not None:
        greeting = f"{ctx.member.name}，您好！我是流动党员服务助手，您可以直接发："
    else:
        greeting = "您好！我是流动党员服务助手，您可以直接发："
    return TextReply(f"{greeting}\n{_listing(ctx)}\n着急的事请拨打{hotline(ctx)}。")


def courtesy_reply(text: str | None) -> str | None:
    """The answer to a message that only thanks, acknowledges or greets by the time of day
    ("谢谢", "收到了，谢谢你们", "好的", "晚安"), else ``None``."""
    said = "".join(ch for ch in (text or "") if ch.isalnum())
    if not said or any(word in said for word in ASKS_FOR_MENU):
        return None
    greeting = TIME_GREETINGS.get(GREETING_CHARS.sub("", said))
    if greeting is not None:
        return f"{greeting}{FRIENDLY_CLOSE}"
    if any(word in said for word in THANKS):
        return f"不客气！{FRIENDLY_CLOSE}"
    if ACK.fullmatch(said):
        return f"好的！{FRIENDLY_CLOSE}"
    return None


def _caseload_text(caseload: Caseload) -> str:
    if caseload.waiting == 0:
        waiting = "现在没有等您处理的求助，有新求助会马上通知您。"
    else:
        waiting = f"现在有{caseload.waiting}件求助等您处理，最新的编号：{'、'.join(caseload.newest)}。"
    return f"您是红色联络员，{waiting}请按求助通知里的电话直接给党员打电话。"


def _listing(ctx: Context) -> str:
    from handlers import bind
    from handlers.registry import usage_lines  # the registry imports this module

    lines = [line for line in usage_lines() if line != bind.USAGE]
    if ctx.member is None:
        lines.insert(0, bind.USAGE)
    return "\n".join(f"· {line}" for line in lines)
