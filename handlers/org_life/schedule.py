"""下次组织生活什么时候 / 最近有什么会 / 主题党日是哪天: the next meetings of the member's branch
with time, place or link, how to check in and how to ask for leave — only those of a kind the
message names, when there are such."""
from __future__ import annotations

from sqlalchemy import select

from handlers.context import Context
from handlers.people import who_to_contact
from handlers.replies import Reply, TextReply
from models.meetings.fields import KIND_WORDS
from models.meetings.meeting import KIND_NAMES, Attendance
from models.meetings.schedule import upcoming
from models.meetings.wording import LEAVE_HOW, details, named

SHOWN = 3
MARKS = {"attended": "（您已签到）", "leave": "（您已请假）"}


def kinds_named(text: str) -> list[str]:
    """The kinds of meeting ``text`` names (主题党日 → ``theme_day``)."""
    return [kind for kind, words in KIND_WORDS.items() if any(word in text for word in words)]


def answer(ctx: Context, text: str) -> Reply:
    """The branch's next meetings (of the kinds ``text`` names, when any are coming)."""
    now = ctx.clock.now()
    branch = ctx.contacts.branch_name or "您的支部"
    coming = upcoming(ctx.session, ctx.card.branch_id, now, limit=20)
    if not coming:
        return TextReply(f"{branch}近期还没有安排组织生活。会议定下来后我会发通知给您；想先问问，{who_to_contact(ctx)}")
    kinds = kinds_named(text)
    asked = [m for m in coming if m.kind in kinds]
    lead = ""
    if kinds and not asked:
        lead = "、".join(KIND_NAMES[k] for k in kinds) + "近期还没有安排。"
    shown = (asked or coming)[:SHOWN]
    marks = {meeting_id: status for meeting_id, status in ctx.session.execute(
        select(Attendance.meeting_id, Attendance.status).where(
            Attendance.member_id == ctx.card.id, Attendance.meeting_id.in_([m.id for m in shown])))}
    lines = [f"{lead}{branch}接下来的组织生活："]
    for number, meeting in enumerate(shown, start=1):
        lines.append(f"{number}. {named(meeting)}{MARKS.get(marks.get(meeting.id), '')}")
        lines += [f"   {line}" for line in details(meeting, now)]
    lines.append(f"{LEAVE_HOW}。")
    return TextReply("\n".join(lines))
