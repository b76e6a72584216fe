"""A member who speaks of ending their life (不想活了, 活着没意思, 想跳楼).

Whatever else is going on — a dialog waiting for an answer, a question asked, not yet bound —
this comes first: a caring answer with numbers that answer at once, and, for a member, a ticket
to their red liaison filed without asking (``handlers.registry`` routes it before any dialog).
"""
from __future__ import annotations

import re

# Words of despair and of self-harm; not 想死你了 (missing someone) nor 热死了 / 笑死 (manner of
# speaking).
CRISIS = re.compile(r"不想活|活着没意思|活着没啥意思|活不下去了|想死(?![你您他她咱])|死了算了|不如死了|一死了之"
                    r"|跳楼|跳河|跳江|跳湖|自杀|轻生|寻短见|割腕|喝农药|吃安眠药|了结自己|结束(?:自己的)?生命"
                    r"|一了百了|不想再活")
# 12356: the national psychological assistance hotline (国家卫生健康委员会, nationwide since
# 2025-01-01, 24 hours); 110 / 120: police and ambulance.
LIFELINE = ("您说的话我们很在意，您不是一个人扛着。现在就可以拨打全国心理援助热线 12356（24小时），"
            "有人听您说；如果有危险，请马上拨打 110 或 120。")


# Put before the member's words in the ticket, so the liaison sees it in the notice.
FLAG = "【情绪危机，请马上联系】"


def speaks_of_it(text: str | None) -> bool:
    """True when ``text`` speaks of ending one's life (``CRISIS``)."""
    return bool(text) and CRISIS.search(text) is not None
