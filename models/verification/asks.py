"""One ask of a verification round and how it ended.

An ask is **open** (``outcome`` is ``NULL``) from the moment the round queues it until the member
answers or its reply window ends; a member has at most one open ask (a partial unique index).
It ends ``confirmed`` (没变, 确认, 👍 …), ``corrected`` (the member told us what changed — stored
as an update with source ``verification`` — or changed their info by chat while the ask was
open) or ``unanswered`` (the window ended first).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from models.base import Base, intpk, timestamp
from models.delivery.events import Outcome
from models.member import Member

OUTCOMES = ("confirmed", "corrected", "unanswered")
# Outcomes that verify the member's info (the day of the answer is a verification).
VERIFIED = ("confirmed", "corrected")
# The outbox purpose of the question sent to a member (models.delivery.purposes).
ASK_PURPOSE = "verification_ask"
# ``MemberChange.source`` of what a member corrected in answer to an ask.
SOURCE = "verification"


class VerificationAsk(Base):
    """A member asked to confirm their info: when (``asked_at``), until which day the answer is
    awaited (``due_on``, Beijing date: the round of that day closes it), when the question
    reached WeChat (``delivered_at``, ``None`` while it waits for the member's next message),
    and how it ended (``outcome``; ``answered_at`` for an answer, ``closed_at`` for any end)."""

    __tablename__ = "verification_asks"
    __table_args__ = (
        CheckConstraint(f"outcome IS NULL OR outcome IN {OUTCOMES}", name="outcome"),
        # One open ask per member: the round's "who has no open ask" is a constraint too.
        Index("uq_verification_asks_open_member", "member_id", unique=True,
              sqlite_where=text("outcome IS NULL"), postgresql_where=text("outcome IS NULL")),
    )

    id: Mapped[intpk]
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    asked_at: Mapped[timestamp] = mapped_column(index=True)
    due_on: Mapped[dt.date] = mapped_column(Date, index=True)
    delivered_at: Mapped[dt.datetime | None] = mapped_column()
    outcome: Mapped[str | None] = mapped_column(String(16))
    answered_at: Mapped[dt.datetime | None] = mapped_column()
    closed_at: Mapped[dt.datetime | None] = mapped_column()

    member: Mapped[Member] = relationship()

    @property
    def is_open(self) -> bool:
        """Still waiting for the member's answer."""
        return self.outcome is None


def open_ask(session: Session, member_id: int) -> VerificationAsk | None:
    """The member's open ask, or ``None``."""
    return session.scalar(select(VerificationAsk).where(
        VerificationAsk.member_id == member_id, VerificationAsk.outcome.is_(None)))


def answer(ask: VerificationAsk, outcome: str, now: dt.datetime) -> None:
    """End open ``ask`` with the member's answer: ``confirmed`` or ``corrected`` at ``now``.
    Raises ``ValueError`` for another outcome or an ask already ended."""
    if outcome not in VERIFIED:
        raise ValueError(f"an answer is confirmed or corrected, not {outcome!r}")
    if not ask.is_open:
        raise ValueError(f"verification ask {ask.id} already ended ({ask.outcome})")
    ask.outcome, ask.answered_at, ask.closed_at = outcome, now, now


def corrected_by_member(session: Session, member_id: int, now: dt.datetime) -> bool:
    """The member just stored a correction (a phone read back and confirmed, in answer to an
    ask): their open ask ends ``corrected``. Returns whether there was one."""
    ask = open_ask(session, member_id)
    if ask is None:
        return False
    answer(ask, "corrected", now)
    return True


def is_ask(outcome: Outcome) -> bool:
    """Whether ``outcome`` is a verification question's, to a member (:func:`ask_delivered`
    applies)."""
    return outcome.purpose == ASK_PURPOSE and outcome.member_id is not None


def ask_delivered(session: Session, outcome: Outcome) -> None:
    """Outbox reaction (``bot.dispatcher.reactions``): a verification question reached WeChat
    (or may have: an unknown outcome), so from now on the member's 没变 answers it."""
    if not is_ask(outcome):
        return
    ask = open_ask(session, outcome.member_id)
    if ask is not None and ask.delivered_at is None:
        ask.delivered_at = outcome.at
