"""Binding tries, counted per WeChat user (openid), so that nobody can guess their way onto the
roster (issue 8: 300 wrong phones from one openid were once answered in 1.9 s, then the right
one bound).

A try is one look at the roster: a name with a phone, or an invitation code. A failed try (no
such member, the member already bound to another WeChat, several members match, an unknown
code) counts against the openid; ``max_failures`` of them within ``window`` start a cool-down of
``cooldown``, during which every try of that openid is refused, a right one too, so guessing
gains nothing. A binding ends the counting: failures before it never count again.

Every try is kept (:class:`BindAttempt`: openid, when, outcome, the member concerned, the phone
masked) for the liaison's notice and the audit. The member's red liaison is told (outbox
purpose ``bind_alert``, delivered at least once, DESIGN.md §2) when someone names a bound
member with the right phone from another WeChat, and when an openid reaches the limit while
naming roster members: one notice per member per run of failures of one openid.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import CheckConstraint, ForeignKey, String, func, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base, UTCDateTime, intpk, timestamp
from models.clock import beijing_minute
from models.delivery.payloads import Text
from models.delivery.queue import enqueue
from models.follower import Follower
from models.member import Member, mask_phone
from models.tickets import liaison_for

log = logging.getLogger(__name__)

# What became of a try. ``cooling_down``: refused unseen, the openid was cooling down.
OUTCOMES = ("bound", "not_found", "member_taken", "ambiguous", "cooling_down")
FAILED = ("not_found", "member_taken", "ambiguous")
ALERT_PURPOSE = "bind_alert"


class BindAttempt(Base):
    """One binding try by ``openid``. ``phone`` is the phone tried, masked (``138****1234``;
    ``None`` for an invitation code); ``member_id`` the roster member it concerned, when one
    did; ``cooldown_until`` is set on the failure that reached the limit."""

    __tablename__ = "bind_attempts"
    __table_args__ = (CheckConstraint(f"outcome IN {OUTCOMES}", name="outcome"),)

    id: Mapped[intpk]
    openid: Mapped[str] = mapped_column(String(64), index=True)
    tried_at: Mapped[timestamp]
    outcome: Mapped[str] = mapped_column(String(16))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"), index=True)
    phone: Mapped[str | None] = mapped_column(String(11))
    cooldown_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


@dataclass(frozen=True)
class AttemptLimits:
    """``max_failures`` failed tries within ``window`` start a cool-down of ``cooldown``
    (config ``binding``: max_failures, window_hours, cooldown_hours)."""

    max_failures: int
    window: dt.timedelta
    cooldown: dt.timedelta


def cooldown_end(session: Session, openid: str, now: dt.datetime) -> dt.datetime | None:
    """When ``openid``'s cool-down ends, or ``None`` when it may try now."""
    return session.scalar(select(func.max(BindAttempt.cooldown_until))
                          .where(BindAttempt.openid == openid, BindAttempt.cooldown_until > now))


def begin_try(session: Session, openid: str, now: dt.datetime) -> dt.datetime | None:
    """Start a try: from here until the transaction ends, ``openid``'s other tries (another web
    worker, a burst of messages) wait, so each counts the failures of the ones before it. Then
    as :func:`cooldown_end`."""
    # A write to the follower's row is the lock: PostgreSQL locks that row, SQLite takes its one
    # write lock; both are held until commit. (A SELECT ... FOR UPDATE would do nothing on SQLite.)
    session.execute(update(Follower).where(Follower.openid == openid)
                    .values(last_interaction_at=Follower.last_interaction_at)
                    .execution_options(synchronize_session=False))
    return cooldown_end(session, openid, now)


