"""Putting ledger rows on the roster a batch at a time: one lookup, one insert, one update and
one history insert per batch of rows, never a statement per row (100,000 rows in seconds).

A row's member is found by name + phone (the member's identity across imports) or created; what
changed on a found member is updated and recorded (``MemberChange``, source ``import``). A phone
the ledger gives two members, or a member and someone already on the roster, is remembered so the
report can name it. Rows are kept only as small records of what the liaison pass still needs.
"""
from __future__ import annotations

import datetime as dt
import secrets
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Row, insert, select, update
from sqlalchemy.orm import Session

from models.binding import CODE_ALPHABET, CODE_LENGTH
from models.ledger_report import RowNote
from models.member import Member, MemberChange
from models.member_updates import change_row

# Member columns an import reads; a found member is compared on these.
IMPORTED = ("name", "phone", "branch_id", "gender", "joined_party_on", "away_since", "away_reason",
            "current_province", "current_city", "current_district", "employer", "note")
SHARED_PHONE = "已照常导入；如果是家人共用可不处理，否则请改正"


@dataclass(slots=True)
class LedgerRow:
    """A good row on its way in: its sheet row number, its parsed values (``IMPORTED`` keys,
    ``None`` for an empty cell) and its 联络员 / 联络员电话 cells as written (``None`` for none)."""

    row: int
    values: dict[str, object]
    liaison: tuple[object, object] | None


@dataclass(slots=True)
class Placed:
    """A row whose member is on the roster and whose ledger names a liaison: what the liaison
    pass needs once every row is in (a liaison may be a later row). ``outcome``: what storing
    the row did (``created`` / ``updated`` / ``unchanged``)."""

    row: int
    member_id: int
    name: str
    branch_id: int
    liaison_id: int | None
    outcome: str
    liaison: tuple[object, object]


