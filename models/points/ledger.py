"""The points ledger (积分): awarding points by the rules and caps of ``points`` in config, and
reading what a member has.

Every award is an entry (:class:`models.points.entry.PointsEntry`); a balance is their sum. A
cap is per member and rule: the entries of that rule in the Beijing day (``daily_cap``) and the
Beijing calendar month (``monthly_cap``) of the award, the award itself included, stay within
it — the award is cut down to what is left, and nothing is written when nothing is. Two awards
of one member and rule at the same instant may both count against the same total (no lock is
taken for a point); one source record earns once however often it is awarded (a unique
constraint, the insert does nothing on a second try).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import bindparam, case, func, literal, select, type_coerce, union_all
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from models.base import UTCDateTime
from models.clock import SHANGHAI, month_bounds
from models.driver_statements import DriverStatement
from models.points.claim import ActivityClaim
from models.points.entry import PointsEntry
from models.settings import PointsSettings
from models.settings.points import RULES

_INSERTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}
_SOURCE = ["member_id", "rule", "source_kind", "source_id"]


def day_bounds(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """``[start, end)`` of the Beijing day containing ``now``, as aware UTC (Beijing keeps no
    daylight saving: a day is 24 hours)."""
    local = now.astimezone(SHANGHAI)
    start = dt.datetime.combine(local.date(), dt.time(), tzinfo=SHANGHAI).astimezone(dt.UTC)
    return start, start + dt.timedelta(days=1)


def award(session: Session, member_id: int, rule: str, source_kind: str, source_id: int, now: dt.datetime,
          approved_by: int | None = None, *, points: PointsSettings) -> int:
    """Award ``member_id`` the points ``rule`` earns (``points.rules``) for the source record
    ``source_kind`` + ``source_id`` (``lesson`` 12, ``activity_claim`` 3, a meeting …) at
    ``now``, cut down to what the rule's day and month caps leave; ``approved_by`` is the member
    who approved it (``None``: automatic). Returns the points awarded: 0 when the rule earns
    nothing, a cap is reached, or this source already earned under this rule (nothing is
    written then). Raises ``ValueError`` for a rule kiteline does not know. The caller commits."""
    if rule not in RULES:
        raise ValueError(f"no points rule {rule!r}; the rules are {', '.join(RULES)}")
    allowed = points.each(rule)
    if allowed <= 0:
        return 0
    daily, monthly = points.daily_cap.get(rule), points.monthly_cap.get(rule)
    if daily is not None or monthly is not None:
        today, this_month = _earned(session, member_id, rule, now)
        if daily is not None:
            allowed = min(allowed, daily - today)
        if monthly is not None:
            allowed = min(allowed, monthly - this_month)
    if allowed <= 0:
        return 0
    insert = _INSERTS[session.get_bind().dialect.name](PointsEntry.__table__)
    written = session.execute(
        insert.values(member_id=member_id, delta=allowed, rule=rule, source_kind=source_kind, source_id=source_id,
                      created_at=now, approved_by=approved_by)
        .on_conflict_do_nothing(index_elements=_SOURCE).returning(PointsEntry.__table__.c.id)).first()
    return allowed if written is not None else 0


def _earned(session: Session, member_id: int, rule: str, now: dt.datetime) -> tuple[int, int]:
    """What ``member_id`` earned under ``rule`` in the Beijing day and month of ``now``: one statement."""
    local = now.astimezone(SHANGHAI)
    month_start, month_end = month_bounds(local.year, local.month)
    day_start, day_end = day_bounds(now)
    e = PointsEntry
    in_day = (e.created_at >= day_start) & (e.created_at < day_end)
    today, month = session.execute(
        select(func.coalesce(func.sum(case((in_day, e.delta), else_=0)), 0), func.coalesce(func.sum(e.delta), 0))
        .where(e.member_id == member_id, e.rule == rule, e.created_at >= month_start, e.created_at < month_end)).one()
    return int(today), int(month)


@dataclass(frozen=True)
class Entry:
    """One ledger entry as 我的积分 lists it: ``rule``, ``delta`` (points), ``created_at`` (aware UTC)."""

    rule: str
    delta: int
    created_at: dt.datetime


@dataclass(frozen=True)
class Standing:
    """A member's points as 我的积分 shows them: ``balance`` (every entry), ``month`` (rule →
    points in the Beijing month asked about; rules that earned nothing left out), ``recent``
    (the newest entries, newest first) and ``pending`` (the numbers of their volunteer activity
    claims still waiting for review, oldest first)."""

    balance: int
    month: dict[str, int]
    recent: list[Entry]
    pending: list[str]

    @property
    def month_total(self) -> int:
        """Everything earned in the month."""
        return sum(self.month.values())


def _standing_statement():
    """The one statement of :func:`standing`, built once: a row per rule (its sum, all time and
    in the month), per newest entry and per pending claim, told apart by ``kind``. Bound
    parameters ``member_id``, ``start``, ``end``, ``recent``."""
    e, c = PointsEntry.__table__.c, ActivityClaim.__table__.c
    member, start, end = bindparam("member_id"), bindparam("start", type_=UTCDateTime()), bindparam("end", type_=UTCDateTime())
    newest = (select(literal("entry").label("kind"), e.rule.label("rule"), e.delta.label("total"),
                     literal(0).label("month"), e.created_at.label("at"))
              .where(e.member_id == member).order_by(e.created_at.desc(), e.id.desc())
              .limit(bindparam("recent")).subquery())
    by_rule = (select(literal("rule"), e.rule, func.sum(e.delta),
                      func.sum(case(((e.created_at >= start) & (e.created_at < end), e.delta), else_=0)),
                      type_coerce(None, UTCDateTime()))
               .where(e.member_id == member).group_by(e.rule))
    claims = (select(literal("claim"), c.number, literal(0), literal(0), c.created_at)
              .where(c.member_id == member, c.status == "pending"))
    return union_all(select(newest), by_rule, claims)


# 我的积分 is among the commonest messages: run on the driver (models.driver_statements).
_STANDING = DriverStatement(_standing_statement(), {"member_id": 0, "start": None, "end": None, "recent": 0})


def standing(session: Session, member_id: int, now: dt.datetime, recent: int = 5) -> Standing:
    """``member_id``'s :class:`Standing` in the Beijing month of ``now``, with up to ``recent``
    newest entries: one statement (我的积分 is among the commonest messages)."""
    local = now.astimezone(SHANGHAI)
    start, end = month_bounds(local.year, local.month)
    rows = _STANDING.all(session, {"member_id": member_id, "start": start, "end": end, "recent": recent})
    newest = sorted((row for row in rows if row.kind == "entry"), key=lambda row: row.at, reverse=True)
    claims = sorted((row for row in rows if row.kind == "claim"), key=lambda row: (row.at, row.rule))
    by_rule = [row for row in rows if row.kind == "rule"]
    return Standing(sum(int(row.total) for row in by_rule),
                    {row.rule: int(row.month) for row in by_rule if row.month},
                    [Entry(row.rule, int(row.total), row.at) for row in newest],
                    [row.rule for row in claims])
