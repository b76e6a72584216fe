"""请假 (leave): "请假 家里有事", "请个假 厂里加班", "我下次组织生活来不了 家里有事" records leave
from the next meeting of the member's branch with their words as the reason, tells the branch
secretary (``models.meetings.attendance``), and says so; "请假" alone asks for the reason and
stores nothing; "请假怎么请" is told how."""
from __future__ import annotations

import datetime as dt
import re

from handlers.context import Context, Incoming
from handlers.people import who_to_contact
from handlers.replies import Reply, TextReply
from models.clock import SHANGHAI
from models.meetings.attendance import LeaveOutcome, ask_leave
from models.meetings.schedule import upcoming
from models.meetings.wording import LEAVE_HOW, day_and_time, named

# A reason is repeated in the reply up to this many characters (all of it is stored).
QUOTED = 40
# Words that say the member will miss a meeting.
LEAVE_WORDS = re.compile(r"请(?:个|一下|下)?假|告假|(?:来|去|参加|赶|回|搞|走|听)(?:不了|不成|不赢|不开|不上|不回来|不回去)"
                         r"|(?:没法|不能|无法|没办法)(?:参加|来|去|到场)|缺席")
# Asking how to ask for leave, not asking for it: 请假怎么请, 跟谁请假, 请假流程.
ASKS_HOW = re.compile(r"怎么请|如何请|咋请|跟谁请|找谁请|向谁请|请假(?:怎么|如何|咋|要|需要|的)?(?:弄|办|流程|手续|找谁)")
# The command words before the reason: 请假：, 我要请个假, 请假一次.
LEADING = re.compile(r"^(?:我)?(?:要|想)?(?:请(?:个|一下|下)?假|告假)(?:一次|一下)?[\s:：,，。.、!！]*")


def quoted(reason: str) -> str:
    """The reason as a reply repeats it: at most :data:`QUOTED` characters."""
    return reason if len(reason) <= QUOTED else reason[:QUOTED] + "…"


def wants_leave(text: str) -> bool:
    """Whether ``text`` tells of missing a meeting (not only asks how leave works)."""
    return bool(LEAVE_WORDS.search(text)) and not ASKS_HOW.search(text)


def asks_how(text: str) -> bool:
    """Whether ``text`` asks how to ask for leave."""
    return bool(ASKS_HOW.search(text))


def answer(msg: Incoming, ctx: Context) -> Reply:
    """Record the member's leave from their branch's next meeting, the message as the reason."""
    text = (msg.text or "").strip()
    reason = LEADING.sub("", text).strip()
    if not reason:
        return TextReply("好的，请把请假原因一起发给我，例如“请假 在外地加班”，我记下后告诉支部书记。")
    now = ctx.clock.now()
    coming = upcoming(ctx.session, ctx.card.branch_id, now, limit=1)
    said_day = _day_said(text, now)
    if coming and said_day is not None and coming[0].starts_at.astimezone(SHANGHAI).date() != said_day:
        # 明天开会我去不了 when the next meeting is tonight: ask, never record leave from another one
        meeting = coming[0]
        return TextReply(f"{ctx.member.branch.name}下一次组织生活是{day_and_time(meeting.starts_at, now)}的{named(meeting)}，"
                         f"您说的那天没有安排。要请这次的假，请发“请假 原因”。")
    result = ask_leave(ctx.session, ctx.member, reason, now)
    meeting = result.meeting
    if result.outcome is LeaveOutcome.NO_MEETING:
        return TextReply(f"{ctx.member.branch.name}近期还没有安排组织生活，不用请假。会议定下来后我会发通知给您。"
                         "如果是遇到了难处要帮忙，发“求助”加上情况，我转给联络员。")
    what = f"{day_and_time(meeting.starts_at, ctx.clock.now())}的{named(meeting)}"
    if result.outcome is LeaveOutcome.ATTENDED:
        return TextReply(f"您已经在{what}签到了，不用再请假。")
    if result.outcome is LeaveOutcome.UPDATED:
        return TextReply(f"已更新您{what}的请假原因：{quoted(reason)}。")
    told = "，已告诉支部书记。" if result.secretary_told else f"。支部书记能在会议名单里看到；着急的话，{who_to_contact(ctx)}"
    return TextReply(f"已记下您{what}请假，原因：{quoted(reason)}{told}会后记得补学会议内容。")


# Days a member names relative to today (今天 needs no check: the next meeting is today or later).
DAYS_AHEAD = {"明天": 1, "明儿": 1, "明晚": 1, "后天": 2}


def _day_said(text: str, now) -> dt.date | None:
    """The Beijing date of 明天 / 后天 in ``text``, or ``None`` when it names none of them."""
    for word, days in DAYS_AHEAD.items():
        if word in text:
            return now.astimezone(SHANGHAI).date() + dt.timedelta(days=days)
    return None


def how() -> str:
    """How to ask for leave."""
    return f"{LEAVE_HOW}，我会记下并告诉支部书记。"
