"""志愿服务 (activity_report)."""
from __future__ import annotations

import re

from handlers.activity_report.vocabulary import VOCABULARY
from handlers.capability import Intent, Offer
from handlers.context import Context, Incoming
from handlers.nlu.policy import Routing
from handlers.people import who_to_contact
from handlers.replies import Reply, TextReply

NAME = "activity_report"


# "有没有志愿服务活动", "想参加志愿服务": asking to take part, not reporting a deed done.
ASKS_TO_JOIN = re.compile(r"有没有|有啥|有什么|哪里有|怎么参加|想参加|能参加|报名|想去|想做")


def handle(msg: Incoming, ctx: Context) -> Reply:
    """Good deeds are reported to a person for now: say what to send and to whom. A member
    asking how to take part is told who organises it."""
    if ASKS_TO_JOIN.search(msg.text or ""):
        return TextReply("志愿服务活动由支部和当地阳光驿站组织，想参加的话告诉您的红色联络员，有活动会通知您；"
                         f"做了好事也可以随时报给联络员，审核后记入积分。{who_to_contact(ctx)}")
    return TextReply("谢谢您参加志愿服务、为家乡做好事！请把做了什么、时间地点和照片发给您的红色联络员，"
                     f"支部审核后记入积分。{who_to_contact(ctx)}")


INTENT = Intent(name=NAME, usage="志愿服务 —— 怎么参加、做了好事怎么报", offer=Offer("了解志愿服务怎么参加、做了好事怎么报", "志愿服务"),
                public=False, vocabulary=VOCABULARY,
                routing=Routing(),
                handle=handle)
