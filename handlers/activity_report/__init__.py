"""志愿服务 (activity_report): a good deed reported in chat becomes a claim for review.

"过年回村参加了义务清扫" is filed as a volunteer activity claim (``models.points.claims``), sent
to the member's red liaison (or the branch secretary, or the township contact) to approve or
reject with "审核 H… 通过"; the member is told the number and who reviews it, and later the
decision. The same words again while it waits are that claim, not a second one. A member asking
how to take part is told who organises it; one who only names the subject (志愿服务, 做了好事怎么报)
is told what to send.
"""
from __future__ import annotations

import re

from handlers.activity_report.vocabulary import VOCABULARY
from handlers.capability import Intent, Offer
from handlers.context import Context, Incoming
from handlers.nlu.policy import Routing
from handlers.people import who_to_contact
from handlers.replies import Reply, TextReply
from models.points.claims import RULE, file_claim
from models.points.notices import quoted

NAME = "activity_report"


# "有没有志愿服务活动", "想参加志愿服务": asking to take part, not reporting a deed done.
ASKS_TO_JOIN = re.compile(r"有没有|有啥|有什么|哪里有|怎么参加|想参加|能参加|报名|想去|想做")
# Words that name the subject or ask how to report it, not a deed: what is left of a message
# once they are gone is the deed, and a message that leaves fewer than two characters of it
# (志愿服务, 做了好事怎么报, 我要报个好人好事) is told what to send instead of filed.
NO_DEED = re.compile(r"志愿服务|志愿者|志愿|好人好事|好事|做了|怎么报|咋报|如何报|怎么登记|怎么申报|能报吗|可以报吗|"
                     r"能登记吗|报一下|申报|登记|上报|报告|汇报|我要|我想|想|积分|算不算|能不能|怎么|这个|那个|"
                     r"一下|一件|个|报|吗|呢|啊|呀|的|了|我")
HAN = re.compile(r"[\u4e00-\u9fff]")


def describes_a_deed(text: str) -> bool:
    """Whether ``text`` says what was done (two characters or more beyond :data:`NO_DEED`)."""
    return len(HAN.findall(NO_DEED.sub("", text))) >= 2


def earns(ctx: Context) -> str:
    """``，通过后记入积分（每次 3 分）`` when approval earns points, else empty."""
    each = ctx.settings.points.each(RULE)
    return f"，通过后记入积分（每次 {each} 分）" if each > 0 else ""


def handle(msg: Incoming, ctx: Context) -> Reply:
    """A deed told: file the claim and say who reviews it (or that it was already sent). Asking
    to take part: who organises it. Only the subject named: what to send."""
    text = (msg.text or "").strip()
    if ASKS_TO_JOIN.search(text):
        return TextReply("志愿服务活动由支部和当地阳光驿站组织，想参加的话告诉您的红色联络员，有活动会通知您；"
                         f"做了好事可以直接发给我，我转给联络员审核，审核后记入积分。{who_to_contact(ctx)}")
    if not describes_a_deed(text):
        return TextReply("谢谢您参加志愿服务、为家乡做好事！想申报的话，直接把做了什么、什么时候、在哪里发给我，"
                         f"例如“过年回村参加了义务清扫”，我转给您的红色联络员审核{earns(ctx)}。")
    filed = file_claim(ctx.session, ctx.member, text, ctx.clock.now(),
                       template_id=ctx.settings.wechat.templates["activity_claim"])
    claim = filed.claim
    if not filed.new and claim.status == "approved":
        return TextReply(f"这件事您已经报过、也审核通过了（编号 {claim.number}），积分已经记上，不用再报。"
                         "做了新的好事，写清什么时候、在哪里再发给我。")
    if not filed.new:
        waiting = f"正在等{claim.reviewer.name}审核" if claim.reviewer else "正在等审核"
        return TextReply(f"这件事您已经报过了（编号 {claim.number}），{waiting}，不用再报。审核后我会告诉您结果。")
    head = f"已收到您报的志愿服务（编号 {claim.number}）：{quoted(claim.text)}。"
    if filed.reviewer is None:
        return TextReply(f"{head}负责审核的联络员和支部书记还没有开通微信通知，请把编号告诉他们，方便审核。"
                         f"{who_to_contact(ctx)}")
    reviewer = filed.reviewer
    return TextReply(f"{head}已转给{reviewer.role}{reviewer.member.name}审核，审核后我会告诉您结果{earns(ctx)}。"
                     "谢谢您为家乡、为身边人做的好事！")


INTENT = Intent(name=NAME, usage="志愿服务 —— 怎么参加、做了好事怎么报", offer=Offer("了解志愿服务怎么参加、做了好事怎么报", "志愿服务"),
                public=False, vocabulary=VOCABULARY,
                routing=Routing(),
                handle=handle)
