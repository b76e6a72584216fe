"""What members and secretaries are told of meetings through the outbox (DESIGN.md §2):

- ``meeting_notice`` — each bound member of the branch, when a meeting is added or its time,
  place or link changes (once per member and version of the meeting);
- ``meeting_reminder`` — each bound member not on leave, ``org_life.remind_minutes_before`` the
  start (job ``meeting_reminders``); it carries what the notice says, so a notice still waiting
  for the member's next message is dropped for it;
- ``meeting_leave`` — the branch secretary, when a member asks for leave.

A member who checks in or asks for leave is sent nothing more of that meeting (:func:`drop_answered`).

Notices and reminders are at most once and never go as templates: a member whose 48-hour window
is closed gets them with their next message — until the meeting is over, when what is still
waiting is dropped (:func:`drop_stale`).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.orm import Session

from models.delivery.digest import secretary_of
from models.delivery.outbox import OutboxMessage
from models.delivery.payloads import Text
from models.delivery.queue import WITHDRAWN, enqueue
from models.meetings.meeting import Attendance, Meeting
from models.meetings.schedule import not_over
from models.meetings.wording import LEAVE_HOW, day_and_time, details, named
from models.member import Member
from models.settings import OrgLifeSettings

NOTICE, REMINDER, LEAVE = "meeting_notice", "meeting_reminder", "meeting_leave"
WAITING = ("pending", "deferred")


def notice_text(meeting: Meeting) -> str:
    """The notice: what, when, where, how to check in, how to ask for leave."""
    changed = "（时间地点有调整，以此为准）" if meeting.notice_version > 1 else ""
    return "\n".join([f"【组织生活通知】{meeting.org.name}{named(meeting)}{changed}",
                      *details(meeting), f"{LEAVE_HOW}。"])


def reminder_text(meeting: Meeting, now: dt.datetime) -> str:
    """The reminder shortly before the start (``今天 19:30 …就要开始了``)."""
    return "\n".join([f"【组织生活提醒】{day_and_time(meeting.starts_at, now)} {meeting.org.name}{named(meeting)}"
                      "就要开始了。", *details(meeting, now)[1:], f"{LEAVE_HOW}。"])


def _bound_members(session: Session, org_id: int) -> list[tuple[int, str]]:
    return [(member_id, openid) for member_id, openid in session.execute(select(Member.id, Member.openid).where(
        Member.branch_id == org_id, Member.openid.is_not(None)).order_by(Member.id))]


def _key(purpose: str, meeting: Meeting, member_id: int, version: int | None = None) -> str:
    """``meeting_notice:<meeting>.<version>:<member>`` (the meeting's version unless given)."""
    return f"{purpose}:{meeting.id}.{version or meeting.notice_version}:{member_id}"


def queue_notices(session: Session, meeting: Meeting, now: dt.datetime) -> int:
    """Queue the notice of ``meeting`` (as it now is) for every bound member of its branch,
    unless it is over. Once per member and ``notice_version``: repeating it queues nothing new.
    Returns how many notices it queued now. The caller commits."""
    if meeting.checkin_closes_at < now:
        return 0
    text, queued = notice_text(meeting), 0
    for member_id, openid in _bound_members(session, meeting.org_id):
        row = enqueue(session, openid=openid, member_id=member_id, payload=Text(text), purpose=NOTICE,
                      idempotency_key=_key(NOTICE, meeting, member_id), now=now)
        queued += row in session.new
    return queued


def queue_reminders(session: Session, now: dt.datetime, org_life: OrgLifeSettings) -> int:
    """Queue the reminder of every meeting starting within ``org_life.reminder_lead`` of ``now``
    (not yet started) for each bound member of its branch who has not checked in or asked for
    leave; their notice of it still waiting is dropped. Once per member and meeting version: a
    rerun or a clock jump queues nothing twice. Returns how many reminders were queued. The
    caller commits."""
    if org_life.reminder_lead <= dt.timedelta(0):
        return 0
    queued = 0
    soon = session.scalars(select(Meeting).where(Meeting.starts_at > now,
                                                 Meeting.starts_at <= now + org_life.reminder_lead)
                           .order_by(Meeting.starts_at, Meeting.id)).all()
    for meeting in soon:
        recorded = set(session.scalars(select(Attendance.member_id).where(Attendance.meeting_id == meeting.id)))
        text = reminder_text(meeting, now)
        for member_id, openid in _bound_members(session, meeting.org_id):
            if member_id in recorded:
                continue
            row = enqueue(session, openid=openid, member_id=member_id, payload=Text(text), purpose=REMINDER,
                          idempotency_key=_key(REMINDER, meeting, member_id), now=now)
            if row not in session.new:  # reminded on an earlier run
                continue
            notices = [_key(NOTICE, meeting, member_id, v) for v in range(1, meeting.notice_version + 1)]
            _drop(session, OutboxMessage.idempotency_key.in_(notices), "提醒已包含通知内容")
            queued += 1
    return queued


def drop_answered(session: Session, meeting: Meeting, member_id: int) -> int:
    """Drop the member's notices and reminder of ``meeting`` still waiting: they checked in or
    asked for leave, so telling them how to is no use. Returns how many were dropped."""
    keys = [_key(purpose, meeting, member_id, v) for purpose in (NOTICE, REMINDER)
            for v in range(1, meeting.notice_version + 1)]
    return _drop(session, OutboxMessage.idempotency_key.in_(keys), "已签到或已请假")


def drop_stale(session: Session, now: dt.datetime) -> int:
    """Drop notices and reminders still waiting (due or deferred) for meetings now over: the
    member would read of a meeting they can no longer attend. Returns how many were dropped."""
    rows = session.execute(select(OutboxMessage.id, OutboxMessage.idempotency_key).where(
        OutboxMessage.status.in_(WAITING), OutboxMessage.purpose.in_((NOTICE, REMINDER)))).all()
    meeting_ids = {row_id: int(key.split(":")[1].split(".")[0]) for row_id, key in rows}
    if not meeting_ids:
        return 0
    live = set(session.scalars(select(Meeting.id).where(Meeting.id.in_(set(meeting_ids.values())),
                                                         not_over(now))))
    stale = [row_id for row_id, meeting_id in meeting_ids.items() if meeting_id not in live]
    return _drop(session, OutboxMessage.id.in_(stale), "会议已结束") if stale else 0


def _drop(session: Session, rows: ColumnElement[bool], why: str) -> int:
    """Drop the waiting outbox ``rows``, saying ``why`` (as ``models.delivery.queue.withdraw``)."""
    result = session.execute(update(OutboxMessage).where(rows, OutboxMessage.status.in_(WAITING))
                             .values(status="dropped", last_error=WITHDRAWN + why, reason=f"不再需要，没有发送：{why}")
                             .execution_options(synchronize_session=False))
    return result.rowcount or 0


def queue_leave_notice(session: Session, attendance: Attendance, now: dt.datetime) -> bool:
    """Tell the branch secretary (bound to WeChat) that a member asked for leave; ``False``
    when the branch has no bound secretary (the leave shows in ``kiteline meeting list``)."""
    meeting, member = attendance.meeting, attendance.member
    secretary = secretary_of(session, meeting.org)
    if secretary is None or secretary.id == member.id:
        return False
    text = (f"【组织生活请假】{member.name}请假：{day_and_time(meeting.starts_at)} {named(meeting)}。"
            f"原因：{attendance.leave_reason or '未说明'}。")
    enqueue(session, openid=secretary.openid, member_id=secretary.id, payload=Text(text), purpose=LEAVE,
            idempotency_key=f"{LEAVE}:{attendance.id}", now=now)
    return True
