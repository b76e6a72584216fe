"""What the people on a thought report are told through the outbox:

- the reader of a new report (``thought_report``: at least once; the member's submission
  triggered it and a secretary waits on it, so outside their window its template goes at once
  and the full text on their next message — DESIGN.md §2);
- the member, once it was acknowledged (``thought_report_read``: at least once, an answer to
  them; no template — they did not ask just now, it waits for their next message);
- the member, once a quarter, when no report came (``thought_report_reminder``: a reminder, at
  most once, never by template).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from models.clock import SHANGHAI
from models.delivery.payloads import TemplateNotice, Text
from models.delivery.queue import enqueue
from models.member import Member
from models.thought_reports.readers import Reader
from models.thought_reports.report import ThoughtReport, period_name

READER_PURPOSE = "thought_report"
READ_PURPOSE = "thought_report_read"
REMINDER_PURPOSE = "thought_report_reminder"
# The reader's notice quotes the report's beginning (the report keeps all of it; 编号 alone
# shows the whole): a notice stays well inside a customer-service text's 2048 bytes.
QUOTED_CHARS = 150
# A template field holds at most 20 characters.
FIELD_CHARS = 20


def beginning(text: str, limit: int) -> str:
    """``text`` in quotes, cut to ``limit`` characters with an ellipsis."""
    return f"“{text if len(text) <= limit else text[:limit] + '…'}”"


def reader_text(report: ThoughtReport) -> str:
    """What the reader reads: who, which quarter, how long, how it begins, how to read it all
    and how to acknowledge it by chat."""
    member = report.member
    return (f"【思想汇报待阅 {report.number}】{member.branch.name}党员{member.name}交了{period_name(report.period)}"
            f"的思想汇报（共 {len(report.text)} 字）：{beginning(report.text, QUOTED_CHARS)}。"
            f"看全文请回复“{report.number}”；阅后请回复“阅 {report.number} 意见”（意见可不写），我会转告本人。")


def queue_reader_notice(session: Session, report: ThoughtReport, reader: Reader, *, now: dt.datetime,
                        template_id: str) -> None:
    """Queue the notice of ``report`` for ``reader`` (bound to WeChat): the text above, or the
    template ``template_id`` when their window is closed (thing1 who, character_string2 number,
    time3 when, thing4 what to do). Once per report (key ``thought_report:<number>``)."""
    values = {"thing1": f"{report.member.name}交了思想汇报", "character_string2": report.number,
              "time3": report.submitted_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"),
              "thing4": "请阅后回复意见"}
    fallback = TemplateNotice(template_id, {k: v[:FIELD_CHARS] for k, v in values.items()})
    enqueue(session, openid=reader.member.openid, member_id=reader.member.id,
            payload=Text(reader_text(report), fallback=fallback), purpose=READER_PURPOSE,
            idempotency_key=f"{READER_PURPOSE}:{report.number}", now=now)


def read_text(report: ThoughtReport, reader: Member) -> str:
    """What the member reads once ``reader`` acknowledged ``report``."""
    what = f"您交的{period_name(report.period)}思想汇报（编号 {report.number}）{reader.name}已阅"
    if report.comment:
        return f"{what}。意见：{report.comment}"
    return f"{what}。谢谢您向组织汇报思想！"


def queue_read_notice(session: Session, report: ThoughtReport, reader: Member, *, now: dt.datetime) -> bool:
    """Queue the member's notice that ``report`` was read; ``False`` when the member has no
    WeChat now (the reader tells them another way)."""
    member = report.member
    if not member.openid:
        return False
    enqueue(session, openid=member.openid, member_id=member.id, payload=Text(read_text(report, reader)),
            purpose=READ_PURPOSE, idempotency_key=f"{READ_PURPOSE}:{report.number}", now=now)
    return True


def reminder_key(period: str, member_id: int) -> str:
    """The reminder's idempotency key: once per member and quarter."""
    return f"{REMINDER_PURPOSE}:{period}:{member_id}"


def reminder_text(member: Member, period: str, each: int) -> str:
    """The quarterly reminder: which quarter, the two ways to hand a report in, the points."""
    earns = f"交一篇记 {each} 分。" if each > 0 else ""
    return (f"{member.name}同志，您好！{period_name(period)}的思想汇报您还没有交。写好后发“思想汇报：”加上全文；"
            f"或者先发“思想汇报”，再一段一段发给我（打字、语音都行），写完发“提交”。{earns}")


def queue_reminder(session: Session, member: Member, period: str, *, each: int, now: dt.datetime) -> None:
    """Queue ``member``'s reminder for ``period`` (bound to WeChat); a second call for the same
    member and quarter queues nothing (:func:`reminder_key`)."""
    enqueue(session, openid=member.openid, member_id=member.id, payload=Text(reminder_text(member, period, each)),
            purpose=REMINDER_PURPOSE, idempotency_key=reminder_key(period, member.id), now=now)
