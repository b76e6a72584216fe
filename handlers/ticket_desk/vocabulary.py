"""When a liaison's words without a ticket number are an answer to a ticket, and when they are
a help request of their own.

A liaison writing back after a notice does not quote the number: "好的 明天去劳动监察大队",
"已经联系了", "钱已经要回来了", "打过电话了". The router reads such words as a help request (劳动监察),
nothing at all, their own liaison (联系) or news of their own (回来了, 电话) — for a member
that is right, for someone holding tickets it is a report on a case. Words that clearly ask
for help for themself (求助 …, 帮帮我, 请组织帮我) stay a help request; thanks and "好的"
alone stay courtesy; questions about the bot and its commands are no answer to a member.
"""
from __future__ import annotations

import re

from handlers import help_request, liaison, unknown, update_info
from handlers.dialog_machine import words
from handlers.menu import courtesy_reply
from handlers.nlu.route import Route
from handlers.paging import asks_more

# The routed intents that, from someone holding tickets, are a report on a case.
ANSWER_INTENTS = frozenset({unknown.NAME, help_request.NAME, liaison.NAME})
# Someone else's matter, or work on a case: with these, "回来了" is the money or the member, not
# the liaison back home, and "打过电话了" a call made, not a new phone number.
CASE_WORK = re.compile(r"他|她|对方|老板|工头|工资|工钱|钱|党员|家属|孩子|老人|单位|公司"
                       r"|打过电话|打了电话|电话联系|联系过|联系了|联系上|通过电话|上门|见过面|见了面|去过"
                       r"|劳动监察|仲裁|律师|法院|派出所|社区|街道")
# Help for themself, in so many words.
OWN_HELP = re.compile(r"^(?:我|俺)?(?:要|想|需要)?求助|帮帮(?:我|俺)|救救(?:我|俺)|求救"
                      r"|我(?:需要|想要|想请|要请)(?:组织|支部|你们)?帮|请(?:组织|支部|你们)帮(?:帮)?(?:我|俺)?"
                      r"|我(?:自己|家里?|们家)(?:也)?(?:遇到|有|出)了?(?:困难|难处|事)")
# Talk about the bot and its commands, not to a member.
ABOUT_THE_DESK = re.compile(r"机器人|你是谁|怎么用|怎么操作|怎么(?:回复|答复|接单|办结|转)|什么意思|啥意思"
                            r"|工单|编号|序号|菜单|帮助")


def answers_a_case(route: Route | None, text: str | None) -> bool:
    """Whether ``text`` (routed as ``route``), from someone holding tickets, reads as an
    answer to one of them (see the module docstring)."""
    said = text or ""
    if route is None or not words(said) or asks_more(said) or courtesy_reply(said) is not None:
        return False
    if OWN_HELP.search(said) or ABOUT_THE_DESK.search(said):
        return False
    if route.intent in ANSWER_INTENTS or route.guessed:
        return True
    return route.intent == update_info.NAME and CASE_WORK.search(said) is not None
