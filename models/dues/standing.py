"""Where a member stands with their dues: the monthly standard, the months paid, the months
reported and waiting for the secretary, and the months owed — the same reading for the chat's
党费 answer, the member file, the reminder and the ledger export.

Owed is well defined and finite: the months from the member's ``DuesStandard.since`` (the first
month their branch keeps dues here) to the current Beijing month, each without a payment on
record. A member without a standard owes nothing here: their branch does not keep dues in
kiteline (yet), and the answer says whom to ask.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.dues import months
from models.dues.records import DuesPayment, DuesStandard
from models.member import Member


@dataclass(frozen=True)
class Standing:
    """A member's dues at ``current`` (``YYYY-MM``): ``standard_fen`` and ``since`` (``None``
    when their branch keeps no dues here), ``paid`` (confirmed payments by month), ``pending``
    (months reported by the member, not yet confirmed) and ``owed`` (months from ``since`` to
    ``current`` with neither), oldest first."""

    current: str
    standard_fen: int | None = None
    since: str | None = None
    paid: dict[str, DuesPayment] = field(default_factory=dict)
    pending: list[str] = field(default_factory=list)
    owed: list[str] = field(default_factory=list)

    @property
    def kept(self) -> bool:
        """Whether the member's dues are kept here (a standard is on file)."""
        return self.standard_fen is not None

    @property
    def owed_fen(self) -> int:
        """What the owed months come to at the standard."""
        return (self.standard_fen or 0) * len(self.owed)

    @property
    def paid_through(self) -> str | None:
        """The last month of the unbroken run of paid months from ``since`` (``None`` when
        ``since`` itself is unpaid): 已交至."""
        if self.since is None or self.since not in self.paid:
            return None
        month = self.since
        while months.shift(month, 1) in self.paid:
            month = months.shift(month, 1)
        return month

    def recent(self, count: int = 3) -> list[DuesPayment]:
        """The latest ``count`` confirmed payments, newest first."""
        return [self.paid[p] for p in sorted(self.paid, reverse=True)[:count]]


def standing(session: Session, member_id: int, now: dt.datetime) -> Standing:
    """The member's :class:`Standing` now (one SELECT: 党费 is among the commonest messages)."""
    return standings(session, [member_id], now)[member_id]


def standings(session: Session, member_ids: Iterable[int], now: dt.datetime) -> dict[int, Standing]:
    """:func:`standing` for several members at once (one SELECT: each member's standard joined
    with their payments; keep the list to a batch)."""
    ids = list(member_ids)
    current = months.current_period(now)
    found: dict[int, DuesStandard] = {}
    payments: dict[int, list[DuesPayment]] = {i: [] for i in ids}
    rows = session.execute(select(Member.id, DuesStandard, DuesPayment).select_from(Member)
                           .outerjoin(DuesStandard, DuesStandard.member_id == Member.id)
                           .outerjoin(DuesPayment, DuesPayment.member_id == Member.id)
                           .where(Member.id.in_(ids)).order_by(Member.id, DuesPayment.period))
    for member_id, standard, payment in rows:
        if standard is not None:
            found[member_id] = standard
        if payment is not None:
            payments[member_id].append(payment)
    result = {}
    for member_id in ids:
        mine = payments[member_id]
        paid = {p.period: p for p in mine if p.status == "confirmed"}
        pending = [p.period for p in mine if p.status == "pending"]
        standard = found.get(member_id)
        if standard is None:
            result[member_id] = Standing(current, paid=paid, pending=pending)
            continue
        owed = [m for m in months.span(standard.since, current) if m not in paid and m not in pending]
        result[member_id] = Standing(current, standard.amount_fen, standard.since, paid, pending, owed)
    return result
