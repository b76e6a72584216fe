"""Naming each imported member's red liaison (红色联络员) from the ledger's 联络员 column, under
the 1+N contact scheme: one liaison of the member's own branch serves many members.

A liaison cell names a roster member of the same branch (by name, and phone when written); that
member becomes a ``Liaison``. With a phone, the person with that name and phone elsewhere on the
roster is the one meant (name + phone is who someone is, as for the members themselves), and
someone not on the roster at all is added as a home member (``status = "home"``). Anything else
is a :class:`CellError` whose message the importer shows as a row to check; the member row itself
is imported regardless.

The roster is read once for every name the column uses, not once per row: a branch of 30,000
members names its few liaisons thousands of times.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from models.ledger import CellError, parse_liaison
from models.ledger_report import RowNote
from models.ledger_roster import Placed, fresh_bind_codes
from models.liaisons import Change, Handover, change_liaisons
from models.member import Liaison, Member, mask_phone

CHUNK = 500  # values per IN (...) query


class LiaisonAssigner:
    """Assigns the liaisons one import names. After :meth:`assign`: ``named`` lists members made
    liaisons by this import, ``added`` those of them added to the roster (both by name, in
    order); ``warnings`` the rows whose liaison could not be assigned; ``changed`` the rows of
    members already on the roster whose liaison changed; ``handover`` what the changes handed
    over (open tickets moved, people told)."""

    def __init__(self, session: Session, now: dt.datetime, changed_by: str,
                 on_added: Callable[[int, str, str, int], None] | None = None,
                 template_id: str | None = None) -> None:
        """``on_added(member_id, name, phone, branch_id)`` is told of each person added;
        ``changed_by`` is who the history names for each change (the ledger file's name);
        ``template_id`` the ``liaison_handover`` template for liaisons told of a change
        (``models.liaisons.handover``; ``None``: their notice waits for their next message)."""
        self.session, self.now, self.on_added = session, now, on_added
        self.changed_by, self.template_id = changed_by, template_id
        self.handover = Handover()
        self.named: list[str] = []
        self.added: list[str] = []
        self.warnings: list[RowNote] = []
        self.changed: list[Placed] = []
        self._in_branch: dict[tuple[int, str], list[tuple[int, str | None]]] = {}
        self._by_identity: dict[tuple[str, str | None], list[tuple[int, int]]] = {}
        self._liaisons: dict[int, int] = {}

    def assign(self, placed: Sequence[Placed]) -> None:
        """Give each row's member the liaison its cell names, in row order (a liaison a row adds
        is on the roster for the rows after it), with the history (``models.liaisons``): a
        member already on the roster whose liaison changes has it recorded, their open tickets
        moved and both liaisons told; for members this import created the creation is the
        record."""
        wanted: list[tuple[Placed, tuple[str, str | None]]] = []
        for p in placed:
            try:
                parsed = parse_liaison(*p.liaison)
            except CellError as exc:
                self.warnings.append(RowNote(p.row, p.name, str(exc)))
                continue
            if parsed is not None:
                wanted.append((p, parsed))
        self._load({name for _, (name, _) in wanted})
        persons = []
        for p, (name, phone) in wanted:
            try:
                persons.append((p, self._person(p, name, phone)))
            except CellError as exc:
                self.warnings.append(RowNote(p.row, p.name, str(exc)))
        self._make_liaisons([person for _, person in persons])
        changes = []
        for p, (person_id, _, _) in persons:
            liaison_id = self._liaisons[person_id]
            if liaison_id == p.liaison_id:
                continue
            changes.append(Change(p.member_id, p.liaison_id, liaison_id, created=p.outcome == "created"))
            if p.outcome != "created":
                self.changed.append(p)
        self.handover = change_liaisons(self.session, changes, source="ledger", changed_by=self.changed_by,
                                        now=self.now, template_id=self.template_id)

    def _load(self, names: set[str]) -> None:
        for chunk in _chunks(sorted(names)):
            for m in self.session.execute(select(Member.id, Member.name, Member.phone, Member.branch_id)
                                          .where(Member.name.in_(chunk)).order_by(Member.id)):
                self._remember(m.id, m.name, m.phone, m.branch_id)
        self._liaisons = dict(self.session.execute(select(Liaison.member_id, Liaison.id)).all())

    def _remember(self, member_id: int, name: str, phone: str | None, branch_id: int) -> None:
        self._in_branch.setdefault((branch_id, name), []).append((member_id, phone))
        self._by_identity.setdefault((name, phone), []).append((member_id, branch_id))

    def _make_liaisons(self, persons: list[tuple[int, int, str]]) -> None:
        """Make each person not yet a liaison one, in the order first named: one insert, one read."""
        new = {}
        for member_id, branch_id, name in persons:
            if member_id not in self._liaisons and member_id not in new:
                new[member_id] = branch_id
                self.named.append(name)
        if not new:
            return
        self.session.execute(insert(Liaison.__table__), [{"member_id": m, "branch_id": b} for m, b in new.items()])
        for chunk in _chunks(list(new)):
            self._liaisons.update(self.session.execute(select(Liaison.member_id, Liaison.id)
                                                       .where(Liaison.member_id.in_(chunk))).all())

    def _person(self, p: Placed, name: str, phone: str | None) -> tuple[int, int, str]:
        """(member id, branch id, name) of the person a cell names for the member of row ``p``.
        Raises :class:`CellError` (in Chinese) when no one can be assigned."""
        same_name = self._in_branch.get((p.branch_id, name), [])
        if phone is not None:
            exact = [m for m, ph in same_name if ph == phone]
            elsewhere = self._by_identity.get((name, phone))
            if exact:
                found = (exact[0], p.branch_id)
            elif elsewhere:
                found = elsewhere[0]
            elif same_name:
                # Likely the same person with an old number: adding a second 李某 would split them.
                raise CellError(f"联络员{name}的手机号与名册中的{name}（{mask_phone(same_name[0][1])}）"
                                "不一致，未指定联络员；请核对手机号后重新导入")
            else:
                found = (self._add_home_member(p.branch_id, name, phone), p.branch_id)
        elif len(same_name) > 1:
            raise CellError(f"本支部名册中有{len(same_name)}位{name}，未指定联络员；"
                            f"请在联络员一栏写上手机号，如“{name} 13900001111”")
        elif not same_name:
            raise CellError(f"联络员{name}不在本支部名册中，也没写手机号，未指定联络员；"
                            f"请写成“{name} 13900001111”后重新导入")
        else:
            found = (same_name[0][0], p.branch_id)
        if found[0] == p.member_id:
            raise CellError(f"联络员写的是本人{name}，未指定联络员；请写本支部另一位党员")
        return (*found, name)

    def _add_home_member(self, branch_id: int, name: str, phone: str) -> int:
        member_id = self.session.scalar(insert(Member).returning(Member.id), {
            "name": name, "phone": phone, "branch_id": branch_id, "status": "home",
            "bind_code": fresh_bind_codes(self.session, 1)[0], "created_at": self.now})
        self._remember(member_id, name, phone, branch_id)
        self.added.append(name)
        if self.on_added is not None:
            self.on_added(member_id, name, phone, branch_id)
        return member_id


def _chunks(items: list) -> list[list]:
    return [items[i:i + CHUNK] for i in range(0, len(items), CHUNK)]
