"""Reading links (阅读链接): a lesson's link, per member, that records the opening and redirects.

A link is ``<public_base_url>/r/<token>``. The token carries the member and lesson ids and an
HMAC-SHA256 of them under a server key, truncated to 96 bits (RFC 2104 §5 allows truncation to
half the hash or more; 96 bits is what TLS and IPsec use), so a link cannot be guessed or
altered to another member's or lesson's, and none is stored: a broadcast mints one per member in
its planning step (100,000 of them), and :func:`read_token` checks one with no database at all.
The ids are readable in the token — only the MAC makes it unforgeable; nothing personal is in
it. The token is URL-safe base64 of 20 bytes: 27 characters.

The key is ``server.link_key``, or when that is empty one derived from ``wechat.app_secret`` and
``wechat.token`` (:func:`link_key`): every process of a deployment (web, dispatcher, scheduler)
reads the same configuration, so they mint and check the same links without another secret to
distribute, and the AppSecret itself never leaves the process (an HMAC of it cannot be turned
back). Changing either one (or ``link_key``) makes every link sent before it a dead link; set
``link_key`` to keep them across a new AppSecret.

An opening (:func:`record_opening`) is one upsert on the member's study record: the first sets
``opened_at`` (and, for a lesson never recorded as delivered, creates the record with source
``link``), each one counts in ``opens`` and moves ``last_opened_at``. The first earns study
points (``models.study_points``, in the points ledger).
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import re
import struct
from functools import lru_cache

from sqlalchemy import func, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from models.base import UTCDateTime
from models.lesson import Lesson, StudyRecord
from models.member import Member
from models.settings import Settings

# Where the web app mounts the links (bot.reading).
LINK_PATH = "/r/"
# StudyRecord.source of a lesson first seen through its link (never recorded as delivered).
LINK_SOURCE = "link"
# Two unsigned 32-bit ids (the primary keys are 32-bit integers on both databases), then the MAC.
_IDS = struct.Struct(">II")
_MAC_BYTES = 12
TOKEN_LENGTH = 27  # base64 of 20 bytes, without the "=" padding
_TOKEN = re.compile(r"[A-Za-z0-9_-]{%d}" % TOKEN_LENGTH)
# Kept apart from any other use of the same key (domain separation), with a version to bump if
# the token's shape ever changes.
_LABEL = b"kiteline reading link v1\0"


def link_key(settings: Settings) -> bytes:
    """The key reading links are signed with: ``server.link_key`` when set, else
    HMAC-SHA256(``wechat.app_secret``, label + ``wechat.token``), the same in every process."""
    if settings.server.link_key:
        return settings.server.link_key.encode("utf-8")
    return hmac.new(settings.wechat.app_secret.encode("utf-8"), _LABEL + settings.wechat.token.encode("utf-8"),
                    hashlib.sha256).digest()


@lru_cache(maxsize=8)
def _keyed(key: bytes) -> hmac.HMAC:
    # The key's inner and outer pads hashed once; each token copies this state (a third of the
    # cost of a fresh hmac.new), which counts when a broadcast mints 100,000.
    return hmac.new(key, _LABEL, hashlib.sha256)


def _mac(key: bytes, ids: bytes) -> bytes:
    mac = _keyed(key).copy()
    mac.update(ids)
    return mac.digest()[:_MAC_BYTES]


def reading_token(key: bytes, member_id: int, lesson_id: int) -> str:
    """The 27-character URL-safe token for ``member_id`` reading ``lesson_id``. Raises
    ``struct.error`` for an id outside 0…2³²−1."""
    ids = _IDS.pack(member_id, lesson_id)
    return base64.urlsafe_b64encode(ids + _mac(key, ids)).decode("ascii").rstrip("=")


def reading_url(base_url: str, key: bytes, member_id: int, lesson_id: int) -> str:
    """The link a member gets for a lesson: ``<base_url>/r/<token>`` (``base_url``:
    ``server.public_base_url``, with or without a trailing slash; ``key``: :func:`link_key`)."""
    return f"{base_url.rstrip('/')}{LINK_PATH}{reading_token(key, member_id, lesson_id)}"


def read_token(key: bytes, token: str) -> tuple[int, int] | None:
    """``(member_id, lesson_id)`` of a token made with ``key``, or ``None`` for anything else
    (wrong length or alphabet, altered, made with another key). The MAC is compared in constant
    time. Only the one spelling :func:`reading_token` makes is taken (base64's last character
    has spare bits that decoding ignores)."""
    if _TOKEN.fullmatch(token) is None:
        return None
    raw = base64.urlsafe_b64decode(token + "=")
    if base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=") != token:
        return None
    ids, mac = raw[:_IDS.size], raw[_IDS.size:]
    if not hmac.compare_digest(mac, _mac(key, ids)):
        return None
    return _IDS.unpack(ids)


def lesson_link(settings: Settings, member_id: int, lesson_id: int) -> str:
    """The reading link of ``lesson_id`` for ``member_id`` under ``settings``
    (``server.public_base_url``, :func:`link_key`): what a chat reply or a push puts where the
    lesson's own url would be. To mint many, take the key once and call :func:`reading_url`."""
    return reading_url(settings.server.public_base_url, link_key(settings), member_id, lesson_id)


def lesson_url(session: Session, lesson_id: int) -> str | None:
    """Where ``lesson_id`` is read (``Lesson.url``), or ``None`` when there is no such lesson
    (deleted from the library since the link went out)."""
    return session.scalar(select(Lesson.url).where(Lesson.id == lesson_id))


_INSERTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}


def record_opening(session: Session, member_id: int, lesson_id: int, now: dt.datetime) -> bool | None:
    """Record that ``member_id`` opened ``lesson_id``'s reading link at ``now``: one statement
    (INSERT … ON CONFLICT DO UPDATE, on SQLite and PostgreSQL alike) that creates the study
    record (source ``link``, delivered and first opened ``now``) or counts the opening on the
    one there is, setting ``opened_at`` only the first time. Returns whether this was the
    member's first opening of the lesson; ``None`` when the member or the lesson no longer
    exists. The caller commits."""
    records = StudyRecord.__table__
    at = literal(now, UTCDateTime())
    new = (select(Member.id, Lesson.id, literal(LINK_SOURCE), at, at, at, literal(1))
           .join(Lesson, Lesson.id == lesson_id).where(Member.id == member_id))
    insert = _INSERTS[session.get_bind().dialect.name](records)
    statement = (insert.from_select(["member_id", "lesson_id", "source", "delivered_at", "opened_at",
                                     "last_opened_at", "opens"], new)
                 .on_conflict_do_update(index_elements=["member_id", "lesson_id"], set_={
                     "opens": records.c.opens + 1,
                     "opened_at": func.coalesce(records.c.opened_at, at),
                     "last_opened_at": at})
                 .returning(records.c.opens))
    opens = session.execute(statement).scalar()
    return None if opens is None else opens == 1
