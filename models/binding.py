"""Binding a WeChat follower (openid) to one roster member, and removing the binding.

Rules: one openid binds to at most one member and one member to at most one openid; a member
binds by name + phone exactly as on the branch's ledger, or by the scene code of their
invitation QR code (``bind_<code>``). Unfollowing removes the binding, never the ledger entry
(DESIGN.md §5).
"""
from __future__ import annotations

import datetime as dt
import re
import secrets
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.follower import Follower
from models.hanzi import to_simplified
from models.member import Member
from models.member_updates import apply_changes

SCENE_PREFIX = "bind_"
# No 0/o/1/l/i: codes are read aloud and typed from paper invitations.
CODE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
CODE_LENGTH = 8
_FILLER = re.compile(r"绑定|綁定|你好|您好|我是|我叫|我的|姓名|名字|手机号码|手机号|手机|电话号码|电话|号码|是")
_PHONE = re.compile(r"1[3-9](?:[\s\-－]*\d){9}")


class BindStatus(StrEnum):
    """How a binding attempt ended."""

    BOUND = "bound"                  # done just now
    ALREADY_SELF = "already_self"    # this openid is already this member
    OPENID_TAKEN = "openid_taken"    # this openid is bound to someone else
    MEMBER_TAKEN = "member_taken"    # the member is bound to another openid
    NOT_FOUND = "not_found"
    AMBIGUOUS = "ambiguous"          # several unbound members share name and phone


@dataclass(frozen=True)
class BindResult:
    """The outcome and the member concerned (the one bound, or the one already holding the
    openid or the identity; ``None`` when nobody matched)."""

    status: BindStatus
    member: Member | None = None


def new_bind_code(session: Session) -> str:
    """A fresh, unused invitation code (8 characters from :data:`CODE_ALPHABET`); the QR code's
    scene string is ``bind_<code>`` (WeChat allows scene strings up to 64 characters)."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if session.scalar(select(Member.id).where(Member.bind_code == code)) is None:
            return code


def parse_bind_text(text: str) -> tuple[str | None, str | None]:
    """(name, phone) from a message like ``绑定 张某 13800001234`` in any spacing, punctuation or
    full-width digits (``绑定：张某，138-0000-1234``). Either part is ``None`` when missing."""
    text = unicodedata.normalize("NFKC", text)
    match = _PHONE.search(text)
    phone = re.sub(r"\D", "", match.group(0)) if match else None
    rest = text[: match.start()] + " " + text[match.end():] if match else text
    name = re.sub(r"[^\u4e00-\u9fff·A-Za-z]", "", _FILLER.sub(" ", rest))
    return (name if 2 <= len(name) <= 20 else None), phone


def bind_by_identity(session: Session, openid: str, name: str, phone: str, now: dt.datetime) -> BindResult:
    """Bind ``openid`` to the one member with this phone and exactly this name, or else whose
    name appears within ``name`` (the text left after taking out the phone); traditional and
    simplified characters count as the same (opencc t2s, as nlu.normalize)."""
    current = _bound_member(session, openid)
    # Names compare in Simplified Chinese: 劉某明 from a traditional keyboard is the roster's 刘某明.
    wanted = to_simplified(name)
    same_phone = list(session.scalars(select(Member).where(Member.phone == phone)))
    matches = [m for m in same_phone if to_simplified(m.name) == wanted]
    if not matches:
        # "白杨村的张某": the member whose phone it is, named somewhere in the text.
        matches = [m for m in same_phone if len(m.name) >= 2 and to_simplified(m.name) in wanted]
    if current is not None:
        same = current in matches
        return BindResult(BindStatus.ALREADY_SELF if same else BindStatus.OPENID_TAKEN, current)
    if not matches:
        return BindResult(BindStatus.NOT_FOUND)
    unbound = [m for m in matches if m.openid is None]
    if not unbound:
        return BindResult(BindStatus.MEMBER_TAKEN, matches[0])
    if len(unbound) > 1:
        return BindResult(BindStatus.AMBIGUOUS)
    return _bind(session, unbound[0], openid, now)


def bind_by_code(session: Session, openid: str, scene: str, now: dt.datetime) -> BindResult:
    """Bind ``openid`` to the member whose invitation QR scene is ``scene`` (``bind_<code>``)."""
    code = scene[len(SCENE_PREFIX):] if scene.startswith(SCENE_PREFIX) else ""
    member = session.scalar(select(Member).where(Member.bind_code == code)) if code else None
    current = _bound_member(session, openid)
    if current is not None:
        return BindResult(BindStatus.ALREADY_SELF if current is member else BindStatus.OPENID_TAKEN, current)
    if member is None:
        return BindResult(BindStatus.NOT_FOUND)
    if member.openid is not None:
        return BindResult(BindStatus.MEMBER_TAKEN, member)
    return _bind(session, member, openid, now)


def unbind_follower(session: Session, openid: str, now: dt.datetime) -> Member | None:
    """The follower unfollowed: mark them unsubscribed and remove their binding (the member stays
    on the roster and can bind again). Returns the member that was unbound, if any."""
    follower = session.get(Follower, openid)
    if follower is not None:
        follower.subscribed, follower.unsubscribed_at = False, now
    member = _bound_member(session, openid)
    if member is not None:
        apply_changes(session, member, {"openid": None}, source="chat", now=now)
        member.bound_at = None
    return member


def _bound_member(session: Session, openid: str) -> Member | None:
    return session.scalar(select(Member).where(Member.openid == openid))


def _bind(session: Session, member: Member, openid: str, now: dt.datetime) -> BindResult:
    apply_changes(session, member, {"openid": openid}, source="chat", now=now)
    member.bound_at = now
    session.flush()
    return BindResult(BindStatus.BOUND, member)
