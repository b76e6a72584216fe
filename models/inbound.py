"""Every inbound WeChat message, keyed for retry dedupe, with the reply we gave it.

WeChat retries a delivery three times when it gets no answer within 5 s (消息推送 docs). The
dedupe key (openid + MsgId, or openid + CreateTime + Event + EventKey) is unique, so a retry finds
the first delivery's row and its stored reply instead of running the handler again. The row is
written with the reply, in the transaction of the handler's work (``bot.answering``): a delivery
that fails or is killed leaves nothing, and WeChat's retry answers it afresh.

``query_key`` identifies the signed query string the delivery came with (timestamp, nonce,
signature) and is unique too: a captured, still-fresh signed URL replayed with another body
finds it taken, and is refused. ``body_hash`` (of the decrypted XML) tells WeChat's own retry —
the same message — from such a replay.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, String, Text, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base, intpk, timestamp
from models.driver_statements import DriverStatement

# The stored reply when WeChat's retries all gave up waiting: the reply then goes out through
# the outbox (DESIGN.md §1 step 8).
LOST = ""


class InboundMessage(Base):
    __tablename__ = "inbound_messages"

    id: Mapped[intpk]
    dedupe_key: Mapped[str] = mapped_column(String(160), unique=True)
    # sha1 of "timestamp:nonce:signature"; None for rows recorded before it was kept.
    query_key: Mapped[str | None] = mapped_column(String(40), unique=True)
    # sha256 of the message XML as decrypted.
    body_hash: Mapped[str | None] = mapped_column(String(64))
    openid: Mapped[str] = mapped_column(String(64), index=True)
    msg_type: Mapped[str] = mapped_column(String(32))
    # Text as the member sent it (or the voice Recognition), emoji and all.
    content: Mapped[str | None] = mapped_column(Text)
    intent: Mapped[str | None] = mapped_column(String(32))
    received_at: Mapped[timestamp]
    # The passive reply, unencrypted XML, or "success"; None while the first delivery is running;
    # "" when WeChat's retries gave up waiting (the reply then goes through the outbox).
    reply: Mapped[str | None] = mapped_column(Text)
    replied_at: Mapped[dt.datetime | None] = mapped_column()


# The statements of every message, built once (building one costs about as much as running it);
# the record run on the driver (models.driver_statements).
_COLUMNS = ("dedupe_key", "query_key", "body_hash", "openid", "msg_type", "content", "received_at", "intent",
            "reply", "replied_at")
_RECORD = DriverStatement(insert(InboundMessage).inline(), dict.fromkeys(_COLUMNS))  # inline: no id wanted back
_REPLY_OF = select(InboundMessage.reply).where(InboundMessage.dedupe_key == bindparam("key"))


def record(conn: Connection, row: dict) -> bool:
    """Insert a delivery's row (``row``: the columns of ``_COLUMNS``, the reply included) in the caller's
    transaction — the webhook commits it with the handler's work, so the message, its reply and
    what the handler changed are kept together or not at all. False (the transaction rolled
    back) when the message was recorded meanwhile by another delivery of it — WeChat's retry
    answered by another worker, which won — or the signed query string was used for another
    message (see :func:`replayed`)."""
    try:
        _RECORD.write(conn, row)
    except IntegrityError:
        conn.rollback()
        return False
    return True


def replayed(conn: Connection, dedupe_key: str, query_key: str, body_hash: str) -> bool:
    """Whether the signed query string ``query_key`` came before with another message or another
    body: a captured URL replayed, not WeChat's retry."""
    first = conn.execute(select(InboundMessage.dedupe_key, InboundMessage.body_hash)
                         .where(InboundMessage.query_key == query_key)).first()
    return first is not None and (first.dedupe_key != dedupe_key or first.body_hash != body_hash)


def reply_of(conn: Connection | Session, dedupe_key: str) -> str | None:
    """The stored reply (:data:`LOST` included), or ``None`` while the first delivery runs."""
    return conn.scalar(_REPLY_OF, {"key": dedupe_key})


def mark_lost(conn: Connection | Session, dedupe_key: str, *, unanswered_only: bool = True) -> None:
    """Say the reply missed every retry (:data:`LOST`): the first delivery, still running or
    just finished, sends it through the outbox. ``unanswered_only``: only while no reply is stored."""
    stmt = update(InboundMessage).values(reply=LOST).where(InboundMessage.dedupe_key == dedupe_key)
    if unanswered_only:
        stmt = stmt.where(InboundMessage.reply.is_(None))
    conn.execute(stmt)
