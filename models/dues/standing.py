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

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from models.driver_statements import DriverStatement
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
    paid: dict[str, Payment] = field(default_factory=dict)
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

    def recent(self, count: int = 3) -> list[Payment]:
        """The latest ``count`` confirmed payments, newest first."""
        return [self.paid[p] for p in sorted(self.paid, reverse=True)[:count]]


def standing(session: Session, member_id: int, now: dt.datetime) -> Standing:
    """The member's :class:`Standing` now (one SELECT on the driver, ``models.driver_statements``:
    党费 is among the commonest messages)."""
    rows = _STANDING_OF_ONE.all(session, {"member": member_id})
    return _standings_of(rows, [member_id], now)[member_id]


@dataclass(frozen=True)
class Payment:
    """A month on record as the readings above need it (a row of ``dues_payments``)."""

    period: str
    amount_fen: int
    paid_on: dt.date | None
    channel: str | None
    status: str


def _statement(members):
    """Each member's standard joined with their payments, oldest month first, for the members
    ``members`` selects (a condition on ``members.id``): built once, run as Core (no ORM objects:
    the readings only read)."""
    p = DuesPayment.__table__.c
    return (select(Member.id.label("member_id"), DuesStandard.amount_fen.label("standard_fen"),
                   DuesStandard.since, p.period, p.amount_fen, p.paid_on, p.channel, p.status)
            .select_from(Member)
            .outerjoin(DuesStandard, DuesStandard.member_id == Member.id)
            .outerjoin(DuesPayment, p.member_id == Member.id)
            .where(members)
            .order_by(Member.id, p.period))


_STANDINGS = _statement(Member.id.in_(bindparam("ids", expanding=True)))
_STANDING_OF_ONE = DriverStatement(_statement(Member.id == bindparam("member")), {"member": 0})


def standings(session: Session, member_ids: Iterable[int], now: dt.datetime) -> dict[int, Standing]:
    """:func:`standing` for several members at once (one SELECT; keep the list to a batch)."""
    ids = list(member_ids)
    return _standings_of(session.connection().execute(_STANDINGS, {"ids": ids}), ids, now)


def _standings_of(rows: Iterable, ids: list[int], now: dt.datetime) -> dict[int, Standing]:
    """The standings of ``ids`` from the rows of :func:`_statement`."""
    current = months.current_period(now)
    standards: dict[int, tuple[int, str]] = {}
    payments: dict[int, list[Payment]] = {i: [] for i in ids}
    for row in rows:
        if row.standard_fen is not None:
            standards[row.member_id] = (row.standard_fen, row.since)
        if row.period is not None:
            payments[row.member_id].append(Payment(row.period, row.amount_fen, row.paid_on, row.channel, row.status))
    result = {}
    for member_id in ids:
        mine = payments[member_id]
        paid = {p.period: p for p in mine if p.status == "confirmed"}
        pending = [p.period for p in mine if p.status == "pending"]
        if member_id not in standards:
            result[member_id] = Standing(current, paid=paid, pending=pending)
            continue
        standard_fen, since = standards[member_id]
        owed = [m for m in months.span(since, current) if m not in paid and m not in pending]
        result[member_id] = Standing(current, standard_fen, since, paid, pending, owed)
    return result
