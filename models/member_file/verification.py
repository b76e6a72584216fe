"""When a member's record was last confirmed (最近核实), as the file shows it.

One function on purpose: verification rounds (定期核查) will record confirmations of their own,
and this is the one place to read them from then. Until they do, the best evidence is the
latest of the member binding WeChat and the member changing their own record by chat — the
same reading as the ledger export's 最近核实 column (``models.ledger_export``).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.ledger_export import CONFIRMED_BY
from models.member import Member, MemberChange


def last_verified(session: Session, member: Member) -> dt.datetime | None:
    """The latest moment ``member`` confirmed their record (aware UTC), or ``None``."""
    changed = session.scalar(select(func.max(MemberChange.changed_at)).where(
        MemberChange.member_id == member.id, MemberChange.source.in_(CONFIRMED_BY),
        MemberChange.field != "openid"))
    known = [t for t in (member.bound_at, changed) if t is not None]
    return max(known) if known else None