def record_try(session: Session, openid: str, outcome: str, now: dt.datetime, limits: AttemptLimits, *,
               phone: str | None = None, member: Member | None = None,
               named: Iterable[Member] = ()) -> dt.datetime | None:
    """Keep one try of ``openid`` (``outcome`` one of :data:`OUTCOMES`; ``phone`` as typed, kept
    masked). ``member`` is the roster member the try concerned (bound now, or already bound to
    another WeChat: their liaison is told); ``named`` the members whose name it gave.

    Returns the end of the cool-down this try started (the limit reached), else ``None``."""
    named = list(dict.fromkeys(named))
    concerned = member or (named[0] if len(named) == 1 else None)
    row = BindAttempt(openid=openid, tried_at=now, outcome=outcome, phone=mask_phone(phone) if phone else None,
                      member_id=concerned.id if concerned else None)
    session.add(row)
    session.flush()
    if outcome not in FAILED:
        return None
    failures = _failures_counted(session, openid, now, limits)
    run = failures[0].id  # the first failure of this run names its notices
    if outcome == "member_taken" and member is not None:
        how = f"的姓名和手机号（{mask_phone(phone)}）" if phone else "的邀请二维码"
        _alert(session, member, run, now, taken_notice(member, how, now))
    if len(failures) < limits.max_failures:
        return None
    row.cooldown_until = now + limits.cooldown
    ids = {f.member_id for f in failures if f.member_id is not None} - {m.id for m in named}
    others = session.scalars(select(Member).where(Member.id.in_(ids)).order_by(Member.id)).all() if ids else []
    for person in [*named, *others]:
        _alert(session, person, run, now, limit_notice(person, len(failures), now, row.cooldown_until))
    return row.cooldown_until


def _failures_counted(session: Session, openid: str, now: dt.datetime, limits: AttemptLimits) -> list[BindAttempt]:
    """``openid``'s failures that count now, oldest first: within the window, and after its
    last cool-down ended and after its last binding."""
    ended = session.scalar(select(func.max(BindAttempt.cooldown_until))
                           .where(BindAttempt.openid == openid, BindAttempt.cooldown_until <= now))
    bound = session.scalar(select(func.max(BindAttempt.tried_at))
                           .where(BindAttempt.openid == openid, BindAttempt.outcome == "bound"))
    since = max(t for t in (now - limits.window, ended, bound) if t is not None)
    return list(session.scalars(select(BindAttempt)
                                .where(BindAttempt.openid == openid, BindAttempt.outcome.in_(FAILED),
                                       BindAttempt.tried_at >= since)
                                .order_by(BindAttempt.id)))


def taken_notice(member: Member, how: str, now: dt.datetime) -> str:
    """To the liaison: someone tried to bind ``member``, who is bound already, from another
    WeChat with ``how`` (``的姓名和手机号（138****2005）`` or ``的邀请二维码``)."""
    return (f"【绑定提醒】{member.name}（{member.branch.name}）的身份已绑定在一个微信上，{beijing_minute(now)} 另有一个微信用"
            f"{member.name}{how}尝试绑定，没有成功。请与{member.name}核实是否本人操作；"
            "如不是，请提醒其保管好手机号等个人信息。")


def limit_notice(member: Member, failures: int, now: dt.datetime, until: dt.datetime) -> str:
    """To the liaison: an openid failed ``failures`` times, naming ``member`` among others, and
    cools down ``until``. Nothing the stranger typed is quoted."""
    return (f"【绑定提醒】{beijing_minute(now)} 有一个微信{failures}次尝试绑定都没对上，其中用了{member.name}"
            f"（{member.branch.name}）的姓名，该微信已暂停绑定到{beijing_minute(until)}。请与{member.name}核实："
            "如是本人记不清台账上的手机号，请帮其核对；如不是本人，请提醒其保管好个人信息。")


def _alert(session: Session, member: Member, run: int, now: dt.datetime, text: str) -> None:
    """Queue ``text`` for ``member``'s liaison, once per member and run of failures (the key
    ``bind_alert:<member id>:<first failure id>``); a liaison who cannot be reached is logged
    as a WARNING with phones masked, so an operator can follow it up."""
    liaison = liaison_for(session, member)
    if liaison is None:
        log.warning("binding alert for member %s (phone %s) of %s: no red liaison; nobody was told",
                    member.id, mask_phone(member.phone), member.branch.name)
    elif not liaison.member.openid:
        log.warning("binding alert for member %s: liaison (member %s, phone %s) has not bound WeChat; "
                    "no notice was queued", member.id, liaison.member_id, mask_phone(liaison.member.phone))
    else:
        enqueue(session, openid=liaison.member.openid, payload=Text(text),
                purpose=ALERT_PURPOSE, idempotency_key=f"{ALERT_PURPOSE}:{member.id}:{run}", now=now)
