"""思想汇报 (thought_report)."""
from __future__ import annotations

from handlers.capability import Intent, Offer
from handlers.context import Context, Incoming
from handlers.nlu.policy import Routing
from handlers.people import who_to_contact
from handlers.replies import Reply, TextReply
from handlers.thought_report.vocabulary import VOCABULARY

NAME = "thought_report"


def handle(msg: Incoming, ctx: Context) -> Reply:
    """Thought reports go to a person for now: say how to hand one in."""
    return TextReply("思想汇报写好后，可以拍照或整理成文字发给您的红色联络员，由联络员转交支部。"
                     f"{who_to_contact(ctx)}")


INTENT = Intent(name=NAME, usage="思想汇报 —— 思想汇报怎么交", offer=Offer("了解思想汇报怎么交", "思想汇报"),
                public=False, vocabulary=VOCABULARY,
                routing=Routing(),
                handle=handle)
