"""Binding a WeChat follower (openid) to one roster member, and removing the binding.

Rules: one openid binds to at most one member and one member to at most one openid; a member
binds by name + phone exactly as on the branch's ledger, or by the scene code of their
invitation QR code (``bind_<code>``). The name must be the roster's name exactly: besides it
the message may hold only the phone, the command, courtesy words and where the member is from
(:func:`names_only`), never a list of names with the right one somewhere inside. Every try is
counted against the openid and refused while it cools down (``models.bind_attempts``); a refusal
says nothing of who is on the roster or bound. Unfollowing removes the binding, never the ledger
entry (DESIGN.md §5).
"""
from __future__ import annotations

import datetime as dt
import re
import secrets
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import literal, select
from sqlalchemy.orm import Session

from models.bind_attempts import AttemptLimits, begin_try, record_try
from models.follower import Follower
from models.hanzi import to_simplified
from models.member import Member
from models.member_updates import apply_changes

SCENE_PREFIX = "bind_"
# No 0/o/1/l/i: codes are read aloud and typed from paper invitations.
CODE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
CODE_LENGTH = 8
_PHONE = re.compile(r"1[3-9](?:[\s\-－]*\d){9}")
# A village name: no pronouns or particles inside it, ending in a village word (the router
# reads it too, handlers.bind).
VILLAGE = (r"(?:(?![我俺你他她们了个的是在有和跟给帮回到去来这那几同])[\u4e00-\u9fff]){2,6}"
           r"(?:村|屯|嘎查|庄|沟|洼|湾|岭|坡|营|寨|峪|坪|堡)")
# Where a member says they are from, district down to village, and the words joining it to the
# name: 示例区红柳镇白杨村党支部的党员, 王家洼村的, 白杨村人.
_PLACE = (r"(?:(?![我俺你他她们了个的是在有和跟给帮回到去来这那几同叫姓])[\u4e00-\u9fff]){2,6}"
          r"(?:省|市|区|县|旗|盟|镇|乡|街道|苏木|社区|村|屯|嘎查|庄|沟|洼|湾|岭|坡|营|寨|峪|坪|堡)")
INTRODUCTION = re.compile(f"(?:{_PLACE})+(?:[0-9一二三四五六七八九十]{{1,3}}[组队社])?(?:党支部|支部|党委)?的?"
                          "(?:党员|人)?")
# What else members write around their name and phone: courtesies, what they want, who they
# are. None of it can be a name, so a list of names never passes for one.
_WORDS = (r"绑定|綁定|绑上|认证|实名|登记|注册|党员身份|身份|老党员|流动党员|党员|本人|同志|你好|您好|在吗|"
          r"我是|我叫|我的|我想|我要|给我|帮我|帮忙|麻烦|一下|谢谢|感谢|姓名|名字|手机号码|手机号|手机|"
          r"电话号码|电话|号码|联系方式|在外务工|在外|务工|打工|外出")
# Reading a name: words only (李想 and 何了 keep their 想 and 了), and 是 as ever.
_FILLER = re.compile(_WORDS + "|是")
# Checking that nothing but the name is left: single characters too; [微笑] is a WeChat
# emoticon as text.
_COURTESY = re.compile(r"\[[^\[\]]{1,8}\]|" + _WORDS + r"|[叫是的想要请啊呀吧呢哈了嗯哦噢您你我]")
_NAME_CHAR = re.compile(r"[\u3400-\u9fffA-Za-z]")


class BindStatus(StrEnum):
    """How a binding attempt ended."""

    BOUND = "bound"                  # done just now
    ALREADY_SELF = "already_self"    # this openid is already this member
    OPENID_TAKEN = "openid_taken"    # this openid is bound to someone else
    MEMBER_TAKEN = "member_taken"    # the member is bound to another openid
    NOT_FOUND = "not_found"
    AMBIGUOUS = "ambiguous"          # several unbound members share name and phone
    COOLING_DOWN = "cooling_down"    # too many failed tries from this openid: not looked up


@dataclass(frozen=True)
class BindResult:
    """The outcome and the member concerned (the one bound, or the one already holding the
    openid or the identity; ``None`` when nobody matched); ``retry_at`` (aware UTC) ends the
    cool-down of ``COOLING_DOWN``."""

    status: BindStatus
    member: Member | None = None
    retry_at: dt.datetime | None = None


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


def said(text: str) -> str:
    """``text`` as :func:`names_only` compares it: full-width folded (NFKC), in Simplified
    Chinese (opencc t2s: 劉某明 from a traditional keyboard is the roster's 刘某明), without
    the phone."""
    return _PHONE.sub(" ", to_simplified(unicodedata.normalize("NFKC", text)))


