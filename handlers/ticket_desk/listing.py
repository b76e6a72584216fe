"""我的工单: the open tickets a liaison (secretary, township contact) can work, oldest first,
each with how long it has waited and when it is due; the list is remembered so that "接单 2"
means its second line (``models.tickets.desk_list``). A list past a passive reply's 2048 bytes
is paged by the webhook (``handlers.paging``: 回复“更多”)."""
from __future__ import annotations

import datetime as dt

from handlers.context import Context, Incoming
from handlers.replies import Reply, TextReply
from models.clock import SHANGHAI
from models.tickets import TOPIC_NAMES, Ticket, open_in_reach, reach_of, remember_list

# How each open status reads in the list.
STATUS_WORDS = {"new": "待接单", "claimed": "已接单", "reopened": "重新打开", "answered": "已答复"}
HOW_TO = ("发“接单 1”接手第1件；“回复 1 内容”转告党员；“办结 1 小结”办结；"
          "“转 1 姓名”转给本支部联络员或书记；“备注 1 内容”只记不发。序号也可以换成编号。")
NOTHING_OPEN = "您现在没有未办结的求助。有新求助会马上通知您。"


def my_tickets(msg: Incoming, ctx: Context, args: dict[str, str]) -> Reply:
    """The sender's open tickets in reach (``models.tickets.scope``), numbered, oldest first;
    remembered as their list."""
    now = ctx.clock.now()
    tickets, total = open_in_reach(ctx.session, reach_of(ctx.session, ctx.member))
    remember_list(ctx.session, ctx.member.id, [t.id for t in tickets], now)
    if not tickets:
        return TextReply(NOTHING_OPEN)
    lines = "\n".join(f"{n}. {line(t, ctx.member.id, now)}" for n, t in enumerate(tickets, start=1))
    rest = f"\n另有{total - len(tickets)}件较新的没有列出，先办完前面的再发“我的工单”。" if total > len(tickets) else ""
    return TextReply(f"您能处理的未办结求助共{total}件，最早的在前：\n{lines}{rest}\n{HOW_TO}")


def line(ticket: Ticket, viewer_id: int, now: dt.datetime) -> str:
    """One ticket as the list shows it: number, member, topic, status, who holds it (when not
    the viewer), how long it has waited and when it is due (or how late it is)."""
    pressing = "【紧急】" if ticket.pressing else ""
    holder = ticket.holder
    held = "" if ticket.holder_id == viewer_id else f"，{holder.name}经办" if holder else "，无人经办"
    if ticket.status == "answered" or ticket.first_response_at is not None:
        due = ""  # answered once: its first-response deadline is met (a reopened one included)
    elif ticket.due_at > now:
        due = f"，{ticket.due_at.astimezone(SHANGHAI):%m-%d %H:%M}前要联系"
    else:
        due = f"，已超时{span(now - ticket.due_at)}"
    return (f"{pressing}{ticket.number} {ticket.member.name} {TOPIC_NAMES[ticket.topic]}，"
            f"{STATUS_WORDS[ticket.status]}{held}，已等{span(now - ticket.created_at)}{due}")


def span(delta: dt.timedelta) -> str:
    """A duration as a liaison reads it: 不到1小时, 5小时, 2天, 2天3小时."""
    hours = int(delta.total_seconds() // 3600)
    if hours < 1:
        return "不到1小时"
    days, hours = divmod(hours, 24)
    if not days:
        return f"{hours}小时"
    return f"{days}天{hours}小时" if hours else f"{days}天"
