"""The daily verification round: close the asks whose reply window ended, then ask whoever is due.

Run once a day at ``verification.send_time`` (``scheduler.jobs.run_verification_round``); a rerun
the same day, or after a crash half-way, asks nobody twice (a member asked today is not due) and
lists nobody twice (an ask is closed once). The question goes through the outbox as purpose
``verification_ask`` — a reminder, delivered at most once, never as a template message (those
are for service notices a member triggered, DESIGN.md §2) — so while the member's 48-hour window
is closed it waits, deferred, for their next message — unless that message changes their info
itself, which answers the question before it is asked (:func:`close_if_changed`).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, selectinload

from models.clock import SHANGHAI
from models.delivery.payloads import Text
from models.delivery.queue import enqueue, withdraw
from models.member import Liaison, Member, MemberChange, mask_phone
from models.settings import VerificationSettings
from models.verification.asks import ASK_PURPOSE, VerificationAsk
from models.verification.freshness import BY_MEMBER, due_members

# Members looked at per statement batch when asking: bounds memory whatever the roster size.
BATCH_SIZE = 500
# What the member may answer, as the question and the engine (handlers.verification) both say it.
HOW_TO_ANSWER = ("信息没有变化，请回复“没变”；有变化，直接告诉我新的，"
                 "例如“现在在无锡”或“手机换了13800005678”。")
# Said once an answer verified the member's info (a confirmation or a correction).
THANKS = "谢谢您，信息已核实。"


def today_of(now: dt.datetime) -> dt.date:
    """The Beijing date of ``now``: the date rounds count in."""
    return now.astimezone(SHANGHAI).date()


def place(member: Member) -> str:
    """The member's destination as members read it (``江苏 苏州 工业园区``), or ``未登记``."""
    return member.destination() or "未登记"


def on_file(member: Member) -> str:
    """What is on file, one line each, phone masked: what the member is asked to confirm."""
    return (f"流动去向：{place(member)}\n手机号：{mask_phone(member.phone) or '未登记'}\n"
            f"工作单位：{member.employer or '未登记'}")


def ask_text(member: Member, interval_days: int, due_on: dt.date) -> str:
    """The question: who, why, what is on file, how to answer, and by when (Beijing date)."""
    return (f"【信息核对】{member.name}您好！为了及时联系和服务在外党员，支部每{interval_days}天"
            f"请您核对一次登记的信息：\n{on_file(member)}\n{HOW_TO_ANSWER}"
            f"请在{due_on.month}月{due_on.day}日前回复，谢谢！")


def ask_batch(session: Session, now: dt.datetime, settings: VerificationSettings, after_id: int,
              batch_size: int = BATCH_SIZE) -> tuple[int, int | None]:
    """Ask the members due today (``models.verification.freshness``) among the next
    ``batch_size`` bound away members with an id above ``after_id``: one open ask each, and its
    question queued. Returns how many were asked and the id to continue after (``None``: the
    roster is done). The caller commits, batch by batch."""
    today = today_of(now)
    due_on = today + dt.timedelta(days=settings.reply_window_days)
    members, last_id = due_members(session, today, settings.interval_days, after_id, batch_size)
    for member in members:
        session.add(VerificationAsk(member_id=member.id, asked_at=now, due_on=due_on))
        enqueue(session, openid=member.openid, member_id=member.id,
                payload=Text(ask_text(member, settings.interval_days, due_on)), purpose=ASK_PURPOSE,
                idempotency_key=f"{ASK_PURPOSE}:{member.id}:{today.isoformat()}", now=now)
    return len(members), last_id


def close_expired(session: Session, now: dt.datetime) -> list[VerificationAsk]:
    """End every open ask whose reply window is over (``due_on`` is today or earlier): as
    ``corrected`` when the member changed their info themself since it was asked (by chat,
    before or without answering it), else ``unanswered``; a question still waiting to be
    delivered is withdrawn unsent (no statement when there is none). Returns the unanswered
    ones, their members, branches and liaisons loaded, for their liaisons' lists. The caller
    commits."""
    expired = (VerificationAsk.outcome.is_(None), VerificationAsk.due_on <= today_of(now))
    changed_at = dict(session.execute(
        select(VerificationAsk.id, func.max(MemberChange.changed_at))
        .join(MemberChange, and_(MemberChange.member_id == VerificationAsk.member_id,
                                 MemberChange.changed_at >= VerificationAsk.asked_at,
                                 MemberChange.source.in_(BY_MEMBER), MemberChange.field != "openid"))
        .where(*expired).group_by(VerificationAsk.id)).all())
    member = selectinload(VerificationAsk.member)
    asks = session.scalars(select(VerificationAsk).where(*expired).order_by(VerificationAsk.id).options(
        member.selectinload(Member.branch),
        member.selectinload(Member.liaison).selectinload(Liaison.member))).all()
    unanswered = []
    for ask in asks:
        if ask.id in changed_at:
            ask.outcome, ask.answered_at = "corrected", changed_at[ask.id]
        else:
            ask.outcome = "unanswered"
            unanswered.append(ask)
        ask.closed_at = now
    # A question still waiting for the member's next message asks them to answer by a day now
    # past, about an ask already closed (and listed): it is never sent.
    withdraw(session, [ask.member_id for ask in asks if ask.delivered_at is None], ASK_PURPOSE,
             "核对已结束，党员在截止前没有收到")
    return unanswered


def close_if_changed(session: Session, ask: VerificationAsk, now: dt.datetime) -> bool:
    """``ask``'s member just wrote; while it is open and has not reached them: when they changed
    their info themself since it was asked (by chat), the question about the old info is no
    longer needed — the ask ends ``corrected`` (answered when the change was made) and its
    question, still waiting, is withdrawn unsent. Returns whether it was. One statement, two
    more when it closes; nothing is read for an ask already delivered or closed."""
    if not ask.is_open or ask.delivered_at is not None:
        return False
    changed_at = session.scalar(select(func.max(MemberChange.changed_at)).where(
        MemberChange.member_id == ask.member_id, MemberChange.changed_at >= ask.asked_at,
        MemberChange.source.in_(BY_MEMBER), MemberChange.field != "openid"))
    if changed_at is None:
        return False
    ask.outcome, ask.answered_at, ask.closed_at = "corrected", changed_at, now
    withdraw(session, ask.member_id, ASK_PURPOSE, "党员在收到前已自己更新了信息")
    return True
