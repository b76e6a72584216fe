"""组织生活 (org_life)."""
from __future__ import annotations

from handlers.capability import Intent, Offer
from handlers.context import Context, Incoming
from handlers.nlu.policy import Routing
from handlers.org_life.vocabulary import VOCABULARY
from handlers.people import who_to_contact
from handlers.replies import Reply, TextReply

NAME = "org_life"


def handle(msg: Incoming, ctx: Context) -> Reply:
    """Meetings are run by the branch: say how mobile members take part and ask for leave. A
    check-in code (签到 4827, the router's ``checkin_code`` slot) is acknowledged and sent on to a
    person: attendance is not recorded by chat yet, and a code the member sent must not vanish."""
    code = ctx.route.slots.get("checkin_code") if ctx.route else None
    if code:
        return TextReply(f"收到您的签到码 {code}。线上签到还在准备中，这次请把签到码告诉主持会议的支部书记，"
                         f"由支部登记出席。{who_to_contact(ctx)}")
    return TextReply("“三会一课”和主题党日的时间、线上参加方式由支部通知；实在参加不了，请提前向支部"
                     f"请假。想问下次组织生活的安排，{who_to_contact(ctx)}")


INTENT = Intent(name=NAME, usage="开会 —— 组织生活安排和请假", offer=Offer("了解组织生活安排、怎么请假", "开会"),
                public=False, vocabulary=VOCABULARY,
                routing=Routing(),
                handle=handle)
