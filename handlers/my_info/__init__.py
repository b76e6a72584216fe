"""What is on file for the member ("我的信息"): destination, phone (masked), employer, reason for
being away, away since, status and liaison; when the record was last confirmed; the last few
changes with who made them; and how to change it.

Only what the member's own record says (``models.member_history`` for the history): the whole
member file — study, help requests, transfer — is another capability's (我的档案)."""
from __future__ import annotations

from handlers.capability import Intent, Offer
from handlers.context import Context, Incoming
from handlers.details_text import place, unlisted_note
from handlers.my_info.vocabulary import VOCABULARY
from handlers.nlu.policy import Routing
from handlers.replies import Reply, TextReply
from models.contacts import contacts_for
from models.member import mask_phone
from models.member_history import (
    EMPTY,
    day_text,
    entry_text,
    history,
    value_text,
)
from models.verification.freshness import last_verified_at

NAME = "my_info"
# Changes shown: the export and the member file show them all.
RECENT = 3
HOW_TO_CHANGE = ("要修改，请发“更新信息”，我一项一项问您；也可以直接说，"
                 "例如“我现在在宁波”“在顺丰物流上班了”“去年3月出来的”。")


def handle(msg: Incoming, ctx: Context) -> Reply:
    """The member's record as it is on file, when it was last confirmed, the last
    :data:`RECENT` changes (who, when, from what to what) and how to change it."""
    member = ctx.member
    c = contacts_for(ctx.session, member)
    liaison = (f"{c.liaison_name}" + (f"（电话 {c.liaison_phone}）" if c.liaison_phone else "")
               if c.liaison_name else "还没有安排")
    confirmed = last_verified_at(ctx.session, member.id)
    lines = [
        f"{member.name}，您登记的信息是：",
        f"流动去向：{place(member)}{unlisted_note(member)}",
        f"手机号：{mask_phone(member.phone) or EMPTY}",
        f"工作单位：{value_text('employer', member.employer)}",
        f"外出原因：{value_text('away_reason', member.away_reason)}",
        f"外出时间：{value_text('away_since', member.away_since)}",
        f"状态：{value_text('status', member.status)}",
        f"红色联络员：{liaison}",
        f"最近一次确认：{day_text(confirmed) if confirmed else '还没有确认过'}",
    ]
    recent = history(ctx.session, member, entries=RECENT)
    if recent:
        lines.append("最近的修改：")
        lines += [f"· {entry_text(entry, member)}" for entry in recent]
    lines.append(HOW_TO_CHANGE)
    return TextReply("\n".join(lines))


INTENT = Intent(name=NAME, usage="我的信息 —— 看看登记的信息和修改记录", offer=Offer("看看登记的信息", "我的信息"),
                public=False, vocabulary=VOCABULARY,
                routing=Routing(has_slots=False),
                handle=handle)
