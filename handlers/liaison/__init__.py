"""红色联络员 (liaison)."""
from __future__ import annotations

from handlers.capability import Intent, Offer
from handlers.context import Context, Incoming
from handlers.liaison.vocabulary import VOCABULARY
from handlers.nlu.policy import Routing
from handlers.people import hotline
from handlers.replies import Reply, TextReply

NAME = "liaison"


# A complaint (我要投诉联络员不理我) goes to the branch and the hotline, never to the liaison.
COMPLAINT = "投诉"


def handle(msg: Incoming, ctx: Context) -> Reply:
    """Who the member's red liaison is and how to reach them; a complaint about them, the branch
    and the hotline instead; before binding, the hotline."""
    if ctx.card is None:
        return TextReply("绑定身份后我就能告诉您，您的红色联络员是谁。请发送“绑定 姓名 手机号”"
                         f"（例如：绑定 张某 13800001234）；现在有事可以拨打{hotline(ctx)}。")
    c = ctx.contacts
    if COMPLAINT in (ctx.route.normalised if ctx.route else msg.text or ""):
        return complaint_reply(ctx)
    if c.liaison_name:
        phone = f"，电话 {c.liaison_phone}" if c.liaison_phone else ""
        return TextReply(f"您的红色联络员是{c.liaison_name}{phone}。遇到困难可以直接发“求助”加上"
                         f"具体情况，我会马上转给{c.liaison_name}；也可以拨打{hotline(ctx)}。")
    branch = f"（电话 {c.branch_phone}）" if c.branch_phone else ""
    return TextReply(f"{c.branch_name}还没有给您安排红色联络员。有事请联系支部{branch}，"
                     f"或拨打{hotline(ctx)}。")


def complaint_reply(ctx: Context) -> Reply:
    """The answer to a complaint about the member's liaison: the branch and the hotline, since
    a complaint must not be sent back to that same liaison."""
    c = ctx.contacts
    branch = f"（电话 {c.branch_phone}）" if c.branch_phone else ""
    return TextReply(f"很抱歉给您添麻烦了。对联络员的意见，请直接告诉{c.branch_name}{branch}，"
                     f"或拨打{hotline(ctx)}，我们会认真处理。")


INTENT = Intent(name=NAME, usage="联络员 —— 您的红色联络员是谁", offer=Offer("知道您的红色联络员是谁", "联络员"),
                public=True, vocabulary=VOCABULARY,
                routing=Routing(),
                handle=handle)
