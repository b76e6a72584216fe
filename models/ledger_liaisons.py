"""Naming each imported member's red liaison (红色联络员) from the ledger's 联络员 column, under
the 1+N contact scheme: one liaison of the member's own branch serves many members.

A liaison cell names a roster member of the same branch (by name, and phone when written); that
member becomes a ``Liaison``. Someone not on the roster is added as a home member (``status =
"home"``) when the cell gives a valid phone. Anything else is a :class:`CellError` whose message
the importer shows as a row to check; the member row itself is imported regardless.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.binding import new_bind_code
from models.ledger import CellError, parse_liaison
from models.member import Liaison, Member, mask_phone


class LiaisonAssigner:
    """Finds or makes the liaisons one import names. ``named`` lists members made liaisons by
    this import, ``added`` those of them added to the roster; both by name, in order."""

    def __init__(self, session: Session, now: dt.datetime) -> None:
        self.session, self.now = session, now
        self.named: list[str] = []
        self.added: list[str] = []

    def liaison(self, member: Member, cell: object, phone_cell: object = None) -> Liaison | None:
        """The liaison ``cell`` (and the 联络员电话 ``phone_cell``) names for ``member``; ``None``
        when both are empty. Raises :class:`CellError` (in Chinese) when it cannot be assigned."""
        parsed = parse_liaison(cell, phone_cell)
        if parsed is None:
            return None
        name, phone = parsed
        person = self._on_roster(member.branch_id, name, phone)
        if person is None:
            person = self._add_home_member(member.branch_id, name, phone)
        if person.id == member.id:
            raise CellError(f"联络员写的是本人{name}，未指定联络员；请写本支部另一位党员")
        return self._liaison_of(person)

    def _on_roster(self, branch_id: int, name: str, phone: str | None) -> Member | None:
        same_name = list(self.session.scalars(select(Member).where(
            Member.branch_id == branch_id, Member.name == name).order_by(Member.id)))
        if phone is not None:
            exact = [m for m in same_name if m.phone == phone]
            if exact:
                return exact[0]
            if same_name:
                # Likely the same person with an old number: adding a second 李某 would split them.
                raise CellError(f"联络员{name}的手机号与名册中的{name}（{mask_phone(same_name[0].phone)}）"
                                "不一致，未指定联络员；请核对手机号后重新导入")
            return None
        if len(same_name) > 1:
            raise CellError(f"本支部名册中有{len(same_name)}位{name}，未指定联络员；"
                            f"请在联络员一栏写上手机号，如“{name} 13900001111”")
        if not same_name:
            raise CellError(f"联络员{name}不在本支部名册中，也没写手机号，未指定联络员；"
                            f"请写成“{name} 13900001111”后重新导入")
        return same_name[0]

    def _add_home_member(self, branch_id: int, name: str, phone: str) -> Member:
        person = Member(name=name, phone=phone, branch_id=branch_id, status="home",
                        bind_code=new_bind_code(self.session), created_at=self.now)
        self.session.add(person)
        self.session.flush()
        self.added.append(name)
        return person

    def _liaison_of(self, person: Member) -> Liaison:
        found = self.session.scalar(select(Liaison).where(Liaison.member_id == person.id))
        if found is not None:
            return found
        liaison = Liaison(member_id=person.id, branch_id=person.branch_id, member=person)
        self.session.add(liaison)
        self.session.flush()
        self.named.append(person.name)
        return liaison
