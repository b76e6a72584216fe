"""党费 (dues)."""
from __future__ import annotations

from handlers.capability import Intent, Offer
from handlers.context import Context, Incoming
from handlers.dues.vocabulary import VOCABULARY
from handlers.nlu.policy import Routing
from handlers.people import who_to_contact
from handlers.replies import Reply, TextReply

NAME = "dues"


def handle(msg: Incoming, ctx: Context) -> Reply:
    """Dues are collected by the branch for now: say how and who to ask."""
    return TextReply("党费按月交纳，外出期间也要按时交给您所在的党支部，可以委托家人代交或按支部"
                     f"通知的方式线上交纳。本月应交多少、怎么交，{who_to_contact(ctx)}")


INTENT = Intent(name=NAME, usage="党费 —— 党费怎么交", offer=Offer("了解党费怎么交", "党费"),
                public=False, vocabulary=VOCABULARY,
                routing=Routing(),
                handle=handle)
