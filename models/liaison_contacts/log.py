"""The contact log (定时联系): one row each time a red liaison got in touch with one of their
members — a phone call, a visit, a WeChat chat, or an answer to the member's message."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from models.base import Base, intpk, timestamp
from models.member import Member

# phone: a call (电话); visit: in person (走访); wechat: a WeChat chat, voice or video call
# (微信); reply: the liaison answered the member's message or help request (回复).
CONTACT_KINDS = ("phone", "visit", "wechat", "reply")
KIND_NAMES = {"phone": "电话", "visit": "走访", "wechat": "微信", "reply": "回复"}


class LiaisonContact(Base):
    """One contact: ``member_id`` was reached by ``by_member_id`` (the liaison, a members.id)
    at ``at``, by ``kind`` (one of :data:`CONTACT_KINDS`), with what was said (``note``)."""

    __tablename__ = "liaison_contacts"
    __table_args__ = (
        CheckConstraint(f"kind IN {CONTACT_KINDS}", name="kind"),
        # The latest contact of a member: the member file, the export, the monthly plan.
        Index("ix_liaison_contacts_member_at", "member_id", "at"),
    )

    id: Mapped[intpk]
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    by_member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    at: Mapped[timestamp]
    kind: Mapped[str] = mapped_column(String(8))
    note: Mapped[str | None] = mapped_column(Text)

    by: Mapped[Member] = relationship(foreign_keys=[by_member_id])


def record_contact(session: Session, member_id: int, by_member_id: int, kind: str, note: str | None,
                   now: dt.datetime) -> LiaisonContact:
    """Log that ``by_member_id`` (the liaison's members.id) got in touch with ``member_id`` at
    ``now`` by ``kind`` (one of :data:`CONTACT_KINDS`), ``note`` saying what about (blank:
    none). Added to the session; the caller commits. Raises ``ValueError`` for another kind."""
    if kind not in CONTACT_KINDS:
        raise ValueError(f"unknown contact kind {kind!r}")
    contact = LiaisonContact(member_id=member_id, by_member_id=by_member_id, at=now, kind=kind,
                             note=(note or "").strip() or None)
    session.add(contact)
    return contact


def recent_contacts(session: Session, member_id: int, limit: int = 3) -> list[LiaisonContact]:
    """``member_id``'s latest ``limit`` contacts, newest first, each with who made it."""
    return list(session.scalars(select(LiaisonContact).where(LiaisonContact.member_id == member_id)
                                .order_by(LiaisonContact.at.desc(), LiaisonContact.id.desc()).limit(limit)))


def last_contact_at():
    """A subquery ``(member_id, at)``: each member's latest contact, for joins (the ledger
    export, the monthly plan)."""
    return (select(LiaisonContact.member_id, func.max(LiaisonContact.at).label("at"))
            .group_by(LiaisonContact.member_id).subquery("last_contact"))
