"""组织关系转接 (transfer_relation): the guide on request, and a member's request to transfer.

Asking about it (转关系, 组织关系怎么转) gets the guide (``models.transfers.guide``: the rule,
what to prepare, whom to contact), the same the daily job sends members away long enough.
Saying they want it (我要转组织关系, 想把关系转到宁波) starts the confirmation
(``handlers.dialogs.transfer_request``); confirmed, the request is recorded and reaches the
branch secretary. A request already open is not made twice.
"""
from __future__ import annotations

import re

from handlers.capability import Intent, Offer
from handlers.context import Context, Incoming
from handlers.dialogs.transfer_request import ask, named_destination
from handlers.nlu.normalize import normalise
from handlers.nlu.policy import Routing
from handlers.replies import Reply, TextReply
from handlers.transfer_relation.vocabulary import VOCABULARY
from models.clock import SHANGHAI
from models.member_file.section import local_date
from models.transfers import destination_of, guide_text, latest_request, open_request
from models.transfers.guide import whom_to_contact

NAME = "transfer_relation"
WHERE_EXAMPLE = "我要把组织关系转到宁波"

# Wanting it done: 我要转组织关系, 想把关系转到宁波, 申请转接, 帮我把关系转过去.
WANTS = re.compile(r"(?:我要|我想|想要|想把|想|申请|帮我|给我|准备|打算|麻烦)[\u4e00-\u9fff]{0,8}?(?:转|迁|挪|落)")
# Asking how, whether, or not wanting it: the guide answers.
ASKS = re.compile(r"怎么|怎样|如何|咋|吗|么|呢|什么|哪些|啥|流程|手续|材料|问问|问一下|请问|能不能|可不可以"
                  r"|是不是|需要|要不要|不想|不要|不用|不转|先不|暂时不|[?？]")


def handle(msg: Incoming, ctx: Context) -> Reply:
    """The guide, or — when the member says they want to transfer — the confirmation of their
    request; a request already open is said to be in hand instead."""
    text = (ctx.route.normalised if ctx.route and ctx.route.normalised else None) or normalise(msg.text or "")
    today = ctx.clock.now().astimezone(SHANGHAI).date()
    pending = open_request(ctx.session, ctx.member)
    if WANTS.search(text) and not ASKS.search(text):
        if pending is not None:
            return TextReply(f"您已经申请把组织关系转到{pending.destination}（{local_date(pending.requested_at)}），"
                             f"支部正在办理。着急的话，{whom_to_contact(ctx.session, ctx.member, ctx.settings.district)}")
        destination = named_destination(ctx) or destination_of(ctx.member)
        if destination is None:
            return TextReply(f"想把组织关系转到哪个城市？请连城市一起发，例如“{WHERE_EXAMPLE}”。")
        return TextReply(ask(msg, ctx, destination))
    guide = guide_text(ctx.session, ctx.member, ctx.settings.district, today)
    latest = pending or latest_request(ctx.session, ctx.member)
    if latest is None:
        return TextReply(guide)
    if latest.status == "done":
        return TextReply(f"您的组织关系转接（转到{latest.destination}）已于{local_date(latest.done_at)}办结。\n{guide}")
    return TextReply(f"您已经申请把组织关系转到{latest.destination}（{local_date(latest.requested_at)}），"
                     f"支部正在办理。\n{guide}")


INTENT = Intent(name=NAME, usage="转关系 —— 办理组织关系转接", offer=Offer("办理组织关系转接", "转关系"),
                public=False, vocabulary=VOCABULARY,
                routing=Routing(),
                handle=handle)
