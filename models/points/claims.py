"""Volunteer activity claims (志愿服务申报): a member's good deed, reported in chat, reviewed
before it earns points.

A claim is filed pending and sent to its reviewer (``models.points.reviewers``); the same words
again while it is pending are that claim, not a second one. A reviewer approves or rejects it
once (``审核 H20261206001 通过`` / ``不通过 理由``, ``handlers.activity_review``): approval
awards the ``activity`` rule's points in the ledger (source ``activity_claim``, approved by the
reviewer, within the caps), and the member is told either way (``models.points.notices``).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models.day_numbers import next_day_number
from models.member import Member
from models.points.claim import ActivityClaim
from models.points.ledger import award
from models.points.notices import queue_decision_notice, queue_review_notice
from models.points.reviewers import Reviewer, Scope, reviewer_for
from models.settings import PointsSettings

RULE = "activity"
SOURCE_KIND = "activity_claim"
PREFIX = "H"


@dataclass(frozen=True)
class Filed:
    """A claim filed, or the pending or approved one with the same words (``new`` false); ``reviewer``: whom
    it was sent to (``None``: nobody bound to WeChat could be — it waits for 审核 from a person
    the member tells)."""

    claim: ActivityClaim
    new: bool
    reviewer: Reviewer | None


def next_claim_number(session: Session, now: dt.datetime) -> str:
    """``H`` + the Beijing date + a 3-digit sequence of the day: ``H20261206001``."""
    return next_day_number(session, ActivityClaim.number, PREFIX, now)


def file_claim(session: Session, member: Member, text: str, now: dt.datetime, *, template_id: str) -> Filed:
    """File ``member``'s report ``text`` as a pending claim and queue its notice to the reviewer
    (``template_id``: the template it goes as when their window is closed); the same words while
    a claim with them is pending, or once it was approved, return that claim (one deed earns
    once; a rejected one may be told again, better described). The caller commits."""
    text = text.strip()
    same = session.scalars(select(ActivityClaim).where(
        ActivityClaim.member_id == member.id, ActivityClaim.text == text, ActivityClaim.status.in_(("pending", "approved")))
        .order_by(ActivityClaim.id).limit(1)).first()
    if same is not None:
        return Filed(same, False, None)
    reviewer = reviewer_for(session, member)
    claim = ActivityClaim(number=next_claim_number(session, now), member_id=member.id, text=text, status="pending",
                          created_at=now, reviewer_id=reviewer.member.id if reviewer else None)
    session.add(claim)
    session.flush()
    if reviewer is not None:
        queue_review_notice(session, claim, reviewer, now=now, template_id=template_id)
    return Filed(claim, True, reviewer)


@dataclass(frozen=True)
class Decision:
    """A claim just decided: the points approval awarded (0 when rejected, or when the rule
    earns nothing or a cap is reached) and whether the member was told by WeChat."""

    points: int
    told: bool


def decide(session: Session, claim: ActivityClaim, reviewer: Member, approve: bool, reason: str | None,
           now: dt.datetime, *, points: PointsSettings) -> Decision | None:
    """Approve or reject the pending ``claim`` as ``reviewer`` (``reason``: their words, may be
    ``None``), award the points of an approval and queue the member's notice. ``None`` when the
    claim was no longer pending (decided meanwhile: nothing changes). The caller commits; the
    caller checks the reviewer may decide it (``Scope.covers``)."""
    status = "approved" if approve else "rejected"
    changed = session.execute(
        update(ActivityClaim).where(ActivityClaim.id == claim.id, ActivityClaim.status == "pending")
        .values(status=status, decided_by=reviewer.id, decided_at=now, reason=reason or None)).rowcount
    if not changed:
        return None
    awarded = award(session, claim.member_id, RULE, SOURCE_KIND, claim.id, now, reviewer.id, points=points) \
        if approve else 0
    told = queue_decision_notice(session, claim, reviewer, awarded, now=now, points=points)
    return Decision(awarded, told)


def claim_numbered(session: Session, number: str) -> ActivityClaim | None:
    """The claim numbered ``number`` (``H20261206001``), or ``None``."""
    return session.scalar(select(ActivityClaim).where(ActivityClaim.number == number))


def pending_for(session: Session, scope: Scope, limit: int = 10) -> list[ActivityClaim]:
    """The pending claims ``scope`` may decide, oldest first, at most ``limit``."""
    return list(session.scalars(select(ActivityClaim).join(Member, Member.id == ActivityClaim.member_id)
                                .where(ActivityClaim.status == "pending", scope.members())
                                .order_by(ActivityClaim.id).limit(limit)))
