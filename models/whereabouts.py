"""Where a member is, and whether they are away: the rules of 流动去向 and 流出 / 流回 (GLOSSARY),
for chat, the console, verification and import alike. Every change is kept with its history
(``models.member_updates.apply_changes``).

```
away      ── move_to a new place ──────────────▶ away       (destination updated)
home      ── move_to a new place ──────────────▶ home       (destination updated)
returned  ── move_to a new place / left_again ─▶ away       (away_since = this month in Shanghai)
any       ── came_home ────────────────────────▶ returned   (destination cleared)
```

A shared location (``shared_location``) moves the destination only: the member may be on a visit.
A city the place list does not know (``move_to_unlisted``) is kept as written and flagged
(``Member.place_unlisted``), never guessed; any known place later clears the flag.

Every operation takes ``source`` (one of ``models.member_updates.SOURCES``) and ``changed_by``
(who: the sender's openid, 核查, a console user …), recorded with each change.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from models.clock import SHANGHAI
from models.member import Member, MemberChange
from models.member_updates import apply_changes
from models.places import (
    clean,
    knows_city,
    normalise_city,
    normalise_province,
    province_of,
)
from models.transfers.guide import GUIDE_FIELDS, forget_undelivered

DESTINATION = ("current_province", "current_city", "current_district")


@dataclass(frozen=True)
class Moved:
    """What a whereabouts operation changed: the ``MemberChange`` rows it wrote (empty when all
    it was told is already on file)."""

    changes: list[MemberChange]

    @property
    def fields(self) -> frozenset[str]:
        """The member fields that changed (``status``, ``current_city`` …)."""
        return frozenset(c.field for c in self.changes)


def move_to(session: Session, member: Member, city: str | None, province: str | None, *,
            now: dt.datetime, source: str, changed_by: str) -> Moved | None:
    """The member is now in ``city`` and/or ``province`` (as said: 苏州市, 江苏省 — normalised
    here). A new city clears the district and brings its province when none is said; the same
    city keeps the district; a province alone keeps the city when it is the same province. A
    member who had come home (``returned``) is away again from this month. ``source`` is one of
    ``models.member_updates.SOURCES``. Returns what changed, or ``None`` when neither names a
    place."""
    values = _destination(member, normalise_province(province), normalise_city(city))
    if not values:
        return None
    if member.status == "returned":
        values.update(status="away", away_since=_this_month(now))
    member.place_unlisted = False  # a known place (an unlisted one has no province to keep)
    return _moved(session, member, values, source=source, changed_by=changed_by, now=now)


def move_to_unlisted(session: Session, member: Member, written: str, *, now: dt.datetime, source: str,
                     changed_by: str) -> Moved:
    """The member is now in ``written``, a place the place list does not know (a town, a
    banner, a new district: 白杨镇): it becomes the city exactly as written (spaces dropped), the
    province and district are cleared (nothing is guessed), and the member is flagged
    (``place_unlisted``) so staff check it. Otherwise as :func:`move_to`. Raises ``ValueError``
    for a place the list does know (use :func:`move_to`) or an empty one."""
    city = clean(written)
    if not city or knows_city(normalise_city(city) or ""):
        raise ValueError(f"{written!r} is no unlisted place")
    values: dict[str, object] = {"current_city": city, "current_province": None, "current_district": None}
    if member.status == "returned":
        values.update(status="away", away_since=_this_month(now))
    member.place_unlisted = True
    return _moved(session, member, values, source=source, changed_by=changed_by, now=now)


def came_home(session: Session, member: Member, *, now: dt.datetime, source: str, changed_by: str) -> Moved:
    """The member has come home for good (流回: 回老家了, 不出去了): status ``returned``, the
    destination cleared. Returns what changed (nothing when already so)."""
    values = {"status": "returned", **dict.fromkeys(DESTINATION)}
    member.place_unlisted = False
    return _moved(session, member, values, source=source, changed_by=changed_by, now=now)


def left_again(session: Session, member: Member, *, now: dt.datetime, source: str,
               changed_by: str) -> Moved | None:
    """A member who had come home went out again (又出去打工了), place not yet said: status
    ``away`` from this month. ``None`` when the member had not come home (nothing to change)."""
    if member.status != "returned":
        return None
    return _moved(session, member, {"status": "away", "away_since": _this_month(now)},
                  source=source, changed_by=changed_by, now=now)


def shared_location(session: Session, member: Member, province: str | None, city: str, district: str | None,
                    *, now: dt.datetime, source: str, changed_by: str) -> Moved:
    """The member shared where they are right now (a WeChat location, already split by
    ``models.places.split_destination``): the destination becomes exactly that; the status is
    left alone, since a location may be shared on a visit."""
    values = dict(zip(DESTINATION, (province, city, district), strict=True))
    member.place_unlisted = False
    return _moved(session, member, values, source=source, changed_by=changed_by, now=now)


def _moved(session: Session, member: Member, values: dict[str, object], *, source: str, changed_by: str,
           now: dt.datetime) -> Moved:
    """Store ``values`` with history; when that changed where the member is or whether they are
    away, a transfer guide still waiting for them says the old place: it is withdrawn
    (``models.transfers.guide.forget_undelivered``). Nothing more is read when nothing changed."""
    moved = Moved(apply_changes(session, member, values, source=source, changed_by=changed_by, now=now))
    if moved.fields & GUIDE_FIELDS and member.id is not None:
        forget_undelivered(session, member.id)
    return moved


def _destination(member: Member, province: str | None, city: str | None) -> dict[str, str | None]:
    if city and city == member.current_city:
        return {"current_city": city, "current_province": province or member.current_province}
    if city:
        # A new city makes the old district meaningless; the province follows the city when known.
        return {"current_city": city, "current_district": None,
                "current_province": province or province_of(city)}
    if province and province == member.current_province:
        return {"current_province": province}  # same province, city unknown: keep the city
    if province:
        return {"current_province": province, "current_city": None, "current_district": None}
    return {}


def _this_month(now: dt.datetime) -> dt.date:
    """The month in Shanghai, as its 1st: when a member went out again (``away_since``), kept to
    the month as the ledger keeps it (a day would show as 2027年3月23日 beside ledger months)."""
    return now.astimezone(SHANGHAI).date().replace(day=1)
