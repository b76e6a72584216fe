"""A red liaison's caseload: the help requests (tickets) assigned to them and not yet answered."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.member import Liaison, Member
from models.tickets import WAITING, Ticket


@dataclass(frozen=True)
class Caseload:
    """``waiting``: how many tickets wait on the liaison (status in ``models.tickets.WAITING``);
    ``newest``: the numbers of the newest of them (``Q20261129002``), newest first."""

    liaison: Liaison
    waiting: int
    newest: list[str]


def caseload_of(session: Session, member: Member, shown: int = 3) -> Caseload | None:
    """The caseload of ``member`` as a liaison (up to ``shown`` newest numbers), or ``None``
    when the member is not a liaison."""
    liaison = session.scalar(select(Liaison).where(Liaison.member_id == member.id))
    if liaison is None:
        return None
    waiting = (Ticket.liaison_id == liaison.id) & Ticket.status.in_(WAITING)
    count = session.scalar(select(func.count()).select_from(Ticket).where(waiting))
    newest = session.scalars(select(Ticket.number).where(waiting)
                             .order_by(Ticket.created_at.desc(), Ticket.id.desc()).limit(shown))
    return Caseload(liaison, count, list(newest))
