"""积分 (points)."""
from __future__ import annotations

from handlers.capability import Intent, Offer
from handlers.context import Context, Incoming
from handlers.nlu.policy import Routing
from handlers.people import who_to_contact
from handlers.points.vocabulary import VOCABULARY
from handlers.replies import Reply, TextReply

NAME = "points"


def handle(msg: Incoming, ctx: Context) -> Reply:
    """Points are kept by the branch for now: say who can look them up."""
    return TextReply("学习、参加组织生活和志愿服务都可以积分。积分查询还在准备中，"
                     f"想知道现在的积分，{who_to_contact(ctx)}")


INTENT = Intent(name=NAME, usage="积分 —— 积分怎么算、怎么查", offer=Offer("了解积分怎么算、怎么查", "积分"),
                public=False, vocabulary=VOCABULARY,
                routing=Routing(),
                handle=handle)
