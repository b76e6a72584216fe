"""我的档案 (member_file): the member's own file (一人一档) in one message — details and last
confirmation, liaison and their latest contacts, this month's study, open help requests, the
transfer, and the record kinds not kept yet — from the sections of ``models.member_file``."""
from __future__ import annotations

from handlers.capability import Intent, Offer
from handlers.context import Context, Incoming
from handlers.member_file.vocabulary import VOCABULARY
from handlers.nlu.policy import Routing
from handlers.replies import Reply, TextReply
from models.member_file import render

NAME = "member_file"
FOOTER = "信息有变化直接告诉我，例如“我现在在苏州”“电话换成13800005678”。"


def handle(msg: Incoming, ctx: Context) -> Reply:
    """The member's file, section by section, and how to correct it. A file longer than a
    passive reply comes a page at a time (``handlers.paging``)."""
    sections = render(ctx.session, ctx.member, ctx.clock.now())
    return TextReply("\n".join([f"【{ctx.member.name}的档案】", *sections, FOOTER]))


INTENT = Intent(name=NAME, usage="我的档案 —— 一人一档：信息、学习、求助、转接", offer=Offer("看看您的档案", "我的档案"),
                public=False, vocabulary=VOCABULARY,
                routing=Routing(has_slots=False),
                handle=handle)
