"""思想汇报 (thought_report)."""
from __future__ import annotations

from handlers.context import Context, Incoming
from handlers.people import who_to_contact
from handlers.replies import Reply, TextReply

INTENT = "thought_report"
USAGE = "思想汇报 —— 思想汇报怎么交"
OFFER = ("了解思想汇报怎么交", "思想汇报")
PUBLIC = False
# Routing (see handlers.nlu.lexicon): handing in or asking about a thought report.
KEYWORDS: dict[str, float] = {"思想汇报": 6, "汇报": 2.5, "心得体会": 3, "心得": 2, "思想": 2,
                              "心里话": 2.5, "思想动态": 3, "思想上": 2, "想法": 1.5,
                              "交给组织": 2.5, "向组织": 2, "向党组织": 2.5}
SYNONYMS: dict[str, str] = {"思想会报": "思想汇报", "思想汇抱": "思想汇报", "思想会抱": "思想汇报",
                            "思想回报": "思想汇报", "思想汇包": "思想汇报", "思想慧报": "思想汇报"}


def handle(msg: Incoming, ctx: Context) -> Reply:
    """Thought reports go to a person for now: say how to hand one in."""
    return TextReply("思想汇报写好后，可以拍照或整理成文字发给您的红色联络员，由联络员转交支部。"
                     f"{who_to_contact(ctx)}")
