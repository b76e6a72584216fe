"""The monthly dues reminder (党费提醒): each bound member with months owed (``models.dues.
standing``) is sent which months, what they come to and how to pay.

A reminder (purpose ``dues_reminder``): at most once, never as a template — outside the member's
window it waits for their next message. One per member and Beijing month (the key holds the
month), so a rerun, a second scheduler or a clock jump sends nothing twice; a reminder of an
earlier month still waiting is withdrawn (it is stale), as is one waiting when the member
reports or a payment is confirmed (``models.dues.reports``).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from models.delivery.outbox import OutboxMessage
from models.delivery.payloads import Text
from models.delivery.queue import enqueue, withdraw
from models.dues import months
from models.dues.amounts import yuan
from models.dues.records import DuesStandard
from models.dues.reports import REMINDER_PURPOSE
from models.dues.standing import Standing, standings
from models.member import Member


def bound_with_standard(session: Session, after_id: int, limit: int) -> Sequence[Member]:
    """Up to ``limit`` bound members with a dues standard, id above ``after_id``, in id order."""
    return session.scalars(select(Member).where(
        Member.id > after_id, Member.openid.is_not(None),
        exists().where(DuesStandard.member_id == Member.id)).order_by(Member.id).limit(limit)).all()


def remind_batch(session: Session, members: Sequence[Member], how_to_pay: str, now: dt.datetime) -> int:
    """Queue this month's reminder for each of ``members`` who owes a month and has none queued
    this month. Returns how many were queued. The caller commits."""
    month = months.current_period(now)
    found = standings(session, [m.id for m in members], now)
    queued = 0
    for member in members:
        mine = found[member.id]
        key = f"{REMINDER_PURPOSE}:{member.id}:{month}"
        if not mine.owed or session.scalar(select(OutboxMessage.id).where(OutboxMessage.idempotency_key == key)):
            continue
        withdraw(session, member.id, REMINDER_PURPOSE, "有了新一个月的党费提醒")
        enqueue(session, openid=member.openid, member_id=member.id, payload=Text(reminder_text(member, mine, how_to_pay)),
                purpose=REMINDER_PURPOSE, idempotency_key=key, now=now)
        queued += 1
    return queued


def reminder_text(member: Member, mine: Standing, how_to_pay: str) -> str:
    """What the member reads: the months owed, their total at the standard, how to pay, and how
    to say they paid."""
    return (f"【党费提醒】{member.name}，您{months.written_runs(mine.owed)}的党费还没有交，"
            f"共{len(mine.owed)}个月{yuan(mine.owed_fen)}（每月{yuan(mine.standard_fen)}）。\n"
            f"怎么交：{how_to_pay}\n交好后回复“我交了”，我转给支部书记确认。")
