"""Numbers people quote from a phone: a letter, the Beijing date and a 3-digit sequence of the
day — ``Q20261129001`` a help request, ``H20261206001`` a volunteer activity claim,
``S20261129001`` a thought report. Short enough to read out, and a member can tell the day it
was filed from it."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from models.clock import SHANGHAI


def next_day_number(session: Session, column: InstrumentedAttribute[str], letter: str, now: dt.datetime) -> str:
    """The next free number of ``letter`` (``Q``, ``H``, ``S``) on the Beijing day of ``now``
    (aware), read from ``column`` (a unique string column): the day's highest plus one. Two
    filings in the same instant may draw the same number; the unique column then refuses the
    second, which its caller retries or reports."""
    prefix = letter + now.astimezone(SHANGHAI).strftime("%Y%m%d")
    last = session.scalar(select(func.max(column)).where(column.like(prefix + "%")))
    return f"{prefix}{int(last[len(prefix):]) + 1 if last else 1:03d}"
