"""Every inbound WeChat message, keyed for retry dedupe, with the reply we gave it.

WeChat retries a delivery three times when it gets no answer within 5 s (消息推送 docs). The
dedupe key (openid + MsgId, or openid + CreateTime + Event + EventKey) is unique, so a retry finds
the first delivery's row and its stored reply instead of running the handler again.

``query_key`` identifies the signed query string the delivery came with (timestamp, nonce,
signature) and is unique too: a captured, still-fresh signed URL replayed with another body
finds it taken, and is refused. ``body_hash`` (of the decrypted XML) tells WeChat's own retry —
the same message — from such a replay.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, intpk, timestamp


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
