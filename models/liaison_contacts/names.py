"""Which of a liaison's members a few words name: "张某 电话聊了工作情况", "张某明电话聊了",
"张某 1234 走访" (two of their members called 张某: the phone's last four digits tell them apart)."""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.member import Liaison, Member

# After a shared name: the phone, whole or its last four digits (尾号1234), telling them apart.
PHONE_TAIL = re.compile(r"[\s，,：:]*(?:尾号|手机|电话)?\s*(\d{11}|\d{4})(?!\d)")
# Where the first word of an unknown name ends.
WORD_END = re.compile(r"[\s，,。：:；;、]")


@dataclass(frozen=True)
class Named:
    """What the words name: ``members`` — one member, several sharing the name (the phone did not
    tell them apart), or none; ``name`` — the name as read (the first word when no member of the
    liaison has it); ``rest`` — the words after the name (and phone digits), trimmed."""

    members: tuple[Member, ...]
    name: str
    rest: str


def members_of(session: Session, liaison_member_id: int) -> list[Member]:
    """The members assigned to the liaison whose members.id is ``liaison_member_id`` (not
    themself), in roster order; empty when they are no liaison."""
    return list(session.scalars(select(Member).join(Liaison, Liaison.id == Member.liaison_id)
                                .where(Liaison.member_id == liaison_member_id, Member.id != liaison_member_id)
                                .order_by(Member.id)))


def named(members: Sequence[Member], words: str) -> Named:
    """Which of ``members`` ``words`` begins with (the longest name that fits: 张某明 before 张某),
    narrowed by the phone digits after the name when several share it."""
    words = words.strip()
    for name in sorted({m.name for m in members}, key=len, reverse=True):
        if not words.startswith(name):
            continue
        found = tuple(m for m in members if m.name == name)
        rest = words[len(name):]
        tail = PHONE_TAIL.match(rest)
        if tail is not None:
            by_phone = tuple(m for m in found if (m.phone or "").endswith(tail[1]))
            if by_phone:
                found, rest = by_phone, rest[tail.end():]
        return Named(found, name, rest.strip(" ，,：:。"))
    first = WORD_END.split(words, maxsplit=1)
    return Named((), first[0][:8], first[1].strip() if len(first) > 1 else "")
