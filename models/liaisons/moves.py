"""Moving members from one red liaison to another by hand (``kiteline liaisons move``): a
liaison leaves, falls ill, or a member is better served by someone else. The history, the open
tickets and the notices follow as for every change (``models.liaisons.handover``).

People are named as staff know them: a name, a phone (any spelling), or both as ``李某/13900000001``.
"""
from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.liaisons.assignment import Change
from models.liaisons.handover import Handover, change_liaisons
from models.member import Liaison, Member, mask_phone
from models.member_file.history import phone_in

SOURCE = "console"


class MoveRefused(ValueError):
    """A move that cannot be made as asked; ``str()`` says why, in Chinese. Nothing changed."""


@dataclass
class Moved:
    """What a move did: ``target`` the new liaison's name, ``members`` moved (by name), ``kept``
    left with the old liaison (the new liaison themself), ``made_liaison`` whether the target
    became a liaison by it."""

    target: str = ""
    members: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    made_liaison: bool = False
    handover: Handover = field(default_factory=Handover)


def split_who(who: str) -> tuple[str | None, str | None]:
    """``李某/13900000001`` → (name, phone); a lone phone or name gives ``None`` for the other."""
    text = unicodedata.normalize("NFKC", who).strip()
    name, _, phone = text.partition("/")
    if not phone:
        digits = phone_in(name)
        return (None, digits) if digits is not None else (name.strip() or None, None)
    return name.strip() or None, phone_in(phone)


def _matching(query, who: str):
    name, phone = split_who(who)
    if name is not None:
        query = query.where(Member.name == name)
    if phone is not None:
        query = query.where(Member.phone == phone)
    return query


def _liaisons_named(session: Session, who: str) -> list[Liaison]:
    return list(session.scalars(_matching(select(Liaison).join(Member, Member.id == Liaison.member_id), who)
                                .order_by(Liaison.id)))


def _one_liaison(found: list[Liaison], who: str) -> Liaison:
    if len(found) > 1:
        raise MoveRefused(f"有{len(found)}位联络员叫“{who}”，请写成“姓名/手机号”：" + "、".join(
            f"{li.member.name}/{li.member.phone or '无手机号'}（{li.branch.name}）" for li in found))
    return found[0]


def find_liaison(session: Session, who: str) -> Liaison:
    """The liaison ``who`` names. Raises :class:`MoveRefused` when none does, or several do (they
    are listed, to name one by phone)."""
    found = _liaisons_named(session, who)
    if not found:
        raise MoveRefused(f"没有找到红色联络员“{who}”：请核对姓名或手机号（kiteline liaisons list 可查看全部联络员）。")
    return _one_liaison(found, who)


def find_target(session: Session, who: str, branch_id: int) -> tuple[Liaison | None, Member]:
    """The liaison ``who`` names, else the member of branch ``branch_id`` ``who`` names (to be
    made a liaison): ``(liaison or None, person)``. Raises :class:`MoveRefused` when neither is
    found, or several are."""
    liaisons = _liaisons_named(session, who)
    if liaisons:
        liaison = _one_liaison(liaisons, who)
        return liaison, liaison.member
    people = list(session.scalars(_matching(select(Member).where(Member.branch_id == branch_id), who).order_by(Member.id)))
    if not people:
        raise MoveRefused(f"“{who}”不是红色联络员，也不在本支部名册中：请核对，或先在组织架构表、联络员名单里指定。")
    if len(people) > 1:
        raise MoveRefused(f"本支部有{len(people)}位“{who}”，请写成“姓名/手机号”：" + "、".join(
            f"{m.name}/{mask_phone(m.phone)}" for m in people))
    return None, people[0]


def move_members(session: Session, source: Liaison, target: str, members: Sequence[str] | None, *,
                 now: dt.datetime, changed_by: str, template_id: str | None) -> Moved:
    """Move ``members`` (each named as :func:`split_who` reads it; ``None``: every member) of the
    liaison ``source`` to the liaison ``target`` names — or to the member of ``source``'s branch it
    names, who becomes a liaison of that branch. ``changed_by``: who asked. Raises
    :class:`MoveRefused` (nothing changed) for a target not found, the same liaison, a member
    not ``source``'s. The caller commits."""
    new, person = find_target(session, target, source.branch_id)
    if new is not None and new.id == source.id:
        raise MoveRefused(f"{source.member.name}就是原联络员，不用调整。")
    theirs = list(session.scalars(select(Member).where(Member.liaison_id == source.id).order_by(Member.id)))
    moved = Moved(target=person.name)
    if members:
        chosen = [_one_of(theirs, who, source) for who in members]
        if any(m.id == person.id for m in chosen):
            raise MoveRefused(f"{person.name}就是新联络员本人，不能由自己联系自己；请把他从 --members 里去掉。")
    else:
        chosen = [m for m in theirs if m.id != person.id]
        moved.kept = [m.name for m in theirs if m.id == person.id]
    if not chosen:
        raise MoveRefused(f"{source.member.name}名下没有要调整的党员。")
    if new is None:
        new = Liaison(member_id=person.id, branch_id=source.branch_id)
        session.add(new)
        session.flush()
        moved.made_liaison = True
    chosen = list({m.id: m for m in chosen}.values())
    moved.members = [m.name for m in chosen]
    moved.handover = change_liaisons(session, [Change(m.id, source.id, new.id) for m in chosen], source=SOURCE,
                                     changed_by=changed_by, now=now, template_id=template_id)
    return moved


def _one_of(theirs: list[Member], who: str, source: Liaison) -> Member:
    name, phone = split_who(who)
    found = [m for m in theirs if (name is None or m.name == name) and (phone is None or m.phone == phone)]
    if not found:
        raise MoveRefused(f"“{who}”不是{source.member.name}负责的党员，请核对（kiteline member show 可查看其联络员）。")
    if len(found) > 1:
        raise MoveRefused(f"{source.member.name}负责的党员里有{len(found)}位“{who}”，请写成“姓名/手机号”。")
    return found[0]