def names_only(text: str, name: str) -> bool:
    """True when ``text`` (a binding message as :func:`said` gives it) names ``name`` and
    nobody else: with ``name`` taken out, only the command, courtesy words and where the
    member is from are left (我是白杨村的张某 names 张某; 赵某明刘某明杨某明 and 杨某明的邻居 name
    nobody)."""
    wanted = re.sub(r"\s", "", to_simplified(unicodedata.normalize("NFKC", name)))
    if len(wanted) < 2 or wanted not in text:
        return False
    # 我姓张，叫张某: the surname said on its own.
    rest = text.replace(wanted, " ").replace("姓" + wanted[0], " ")
    rest = _COURTESY.sub(" ", INTRODUCTION.sub(" ", rest))
    return _NAME_CHAR.search(rest) is None


def bind_by_identity(session: Session, openid: str, text: str, phone: str, now: dt.datetime,
                     limits: AttemptLimits) -> BindResult:
    """Bind ``openid`` to the one member with this ``phone`` whom ``text`` (the message the
    phone was read from) names and nobody else (:func:`names_only`). The try is counted
    (``models.bind_attempts``): while ``openid`` cools down, or when this failure starts a
    cool-down, the result is ``COOLING_DOWN`` and nothing is looked up or bound."""
    text = said(text)
    current = _bound_member(session, openid)
    if current is not None:
        same = current.phone == phone and names_only(text, current.name)
        return BindResult(BindStatus.ALREADY_SELF if same else BindStatus.OPENID_TAKEN, current)
    if (until := begin_try(session, openid, now)) is not None:
        record_try(session, openid, "cooling_down", now, limits, phone=phone)
        return BindResult(BindStatus.COOLING_DOWN, retry_at=until)
    same_phone = session.scalars(select(Member).where(Member.phone == phone).order_by(Member.id))
    matches = [m for m in same_phone if names_only(text, m.name)]
    unbound = [m for m in matches if m.openid is None]
    if len(unbound) == 1:
        record_try(session, openid, "bound", now, limits, phone=phone, member=unbound[0])
        return _bind(session, unbound[0], openid, now)
    if unbound:
        result = BindResult(BindStatus.AMBIGUOUS)
    elif matches:
        result = BindResult(BindStatus.MEMBER_TAKEN, matches[0])
    else:
        result = BindResult(BindStatus.NOT_FOUND)
    until = record_try(session, openid, result.status.value, now, limits, phone=phone, member=result.member,
                       named=matches or _named(session, text))
    return BindResult(BindStatus.COOLING_DOWN, retry_at=until) if until else result


def bind_by_code(session: Session, openid: str, scene: str, now: dt.datetime, limits: AttemptLimits) -> BindResult:
    """Bind ``openid`` to the member whose invitation QR scene is ``scene`` (``bind_<code>``);
    counted like :func:`bind_by_identity` (an unknown code is a failed try)."""
    code = scene[len(SCENE_PREFIX):] if scene.startswith(SCENE_PREFIX) else ""
    member = session.scalar(select(Member).where(Member.bind_code == code)) if code else None
    current = _bound_member(session, openid)
    if current is not None:
        return BindResult(BindStatus.ALREADY_SELF if current is member else BindStatus.OPENID_TAKEN, current)
    if (until := begin_try(session, openid, now)) is not None:
        record_try(session, openid, "cooling_down", now, limits)
        return BindResult(BindStatus.COOLING_DOWN, retry_at=until)
    if member is not None and member.openid is None:
        record_try(session, openid, "bound", now, limits, member=member)
        return _bind(session, member, openid, now)
    result = BindResult(BindStatus.MEMBER_TAKEN, member) if member else BindResult(BindStatus.NOT_FOUND)
    until = record_try(session, openid, result.status.value, now, limits, member=member)
    return BindResult(BindStatus.COOLING_DOWN, retry_at=until) if until else result


def unbind_follower(session: Session, openid: str, now: dt.datetime) -> Member | None:
    """The follower unfollowed: mark them unsubscribed and remove their binding (the member stays
    on the roster and can bind again). Returns the member that was unbound, if any."""
    follower = session.get(Follower, openid)
    if follower is not None:
        follower.subscribed, follower.unsubscribed_at = False, now
    member = _bound_member(session, openid)
    if member is not None:
        apply_changes(session, member, {"openid": None}, source="chat", changed_by=openid, now=now)
        member.bound_at = None
    return member


def _named(session: Session, text: str) -> list[Member]:
    """The roster members ``text`` names (:func:`names_only`), whatever phone it gave: whose
    liaison hears of repeated failures. Names inside the text are found by the database; a
    roster name in traditional characters is not (it is compared as stored)."""
    inside = session.scalars(select(Member).where(literal(text).contains(Member.name)).order_by(Member.id))
    return [m for m in inside if names_only(text, m.name)]


def _bound_member(session: Session, openid: str) -> Member | None:
    return session.scalar(select(Member).where(Member.openid == openid))


def _bind(session: Session, member: Member, openid: str, now: dt.datetime) -> BindResult:
    apply_changes(session, member, {"openid": openid}, source="chat", changed_by=openid, now=now)
    member.bound_at = now
    session.flush()
    return BindResult(BindStatus.BOUND, member)
