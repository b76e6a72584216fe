"""Who a broadcast is for (``models.settings.schedules.Audience``), one keyset page at a time.

A page is one Core statement — bound members with an id above the last page's, in id order,
``limit`` of them — with the audience's rules in its WHERE clause, so 100,000 members are a
hundred statements, never one per member and never all of them in memory. Rules:

- ``orgs``: the member's branch is one of the orgs named or under one (``subtree_ids``);
- ``away``: status 在外流动 (``away``, ``models.member.STATUS_NAMES``);
- ``not_studied_days``: no study in that many days — a lesson opened (``opened_at``) or asked
  for in chat (a record of source other than ``schedule``) since then. A push that reached the
  member but was never opened is not study.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, exists, or_, select
from sqlalchemy.orm import Session

from models.lesson import StudyRecord
from models.member import Member
from models.org_tree import subtree_ids
from models.settings.schedules import Audience

_MEMBERS, _RECORDS = Member.__table__, StudyRecord.__table__


class UnknownOrg(ValueError):
    """An org name in a schedule's audience that no organisation has; ``str`` says which."""


@dataclass(frozen=True)
class Recipient:
    """One member of a page: their id, openid and branch (which lessons are meant for them:
    ``models.lesson_scope``)."""

    member_id: int
    openid: str
    branch_id: int


def resolve(session: Session, audience: Audience, now: dt.datetime) -> list[ColumnElement[bool]]:
    """The audience's rules as WHERE conditions on ``members`` at ``now``. Raises
    :class:`UnknownOrg` for an org name no organisation has."""
    rules: list[ColumnElement[bool]] = []
    if audience.orgs:
        branches: set[int] = set()
        for name in audience.orgs:
            found = subtree_ids(session, name)
            if not found:
                raise UnknownOrg(f"没有名为“{name}”的党组织")
            branches |= found
        rules.append(_MEMBERS.c.branch_id.in_(sorted(branches)))
    if audience.away:
        rules.append(_MEMBERS.c.status == "away")
    if audience.not_studied_days:
        since = now - dt.timedelta(days=audience.not_studied_days)
        studied = or_(_RECORDS.c.opened_at >= since,
                      and_(_RECORDS.c.source != "schedule", _RECORDS.c.delivered_at >= since))
        rules.append(~exists().where(_RECORDS.c.member_id == _MEMBERS.c.id, studied))
    return rules


def page(session: Session, rules: Iterable[ColumnElement[bool]], after_id: int, limit: int) -> list[Recipient]:
    """Up to ``limit`` bound members meeting ``rules`` (from :func:`resolve`) with id above
    ``after_id``, by id."""
    query = (select(_MEMBERS.c.id, _MEMBERS.c.openid, _MEMBERS.c.branch_id)
             .where(_MEMBERS.c.openid.is_not(None), _MEMBERS.c.id > after_id, *rules)
             .order_by(_MEMBERS.c.id).limit(limit))
    return [Recipient(*row) for row in session.execute(query)]
