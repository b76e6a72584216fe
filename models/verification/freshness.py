"""When a member's info was last verified, and who is due to be asked again.

**Last verified** (the export's 最近核实, the member file's section) is the latest of:

- binding (``members.bound_at``): the member proved their name and phone, and a member just
  bound is not asked again the same quarter;
- a change the member made themselves — by chat (``source = "chat"``) or in answer to an ask
  (``"verification"``) — except unbinding (field ``openid``), which says nothing of the record;
- an answer to an ask (``confirmed`` or ``corrected``).

Changes by an import or the console are the branch's, not the member's, and verify nothing.

**Due**: an away member (status ``away``) bound to WeChat whose last verification and last ask
were both ``interval`` days or more ago (counted in Beijing dates, so a round at 09:00 asks
exactly those verified on or before that date ``interval`` days back), and who has no open ask.
An unanswered member is therefore asked again one interval after the last ask, not every day.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Subquery, func, or_, select, union_all
from sqlalchemy.orm import Session

from models.clock import SHANGHAI
from models.member import Member, MemberChange
from models.verification.asks import SOURCE, VERIFIED, VerificationAsk

# Sources of a change the member made themself: each one tells us their record as it is now.
BY_MEMBER = ("chat", SOURCE)


def verified_at() -> Subquery:
    """``(member_id, at)``: each member's latest change by themself or answer to an ask (binding
    is ``members.bound_at``, added by the reader). For joins over many members (the export)."""
    changes = (select(MemberChange.member_id.label("member_id"), MemberChange.changed_at.label("at"))
               .where(MemberChange.source.in_(BY_MEMBER), MemberChange.field != "openid"))
    answers = (select(VerificationAsk.member_id, VerificationAsk.answered_at)
               .where(VerificationAsk.outcome.in_(VERIFIED)))
    both = union_all(changes, answers).subquery("verifications")
    return (select(both.c.member_id, func.max(both.c.at).label("at"))
            .group_by(both.c.member_id).subquery("verified"))


def last_verified_at(session: Session, member_id: int) -> dt.datetime | None:
    """The instant the member's info was last verified (see the module docstring), or ``None``
    (never bound, never changed or confirmed anything)."""
    bound_at = session.scalar(select(Member.bound_at).where(Member.id == member_id))
    changed = session.scalar(select(func.max(MemberChange.changed_at)).where(
        MemberChange.member_id == member_id, MemberChange.source.in_(BY_MEMBER),
        MemberChange.field != "openid"))
    answered = session.scalar(select(func.max(VerificationAsk.answered_at)).where(
        VerificationAsk.member_id == member_id, VerificationAsk.outcome.in_(VERIFIED)))
    known = [t for t in (bound_at, changed, answered) if t is not None]
    return max(known) if known else None


def last_verified(session: Session, member_id: int) -> dt.date | None:
    """The Beijing date the member's info was last verified, or ``None``: what 我的档案's
    最近核实 shows."""
    at = last_verified_at(session, member_id)
    return at.astimezone(SHANGHAI).date() if at is not None else None


def cutoff(today: dt.date, interval_days: int) -> dt.datetime:
    """The first instant that is *not* ``interval_days`` old on Beijing date ``today``: 00:00
    Beijing time on ``today - interval_days + 1``, as aware UTC."""
    day = today - dt.timedelta(days=interval_days - 1)
    return dt.datetime.combine(day, dt.time(0), tzinfo=SHANGHAI).astimezone(dt.timezone.utc)


def due_members(session: Session, today: dt.date, interval_days: int, after_id: int,
                limit: int) -> tuple[list[Member], int | None]:
    """The members due on ``today`` among the next ``limit`` bound away members with an id
    above ``after_id``, and the last id looked at (``None`` when none were left): a caller
    walks the roster in batches whatever its size, three statements a batch."""
    before = cutoff(today, interval_days)
    batch = list(session.scalars(
        select(Member).where(Member.id > after_id, Member.status == "away", Member.openid.is_not(None),
                             Member.bound_at < before)
        .order_by(Member.id).limit(limit)))
    if not batch:
        return [], None
    ids = [m.id for m in batch]
    changed = session.scalars(select(MemberChange.member_id).distinct().where(
        MemberChange.member_id.in_(ids), MemberChange.source.in_(BY_MEMBER),
        MemberChange.field != "openid", MemberChange.changed_at >= before))
    asked = session.scalars(select(VerificationAsk.member_id).distinct().where(
        VerificationAsk.member_id.in_(ids),
        or_(VerificationAsk.outcome.is_(None), VerificationAsk.asked_at >= before,
            VerificationAsk.answered_at >= before)))
    recent = set(changed) | set(asked)
    return [m for m in batch if m.id not in recent], ids[-1]
