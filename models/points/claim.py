"""A volunteer activity claim (志愿服务申报): a good deed a member reported in chat, waiting for
their liaison (or the branch secretary, or the township contact) to approve it before it earns
points."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, intpk, timestamp
from models.member import Member

CLAIM_STATUSES = ("pending", "approved", "rejected")
STATUS_NAMES = {"pending": "待审核", "approved": "通过", "rejected": "未通过"}


class ActivityClaim(Base):
    """``member_id`` reported ``text`` at ``created_at``; numbered ``H`` + Beijing date + a
    3-digit sequence of the day (``H20261206001``). ``reviewer_id``: whom the notice was sent to
    (``None``: nobody could be reached by WeChat). Once decided: ``status`` approved or rejected,
    by ``decided_by`` at ``decided_at``, with the reviewer's words (``reason``: why not, or a
    remark with an approval). The points an approval earned are a ledger entry whose source is
    the claim (``activity_claim``)."""

    __tablename__ = "activity_claims"
    __table_args__ = (CheckConstraint(f"status IN {CLAIM_STATUSES}", name="status"),)

    id: Mapped[intpk]
    number: Mapped[str] = mapped_column(String(16), unique=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    created_at: Mapped[timestamp]
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    decided_at: Mapped[dt.datetime | None] = mapped_column()
    reason: Mapped[str | None] = mapped_column(Text)

    member: Mapped[Member] = relationship(foreign_keys=[member_id])
    reviewer: Mapped[Member | None] = relationship(foreign_keys=[reviewer_id])
    decider: Mapped[Member | None] = relationship(foreign_keys=[decided_by])
