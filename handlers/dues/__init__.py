"""党费 (dues)."""
from __future__ import annotations

from handlers.context import Context, Incoming
from handlers.people import who_to_contact
from handlers.replies import Reply, TextReply

INTENT = "dues"
USAGE = "党费 —— 党费怎么交"
OFFER = ("了解党费怎么交", "党费")
PUBLIC = False
# Routing (see handlers.nlu.lexicon): paying party dues; homophones of 党费 from voice and typing.
KEYWORDS: dict[str, float] = {"党费": 5, "交费": 2, "缴费": 2, "会费": 1, "收据": 2, "到账": 2}
SYNONYMS: dict[str, str] = {"当费": "党费", "党飞": "党费", "党废": "党费", "档费": "党费",
                            "挡费": "党费", "党肺": "党费",
                            "党贵": "党费"}


def handle(msg: Incoming, ctx: Context) -> Reply:
    """Dues are collected by the branch for now: say how and who to ask."""
    return TextReply("党费按月交纳，外出期间也要按时交给您所在的党支部，可以委托家人代交或按支部"
                     f"通知的方式线上交纳。本月应交多少、怎么交，{who_to_contact(ctx)}")
