"""What the people up the chain read: a new ticket a secretary (or township contact) has in a
liaison's stead, and the notice of each escalation step — to whoever holds a late ticket, or to
the secretary or township contact above them: who asked, about what, how late, who holds it,
and the commands that act on it (接单 / 回复 / 转, ``handlers.commands``)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from models.clock import beijing_minute
from models.delivery.payloads import TemplateNotice
from models.member import Member
from models.tickets.notices import NOTICE_MAX_BYTES, as_the_liaison_reads
from models.tickets.ticket import TOPIC_NAMES, Ticket

# Why a person above has a new ticket (models.tickets.routing.Holder.why), as they are told.
WHY_TEXT = {"no_liaison": "支部还没有红色联络员", "own_request": "这是红色联络员本人的求助",
            "liaison_unbound": "其红色联络员{}还没有开通微信通知，这是紧急求助"}


@dataclass(frozen=True)
class Lateness:
    """How a ticket is late: its first answer (``target`` ``response``) or its settling
    (``resolution``) was due at ``due``; at ``now`` it is ``now - due`` late."""

    target: str
    due: dt.datetime
    now: dt.datetime

    @property
    def late_by(self) -> str:
        """How late, as people say it: ``1天2小时``, ``5小时``, ``40分钟``."""
        return how_long(self.now - self.due)

    @property
    def missed(self) -> str:
        """What was missed: ``应在11月30日 09:00前首次答复`` or ``…前办结``."""
        verb = "首次答复" if self.target == "response" else "办结"
        return f"应在{beijing_minute(self.due)}前{verb}"

    @property
    def state(self) -> str:
        """Where the ticket stands for it: not yet answered, or answered but not settled."""
        return "还没有答复" if self.target == "response" else "还没有办结"

    @property
    def short(self) -> str:
        """:attr:`state` in a template's few characters: 未答复 / 未办结."""
        return "未答复" if self.target == "response" else "未办结"


def how_long(span: dt.timedelta) -> str:
    """``span`` in days, hours and minutes, the largest two that are not zero (at least 1分钟)."""
    minutes = max(int(span.total_seconds() // 60), 1)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [f"{n}{unit}" for n, unit in ((days, "天"), (hours, "小时"), (minutes, "分钟")) if n]
    return "".join(parts[:2])


def commands(number: str) -> str:
    """How to act on ticket ``number`` by chat."""
    return f"发“接单 {number}”接手，“回复 {number} 情况”答复党员，“转 {number} 姓名”转给他人"


def standin_notice(ticket: Ticket, title: str, why: str) -> str:
    """A new ticket for a ``title`` (支部书记 …) who has it in a liaison's stead, ``why`` as in
    :data:`WHY_TEXT`: who, what, by when, and how to act; within :data:`NOTICE_MAX_BYTES`."""
    member, due = ticket.member, beijing_minute(ticket.due_at)
    liaison = ticket.liaison.member.name if ticket.liaison else ""
    head = (f"【新求助 {ticket.number}】{member.branch.name}党员{member.name}（电话 {member.phone or '无'}）"
            f"求助{TOPIC_NAMES[ticket.topic]}：")
    when = "请马上" if ticket.pressing else f"请在{due}前"
    tail = (f"。{WHY_TEXT[why].format(liaison)}，转给{title}您跟进：{when}电话联系{member.name}；"
            f"{commands(ticket.number)}。")
    return quoted(head, as_the_liaison_reads(ticket), tail)


def escalation_notice(ticket: Ticket, step: str, late: Lateness, *, holder_title: str,
                      next_title: str | None, period: str) -> str:
    """The notice of escalation ``step``: to the holder (step ``liaison``), a reminder that
    says what is late and who is told next (``next_title`` after ``period`` more, if anyone);
    to a secretary or township contact, the case, who holds it (``holder_title`` + name) and how
    to act. Within :data:`NOTICE_MAX_BYTES`."""
    member = ticket.member
    topic = TOPIC_NAMES[ticket.topic]
    if step == "liaison":
        then = f"再过{period}仍未处理，将上报{next_title}。" if next_title else ""
        act = "答复请发“回复 {0} 情况”，办好了发“办结 {0} 小结”".format(ticket.number)
        return (f"【求助超时提醒 {ticket.number}】{member.name}（电话 {member.phone or '无'}）求助{topic}，"
                f"{late.missed}，已超时{late.late_by}，{late.state}。请尽快电话联系{member.name}，{act}。{then}")
    holder = ticket.holder
    holds = f"现由{holder_title}{holder.name}（电话 {holder.phone or '无'}）经办" if holder else "目前没有经办人"
    head = (f"【求助超时上报 {ticket.number}】{member.branch.name}党员{member.name}（电话 {member.phone or '无'}）"
            f"求助{topic}：")
    tail = (f"。{late.missed}，已超时{late.late_by}，{late.state}；{holds}。请督促或亲自处理：{commands(ticket.number)}。")
    return quoted(head, as_the_liaison_reads(ticket), tail)


def escalation_template(ticket: Ticket, late: Lateness, template_id: str) -> TemplateNotice:
    """The escalation notice as a template message (``wechat.templates.ticket_escalation``),
    sent at once when the reader's window is closed, the full text on their next message.
    Fields ≤ 20 characters, no line breaks (模板消息 rules): thing1 who and what,
    character_string2 the number, thing3 how late, thing4 who holds it, thing5 what to do."""
    member: Member = ticket.member
    holder = ticket.holder
    values = {"thing1": f"{member.name}求助{TOPIC_NAMES[ticket.topic]}",
              "character_string2": ticket.number,
              "thing3": f"超时{late.late_by}{late.short}",
              "thing4": f"经办人{holder.name}" if holder else "暂无经办人",
              "thing5": "回复任意消息查看详情"}
    return TemplateNotice(template_id, {k: v[:20] for k, v in values.items()})


def quoted(head: str, words: str, tail: str) -> str:
    """``head“words”tail`` within :data:`NOTICE_MAX_BYTES` of UTF-8: ``words`` cut to their
    beginning with an ellipsis when the whole would not fit (the ticket keeps all of them)."""
    text = f"{head}“{words}”{tail}"
    if len(text.encode("utf-8")) <= NOTICE_MAX_BYTES:
        return text
    budget = max(NOTICE_MAX_BYTES - len(f"{head}“…”{tail}".encode("utf-8")), 0)
    # Cut on bytes, then drop the half character the cut may leave.
    return f"{head}“{words.encode('utf-8')[:budget].decode('utf-8', errors='ignore')}…”{tail}"
