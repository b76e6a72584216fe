"""Finding the people a file names for a branch — its red liaisons (the org file's 红色联络员
column, a liaison list's 联络员) and the members a liaison looks after (负责党员) — on the
roster, as the ledger's 联络员 column does (``models.ledger_liaisons``).

Name + phone is who someone is: with a phone, the roster member with that name and phone is the
one meant (in the branch, or — for a liaison — anywhere on the roster); a liaison with a phone
who is not on the roster at all is added to the branch as a home member (``status = "home"``).
Without a phone the name must be one person of the branch. Anything else is a
:class:`~models.ledger.CellError` with the Chinese reason the import shows beside the row.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from models.ledger import CellError
from models.ledger_roster import fresh_bind_codes
from models.liaisons.assignment import CHUNK
from models.member import Liaison, Member, mask_phone
from models.org import Organization

EXAMPLE_PHONE = "13900001111"


class RosterPeople:
    """The roster members named ``names`` (read once, in chunks), and every liaison. After use:
    ``named`` lists the people made liaisons, ``added`` those of them added to the roster (by
    name, in the order first met). Nothing is looked up a row at a time."""

    def __init__(self, session: Session, now: dt.datetime, names: Iterable[str]) -> None:
        self.session, self.now = session, now
        self.named: list[str] = []
        self.added: list[str] = []
        self._in_branch: dict[tuple[int, str], list[tuple[int, str | None]]] = {}
        self._by_identity: dict[tuple[str, str | None], list[int]] = {}
        wanted = sorted(set(names))
        for start in range(0, len(wanted), CHUNK):
            for m in session.execute(select(Member.id, Member.name, Member.phone, Member.branch_id)
                                     .where(Member.name.in_(wanted[start:start + CHUNK])).order_by(Member.id)):
                self._remember(m.id, m.name, m.phone, m.branch_id)
        self._liaisons = {member_id: (liaison_id, branch_id) for liaison_id, member_id, branch_id
                          in session.execute(select(Liaison.id, Liaison.member_id, Liaison.branch_id))}
        self._person_of = {liaison_id: member_id for member_id, (liaison_id, _) in self._liaisons.items()}

    def liaison(self, branch_id: int, name: str, phone: str | None) -> int:
        """The ``liaisons.id`` of the person named as a liaison of ``branch_id``: found on the
        roster (or added, with a phone) and made a liaison of the branch when not one yet.
        Raises :class:`CellError` when no one can be named, or the person is another branch's
        liaison already (a liaison serves one branch)."""
        member_id = self._person(branch_id, name, phone, "联络员")
        if member_id is None:
            member_id = self._add_home_member(branch_id, name, phone)
        known = self._liaisons.get(member_id)
        if known is not None:
            if known[1] != branch_id:
                other = self.session.get(Organization, known[1]).name
                raise CellError(f"{name}已是{other}的红色联络员；一人只做一个支部的联络员，请核对")
            return known[0]
        liaison_id = self.session.scalar(insert(Liaison).returning(Liaison.id),
                                         {"member_id": member_id, "branch_id": branch_id})
        self._liaisons[member_id] = (liaison_id, branch_id)
        self._person_of[liaison_id] = member_id
        self.named.append(name)
        return liaison_id

    def liaison_member(self, liaison_id: int) -> int:
        """The ``members.id`` of the liaison ``liaison_id``."""
        return self._person_of[liaison_id]

    def member(self, branch_id: int, name: str, phone: str | None) -> int:
        """The ``members.id`` of the branch member a liaison is to look after. Raises
        :class:`CellError` when the branch has no such member, or several without a phone."""
        member_id = self._person(branch_id, name, phone, "负责党员", anywhere=False)
        if member_id is None:
            raise CellError(f"负责党员{name}（{mask_phone(phone)}）不在本支部名册中；请核对，或先导入台账")
        return member_id

    def _person(self, branch_id: int, name: str, phone: str | None, what: str, anywhere: bool = True) -> int | None:
        """The member meant, ``None`` for someone with a phone who is not on the roster."""
        same_name = self._in_branch.get((branch_id, name), [])
        if phone is not None:
            exact = [m for m, ph in same_name if ph == phone]
            if exact:
                return exact[0]
            elsewhere = self._by_identity.get((name, phone)) if anywhere else None
            if elsewhere:
                return elsewhere[0]
            if same_name:
                # Likely the same person with an old number: adding a second 李某 would split them.
                raise CellError(f"{what}{name}的手机号与本支部名册中的{name}（{mask_phone(same_name[0][1])}）"
                                "不一致；请核对手机号")
            return None
        if len(same_name) > 1:
            raise CellError(f"本支部名册中有{len(same_name)}位{name}，请在{what}后写上手机号，如“{name} {EXAMPLE_PHONE}”")
        if not same_name:
            if what == "联络员":
                raise CellError(f"联络员{name}不在本支部名册中，也没写手机号；请写成“{name} {EXAMPLE_PHONE}”"
                                "（不在名册的会作为在家党员加入名册）")
            raise CellError(f"负责党员{name}不在本支部名册中；请核对姓名，或先导入台账")
        return same_name[0][0]

    def _remember(self, member_id: int, name: str, phone: str | None, branch_id: int) -> None:
        self._in_branch.setdefault((branch_id, name), []).append((member_id, phone))
        self._by_identity.setdefault((name, phone), []).append(member_id)

    def _add_home_member(self, branch_id: int, name: str, phone: str) -> int:
        member_id = self.session.scalar(insert(Member).returning(Member.id), {
            "name": name, "phone": phone, "branch_id": branch_id, "status": "home",
            "bind_code": fresh_bind_codes(self.session, 1)[0], "created_at": self.now})
        self._remember(member_id, name, phone, branch_id)
        self.added.append(name)
        return member_id
