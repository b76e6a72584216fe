"""The WeChat message protocol, through wechatpy: signatures, AES, parsing and passive replies.

Rules from the WeChat 消息推送 / 被动回复 docs:
- ``signature`` = sha1 of sorted(token, timestamp, nonce); safe and compatible mode add
  ``msg_signature`` over the ``Encrypt`` field as well.
- a passive text reply's content is at most 2048 bytes (UTF-8).
"""
from __future__ import annotations

import datetime as dt
import logging

from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.replies import ArticlesReply, TextReply as WxTextReply
from wechatpy.utils import check_signature

from handlers.context import Incoming
from handlers.replies import NewsReply, NoReply, Reply, TextReply

log = logging.getLogger(__name__)

MAX_REPLY_BYTES = 2048
ELLIPSIS = "…"


class Forbidden(Exception):
    """The request is not from WeChat: bad signature, replayed timestamp. Answer 403."""


class BadRequest(Exception):
    """The body cannot be decrypted or parsed. Answer 400."""


def verify_signature(token: str, signature: str | None, timestamp: str | None, nonce: str | None,
                     now: dt.datetime, window_seconds: int) -> None:
    """Check the URL ``signature`` and that ``timestamp`` is within ``window_seconds`` of now.

    Raises :class:`Forbidden` with the reason."""
    if not (signature and timestamp and nonce):
        raise Forbidden("missing signature, timestamp or nonce")
    try:
        check_signature(token, signature, timestamp, nonce)
    except InvalidSignatureException as exc:
        raise Forbidden("signature mismatch") from exc
    try:
        sent = int(timestamp)
    except ValueError as exc:
        raise Forbidden("timestamp is not a number") from exc
    if abs(now.timestamp() - sent) > window_seconds:
        raise Forbidden(f"timestamp outside the {window_seconds}s window (replay?)")


def decrypt(crypto: WeChatCrypto | None, body: bytes, msg_signature: str | None,
            timestamp: str, nonce: str) -> str:
    """Decrypt a safe/compatible-mode body to the inner XML.

    Raises :class:`Forbidden` for a wrong ``msg_signature`` and :class:`BadRequest` for anything
    that will not decrypt (no key configured, wrong AppID, garbage)."""
    if crypto is None:
        raise BadRequest("encrypted message but no encoding_aes_key is configured")
    if not msg_signature:
        raise Forbidden("encrypted message without msg_signature")
    try:
        return crypto.decrypt_message(body, msg_signature, timestamp, nonce)
    except InvalidSignatureException as exc:
        raise Forbidden("msg_signature mismatch") from exc
    except InvalidAppIdException as exc:
        raise BadRequest("message encrypted for another AppID") from exc
    except Exception as exc:  # wechatpy raises bare ValueError/KeyError/ExpatError on garbage
        raise BadRequest(f"cannot decrypt: {type(exc).__name__}") from exc


def parse(xml: str | bytes) -> Incoming:
    """Parse inbound XML into an :class:`Incoming`. Raises :class:`BadRequest` on malformed XML
    or a message without sender or type."""
    try:
        msg = parse_message(xml)
    except Exception as exc:  # expat and xmltodict raise several unrelated types
        raise BadRequest(f"malformed XML: {type(exc).__name__}") from exc
    if msg is None or not getattr(msg, "source", None) or not getattr(msg, "type", None):
        raise BadRequest("message without FromUserName or MsgType")
    created = dt.datetime.fromtimestamp(int(msg.create_time.timestamp()), dt.timezone.utc) \
        if isinstance(msg.create_time, dt.datetime) else dt.datetime.now(dt.timezone.utc)
    incoming = Incoming(openid=msg.source, msg_type=msg.type, created_at=created, raw=msg)
    if msg.type == "text":
        incoming.text = msg.content or ""
    elif msg.type == "voice":
        incoming.text = msg.recognition or None
    elif msg.type == "location":
        lat, lon = msg.location
        incoming.location = (float(lat), float(lon), msg.label)
    elif msg.type == "event":
        incoming.event = msg.event
        if msg.event in ("subscribe_scan", "scan"):
            incoming.event = "subscribe" if msg.event == "subscribe_scan" else "scan"
            incoming.event_key = str(msg.scene_id or "")
        elif msg.event == "click":
            incoming.event_key = msg.key
        elif msg.event == "location":
            incoming.location = (float(msg.latitude), float(msg.longitude), None)
    return incoming


def dedupe_key(incoming: Incoming) -> str:
    """openid + MsgId for messages; openid + CreateTime + Event for events (which have no
    MsgId). WeChat's own recommendation for retry dedupe."""
    raw = incoming.raw
    if incoming.msg_type == "event":
        return f"{incoming.openid}:{int(incoming.created_at.timestamp())}:{raw._data.get('Event', '')}"
    return f"{incoming.openid}:{raw.id}"


def truncate_utf8(text: str, limit: int = MAX_REPLY_BYTES) -> str:
    """Cut ``text`` so its UTF-8 encoding is at most ``limit`` bytes, ending with an ellipsis."""
    if len(text.encode("utf-8")) <= limit:
        return text
    budget = limit - len(ELLIPSIS.encode("utf-8"))
    cut = text.encode("utf-8")[:budget].decode("utf-8", errors="ignore")
    return cut + ELLIPSIS


def _cdata_safe(text: str) -> str:
    # wechatpy wraps values in CDATA without escaping; "]]>" would close the section early.
    return text.replace("]]>", "]]]]><![CDATA[>")


def render(reply: Reply, incoming: Incoming, now: dt.datetime) -> str:
    """The passive-reply XML for ``reply`` (unencrypted), or ``"success"`` for :class:`NoReply`."""
    if isinstance(reply, NoReply):
        return "success"
    common = dict(source=incoming.raw.target, target=incoming.openid, time=int(now.timestamp()))
    if isinstance(reply, TextReply):
        content = _cdata_safe(truncate_utf8(reply.text))
        return WxTextReply(content=content, **common).render()
    if isinstance(reply, NewsReply):
        a = reply.article
        wx = ArticlesReply(**common)
        wx.add_article({
            "title": _cdata_safe(a.title), "description": _cdata_safe(truncate_utf8(a.description, 512)),
            "image": a.picurl, "url": a.url,
        })
        return wx.render()
    raise TypeError(f"not a Reply: {reply!r}")


def encrypt(crypto: WeChatCrypto, xml: str, nonce: str, timestamp: str) -> str:
    """Wrap a reply for safe/compatible mode (``Encrypt`` + ``MsgSignature``)."""
    return crypto.encrypt_message(xml, nonce, timestamp)


def mask_openid(openid: str | None) -> str:
    """``oKite_member_0001`` → ``oKit…0001``: enough to correlate logs, not to identify."""
    if not openid:
        return "-"
    return openid[:4] + "…" + openid[-4:] if len(openid) > 8 else "…"
