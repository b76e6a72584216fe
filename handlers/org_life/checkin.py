"""签到 (check-in): "签到 4821" — any spacing, full-width digits, 签到:4821, 签到码 4821 — a
member role command (``handlers.commands``), and the same answer when the router finds a code in
other words (签到码是幺二三四, 会开完了 我签个到 5527: the ``checkin_code`` slot). The rules are
``models.meetings.attendance``'s; here they are worded."""
from __future__ import annotations

import re

from handlers.commands import Command
from handlers.context import Context, Incoming
from handlers.people import who_to_contact
from handlers.replies import Reply, TextReply
from models.clock import beijing_when
from models.meetings.attendance import CheckInOutcome, check_in
from models.meetings.meeting import CODE_LENGTH, Meeting
from models.meetings.schedule import upcoming, window
from models.meetings.wording import CHECKIN_HOW, checkin_times, day_and_time, named
from models.points.rules import caps_text
from models.roles import Role

# 签到 [码] [是] [:] [digits] [。!]: the text is folded first (full-width digits, one space).
SYNTAX = re.compile(r"签到(?:码)?(?:是)? ?[:：]? ?(?P<code>\d+)?[。.!！~]?")
USAGE = "签到 签到码 —— 组织生活签到，如“签到 1234”"


def command(msg: Incoming, ctx: Context, args: dict[str, str]) -> Reply:
    """The 签到 command: check in with the code, or ask for it."""
    return answer(ctx, args.get("code"))


def answer(ctx: Context, code: str | None) -> Reply:
    """Check the member in with ``code`` and say how it went; without one, how to check in."""
    if not code:
        return TextReply(f"请{CHECKIN_HOW}。{_open_now(ctx)}")
    if len(code) != CODE_LENGTH:
        return TextReply(f"签到码是{CODE_LENGTH}位数字，“{code}”不对。请核对主持人公布的签到码，再发“签到 签到码”。")
    now = ctx.clock.now()
    result = check_in(ctx.session, ctx.member, code, now, ctx.settings.points)
    meeting = result.meeting
    if result.outcome is CheckInOutcome.UNKNOWN_CODE:
        return TextReply(f"签到码 {code} 不对，没有找到这个会议，没有签到。请核对主持人公布的{CODE_LENGTH}位签到码再发。"
                         + _open_now(ctx))
    if result.outcome is CheckInOutcome.OTHER_BRANCH:
        return TextReply(f"签到码 {code} 是其他支部的会议，不是您所在的{ctx.member.branch.name}的会议，没有签到。"
                         "请核对本支部会议主持人公布的签到码。" + _open_now(ctx))
    what = f"{named(meeting)}（{day_and_time(meeting.starts_at, now)}开始）"
    if result.outcome is CheckInOutcome.ALREADY:
        return TextReply(f"您已经签到过了（{beijing_when(result.attendance.checked_in_at, now)} 签到，"
                         f"{named(meeting)}），不用再签。")
    if result.outcome is CheckInOutcome.TOO_EARLY:
        opens = window(meeting).opens
        return TextReply(f"{what}还没到签到时间：签到从{day_and_time(opens, now)}开始，到时再发“签到 {code}”。")
    if result.outcome is CheckInOutcome.TOO_LATE:
        closes = window(meeting).closes
        return TextReply(f"{what}的签到已经在{day_and_time(closes, now)}截止了，这次没有记上签到。"
                         f"确实参加了的话，{_tell_secretary(ctx, meeting)}")
    return TextReply(f"签到成功 ✓ {named(meeting)}（{day_and_time(meeting.starts_at, now)}）。{_earned(ctx, result.points)}")


def _earned(ctx: Context, points: int) -> str:
    if points:
        return f"记入组织生活积分 {points} 分，发“我的积分”可以查看。"
    caps = caps_text(ctx.settings.points, "org_life")
    if ctx.settings.points.each("org_life") > 0 and caps:
        return f"组织生活积分已经到上限（{caps}），这次没有再加分。"
    return "谢谢您参加组织生活！"


def _tell_secretary(ctx: Context, meeting: Meeting) -> str:
    """Whom to ask to record a late attendance: the branch secretary, else the usual contacts."""
    branch = meeting.org
    if branch.secretary_name:
        phone = f"（电话 {branch.secretary_phone}）" if branch.secretary_phone else ""
        return f"请告诉支部书记{branch.secretary_name}{phone}，由支部补登。"
    return "请告诉支部补登：" + who_to_contact(ctx)


def _open_now(ctx: Context) -> str:
    """The member's branch's next meeting and when its check-in is open, as a hint."""
    meetings = upcoming(ctx.session, ctx.card.branch_id, ctx.clock.now(), limit=1)
    if not meetings:
        return ""
    meeting = meetings[0]
    return (f"\n本支部下次会议：{named(meeting)}，{day_and_time(meeting.starts_at, ctx.clock.now())}开始，"
            f"签到时间 {checkin_times(meeting)}。")


CHECK_IN = Command(name="meeting_check_in", syntax=SYNTAX, roles=frozenset({Role.MEMBER}), handle=command, usage=USAGE)
