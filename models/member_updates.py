"""Changing a member's file with history: every changed field leaves a ``MemberChange`` row
saying what changed (field, old, new), how (``source``), by whom (``changed_by``) and when.

Every path that changes a member goes through here (chat, the ledger import's bulk rows through
:func:`change_row`, verification rounds, the console), so the history is complete."""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from models.member import Member, MemberChange

# Fields a ledger import, the console or the member themself may change.
UPDATABLE = (
    "name", "gender", "phone", "branch_id", "status", "joined_party_on", "away_since",
    "away_reason", "current_province", "current_city", "current_district", "employer", "note",
    "liaison_id", "openid",
)
# verification: what a member corrected in answer to a verification ask (models.verification).
SOURCES = ("chat", "import", "console", "scheduler", "verification")
# ``changed_by`` holds at most this many characters (a long file name is cut).
CHANGED_BY_MAX = 64


def _as_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)[:200]


def change_row(member_id: int, field: str, old: object, new: object, *, source: str, changed_by: str,
               now: dt.datetime) -> dict[str, object]:
    """The ``MemberChange`` columns recording ``field`` going from ``old`` to ``new`` (values as
    stored: dates, ids, text) by ``changed_by`` (see ``MemberChange.changed_by``), for a bulk
    insert of many members' changes at once."""
    return {"member_id": member_id, "field": field, "old_value": _as_text(old),
            "new_value": _as_text(new), "source": source, "changed_by": changed_by[:CHANGED_BY_MAX],
            "changed_at": now}


def apply_changes(session: Session, member: Member, values: dict[str, object], *, source: str,
                  changed_by: str, now: dt.datetime) -> list[MemberChange]:
    """Set each field in ``values`` that differs from what is stored and record the change.

    ``source`` is one of :data:`SOURCES`; ``changed_by`` who made it (the sender's openid for
    chat, the file name for an import, the console user, 核查 …; cut to
    :data:`CHANGED_BY_MAX`). Returns the new MemberChange rows (empty when nothing changed).
    Raises ``ValueError`` for a field outside :data:`UPDATABLE`, an unknown source or an empty
    ``changed_by``. A member not yet flushed (no id) is changed without history: its creation
    is the record."""
    if source not in SOURCES:
        raise ValueError(f"unknown change source {source!r}")
    if not changed_by:
        raise ValueError("a change needs who made it (changed_by)")
    changes = []
    for field, new in values.items():
        if field not in UPDATABLE:
            raise ValueError(f"{field!r} is not an updatable member field")
        old = getattr(member, field)
        if old == new:
            continue
        setattr(member, field, new)
        if member.id is not None:
            changes.append(MemberChange(**change_row(member.id, field, old, new, source=source,
                                                     changed_by=changed_by, now=now)))
    session.add_all(changes)
    return changes
