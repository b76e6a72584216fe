"""The ledger export's 党费 column: ``已交至2026-11`` when no month is owed, ``欠3个月`` when some
are (``（另1个月待确认）`` for months the member reported), empty for a member whose dues are not
kept here. Read in the export's one query: one grouped subquery, no statement per member."""
from __future__ import annotations

from sqlalchemy import Subquery, and_, case, func, select

from models.dues import months
from models.dues.records import DuesPayment, DuesStandard


def dues_summary(current: str) -> Subquery:
    """Per member with a standard: ``since``, and of the months from ``since`` to ``current``
    the count ``paid`` (confirmed), the count ``pending`` and the latest paid ``last_paid``."""
    confirmed = DuesPayment.status == "confirmed"
    return (select(DuesStandard.member_id, DuesStandard.since,
                   func.count(case((confirmed, 1))).label("paid"),
                   func.count(case((DuesPayment.status == "pending", 1))).label("pending"),
                   func.max(case((confirmed, DuesPayment.period))).label("last_paid"))
            .outerjoin(DuesPayment, and_(DuesPayment.member_id == DuesStandard.member_id,
                                         DuesPayment.period >= DuesStandard.since, DuesPayment.period <= current))
            .group_by(DuesStandard.member_id, DuesStandard.since).subquery())


def dues_cell(since: str | None, paid: int | None, pending: int | None, last_paid: str | None,
              current: str) -> str | None:
    """The 党费 cell from :func:`dues_summary`'s columns (``None`` values: no standard)."""
    if since is None:
        return None
    owed = len(months.span(since, current)) - (paid or 0) - (pending or 0)
    waiting = f"{pending}个月待确认" if pending else ""
    if owed > 0:
        return f"欠{owed}个月" + (f"（另{waiting}）" if waiting else "")
    return (f"已交至{last_paid}" if last_paid else "无欠费") + (f"（{waiting}）" if waiting else "")
