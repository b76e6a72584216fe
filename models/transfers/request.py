"""The records of a transfer of organisational relationship (组织关系转接): a member's request,
and the guide a member away long enough was sent once."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, intpk, timestamp
from models.member import Member

# requested: the member asked and confirmed, the branch is to act; done: the branch says the
# membership has moved (转接办结).
TRANSFER_STATUSES = ("requested", "done")
STATUS_NAMES = {"requested": "已申请，待支部办理", "done": "已办结"}


class TransferRequest(Base):
    """One member's request to move their membership to where they live now. ``destination`` is
    the place as the member named it or as on file (``浙江宁波``); ``done_by`` who marked it done
    (the secretary's name, or ``命令行``)."""

    __tablename__ = "transfer_requests"
    __table_args__ = (CheckConstraint(f"status IN {TRANSFER_STATUSES}", name="status"),)

    id: Mapped[intpk]
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    destination: Mapped[str] = mapped_column(String(100))
    requested_at: Mapped[timestamp]
    status: Mapped[str] = mapped_column(String(16), default="requested")
    done_at: Mapped[dt.datetime | None] = mapped_column()
    done_by: Mapped[str | None] = mapped_column(String(64))

    member: Mapped[Member] = relationship()


class TransferGuide(Base):
    """The guide was queued for this member (once per member, ever): the daily job skips them."""

    __tablename__ = "transfer_guides"

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
    queued_at: Mapped[timestamp]
