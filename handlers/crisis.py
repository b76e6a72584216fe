"""A member who speaks of ending their life (不想活了, 活着没意思, 想跳楼).

Whatever else is going on — a dialog waiting for an answer, a question asked, not yet bound —
this comes first: a caring answer with numbers that answer at once, and, for a member, a ticket
to their red liaison filed without asking, urgency ``crisis`` (``models.tickets.filing``: due
within the hour, flagged to the liaison; ``handlers.engine`` routes it before any dialog). Read on the normalised text, so 活著沒意思 is 活着没意思.
"""
from __future__ import annotations

import re

# Words of despair and of self-harm (活[着著]: opencc keeps 著, a simplified character too).
# Not: 想死你们了 / 想死我妈了 (missing someone: 想死 then a person), 热死了 / 笑死 (manner of
# speaking), 跳楼价 (a sale), 不想活动了 (activity).
CRISIS = re.compile(
    r"不想活(?![动跃泼])|不想再活|活[着著](?:真|还|又)?(?:没|有啥|有什么|没啥)意思|活不下去了?|活够了"
    r"|想死(?=$|了|啊|呀|吧|算了|的心| )|我想去死|想去死|死了算了|死了得了|死了就解脱|不如死了|一死了之"
    r"|跳楼(?!价|甩卖|大甩卖)|跳河|跳江|跳湖|自杀|轻生|寻短见|想不开|割腕|喝农药|想喝药|吃安眠药"
    r"|了结自己|结束(?:自己的)?生命|一了百了|走了算了|撑不下去了? ?想走")
# 12356: the national psychological assistance hotline (国家卫生健康委员会, nationwide since
# 2025-01-01, 24 hours); 110 / 120: police and ambulance.
LIFELINE = ("您说的话我们很在意，您不是一个人扛着。现在就可以拨打全国心理援助热线 12356（24小时），"
            "有人听您说；如果有危险，请马上拨打 110 或 120。")


def speaks_of_it(text: str | None) -> bool:
    """True when ``text`` (normalised: simplified, lower-case) speaks of ending one's life."""
    return bool(text) and CRISIS.search(text) is not None