class RosterBatches:
    """Stores batches of :class:`LedgerRow` for one import. ``outcomes`` counts ``created`` /
    ``updated`` / ``unchanged``; ``placed`` lists the rows naming a liaison; ``member_ids`` holds
    every member the ledger named."""

    def __init__(self, session: Session, now: dt.datetime, changed_by: str) -> None:
        """``changed_by``: who the history names for each change (the ledger file's name)."""
        self.session, self.now, self.changed_by = session, now, changed_by
        self.outcomes: Counter[str] = Counter()
        self.placed: list[Placed] = []
        self.member_ids: set[int] = set()
        self._first_with_phone: dict[str, tuple[int, str]] = {}
        self._notes: list[RowNote] = []
        # phone → (row, name, [(id, name, branch_id)]) of members already on the roster with the
        # phone of the ledger's first row with it; those the ledger itself names drop out later.
        self._roster_sharers: dict[str, tuple[int, str, list[tuple[int, str, int]]]] = {}

    def store(self, rows: Sequence[LedgerRow]) -> None:
        """Find or create each row's member, update what changed, and remember what the report
        and the liaison pass need. Rows must not repeat a name + phone (the importer rejects a
        repeat)."""
        found = self.session.execute(select(Member.id, Member.liaison_id, *(getattr(Member, c) for c in IMPORTED))
                                     .where(Member.phone.in_({r.values["phone"] for r in rows}))
                                     .order_by(Member.id)).all()
        by_key: dict[tuple[str, str], Row] = {}
        by_phone: dict[str, list[Row]] = {}
        for member in found:
            by_key.setdefault((member.name, member.phone), member)
            by_phone.setdefault(member.phone, []).append(member)
        new: list[LedgerRow] = []
        updates, changes = [], []
        for r in rows:
            member = by_key.get((r.values["name"], r.values["phone"]))
            self._remember_phone(r, member, by_phone.get(r.values["phone"], []))
            if member is None:
                new.append(r)
                continue
            diff = {k: v for k, v in r.values.items() if v is not None and getattr(member, k) != v}
            if diff:
                updates.append({"id": member.id, **diff})
                changes += [change_row(member.id, k, getattr(member, k), v, source="import",
                                      changed_by=self.changed_by, now=self.now)
                            for k, v in diff.items()]
            self._placed(r, member.id, member.liaison_id, "updated" if diff else "unchanged")
        for r, member_id in zip(new, self._insert(new)):
            self._placed(r, member_id, None, "created")
        if updates:
            self.session.execute(update(Member), updates)
        if changes:
            self.session.execute(insert(MemberChange.__table__), changes)

    def _insert(self, rows: Sequence[LedgerRow]) -> list[int]:
        if not rows:
            return []
        codes = fresh_bind_codes(self.session, len(rows))
        # The table's INSERT (one executemany), not the ORM's: that one may split by which values are None.
        self.session.execute(insert(Member.__table__), [
            {**dict.fromkeys(IMPORTED), **r.values, "status": "away", "bind_code": code, "created_at": self.now}
            for r, code in zip(rows, codes)])
        # Each new member's id by their (unique) invitation code: one query, where RETURNING in
        # parameter order would make SQLite insert a row at a time.
        ids = dict(self.session.execute(select(Member.bind_code, Member.id).where(Member.bind_code.in_(codes))).all())
        return [ids[code] for code in codes]

    def _placed(self, r: LedgerRow, member_id: int, liaison_id: int | None, outcome: str) -> None:
        self.outcomes[outcome] += 1
        self.member_ids.add(member_id)
        if r.liaison is not None:
            self.placed.append(Placed(r.row, member_id, r.values["name"], r.values["branch_id"], liaison_id,
                                      outcome, r.liaison))

    def _remember_phone(self, r: LedgerRow, member: Row | None, same_phone: list[Row]) -> None:
        phone, name = r.values["phone"], r.values["name"]
        first = self._first_with_phone.get(phone)
        if first is not None:
            self._notes.append(RowNote(r.row, name, f"手机号与第{first[0]}行（{first[1]}）相同，{SHARED_PHONE}"))
            return
        self._first_with_phone[phone] = (r.row, name)
        others = [(m.id, m.name, m.branch_id) for m in same_phone if member is None or m.id != member.id]
        if others:
            self._roster_sharers[phone] = (r.row, name, others)

    def also_on_roster(self, member_id: int, name: str, phone: str, branch_id: int) -> None:
        """Someone added to the roster after their phone's rows were stored (a liaison added as a
        home member): named beside the ledger's first row with that phone, as one already there."""
        first = self._first_with_phone.get(phone)
        if first is None:
            return
        row, row_name, others = self._roster_sharers.get(phone, (*first, []))
        self._roster_sharers[phone] = (row, row_name, [*others, (member_id, name, branch_id)])

    def shared_phones(self, branch_names: dict[int, str]) -> list[RowNote]:
        """Rows whose phone another member also has, in the ledger or on the roster: imported
        (families share a phone) but named, so staff can check for a typing mistake.
        ``branch_names``: branch id → name, for every branch a roster member is in."""
        notes = list(self._notes)
        for row, name, others in self._roster_sharers.values():
            others = [o for o in others if o[0] not in self.member_ids]
            if others:
                names = "、".join(f"{n}（{branch_names[b]}）" for _, n, b in others)
                notes.append(RowNote(row, name, f"手机号与名册中的{names}相同，{SHARED_PHONE}"))
        return notes

    def sharer_branches(self) -> set[int]:
        """Branch ids of the roster members :meth:`shared_phones` may name."""
        return {b for _, _, others in self._roster_sharers.values() for _, _, b in others}


def fresh_bind_codes(session: Session, n: int) -> list[str]:
    """``n`` distinct invitation codes no member has yet (as ``models.binding.new_bind_code``
    makes one), checked against the roster in one query per try."""
    codes: set[str] = set()
    while len(codes) < n:
        tried = {"".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
                 for _ in range(n - len(codes))} - codes
        taken = set(session.scalars(select(Member.bind_code).where(Member.bind_code.in_(tried))))
        codes |= tried - taken
    return list(codes)
