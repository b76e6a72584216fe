"""The WeChat message protocol, through wechatpy: signatures, AES, parsing and passive replies.

Rules from the WeChat 消息推送 / 被动回复 / 消息加解密 docs:
- ``signature`` = sha1 of sorted(token, timestamp, nonce) on every request; safe and compatible
  mode add ``encrypt_type=aes`` and ``msg_signature`` = sha1 of sorted(token, timestamp, nonce,
  Encrypt). Compatible mode sends the plain fields beside ``Encrypt``; we read the decrypted copy.
- a passive text reply's content is at most 2048 bytes (UTF-8).
- messages carry ``MsgId``; events do not, so WeChat's own advice is to dedupe events on
  FromUserName + CreateTime (we add Event and EventKey: two menu taps can share a second).
- every field WeChat sends is text, and none comes twice; the nested payloads some menu events
  carry (``ScanCodeInfo``, ``SendPicsInfo``, ``SendLocationInfo``) are the only elements with
  children.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
import struct
from xml.parsers.expat import ExpatError

from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.replies import TextReply as WxTextReply
from wechatpy.utils import check_signature

from handlers.context import Incoming
from handlers.replies import (
    PASSIVE_REPLY_MAX_BYTES,
    NoReply,
    Reply,
    TextReply,
)

log = logging.getLogger(__name__)

MAX_REPLY_BYTES = PASSIVE_REPLY_MAX_BYTES
ELLIPSIS = "…"
# Column sizes of InboundMessage (openid String(64)); longer values are not from WeChat.
MAX_ID_CHARS = 64
# What wechatpy and xmltodict raise on a body that is not a WeChat message: expat errors, a
# missing element (KeyError), an element where text was expected (TypeError/AttributeError),
# base64/AES/UTF-8 failures (ValueError and its subclasses), a truncated AES block (struct.error,
# IndexError).
_UNREADABLE = (ExpatError, KeyError, TypeError, AttributeError, ValueError, IndexError, struct.error)
# Characters XML 1.0 does not allow, even inside CDATA.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Elements that carry children in real WeChat pushes (menu events: 扫码推事件, 弹出系统拍照发图,
# 弹出地理位置选择器; mass-send reports). Every other element holds text.
NESTED_FIELDS = frozenset({"ScanCodeInfo", "SendPicsInfo", "SendLocationInfo", "CopyrightCheckResult",
                           "ResultList", "ArticleUrlResult"})
# An EventKey longer than this is hashed in the dedupe key (keys may be 128 bytes; the column
# holds 160 characters in all).
DEDUPE_KEY_PART = 40


class Forbidden(Exception):
    """The request is not from WeChat: bad signature, replayed timestamp. Answer 403."""


class BadRequest(Exception):
    """The body cannot be decrypted or parsed. Answer 400."""


def verify_signature(token: str, signature: str | None, timestamp: str | None, nonce: str | None,
                     now: dt.datetime, window_seconds: int) -> None:
    """Check the URL ``signature`` and that ``timestamp`` (Unix seconds) is within
    ``window_seconds`` of ``now``, so a captured request cannot be replayed later.

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
    # Compared as integers: a 400-digit timestamp would overflow a float.
    if abs(int(now.timestamp()) - sent) > window_seconds:
        raise Forbidden(f"timestamp outside the {window_seconds}s window (replay?)")


def decrypt(crypto: WeChatCrypto | None, body: bytes, msg_signature: str | None,
            timestamp: str, nonce: str) -> str:
    """Decrypt a safe/compatible-mode body to the inner XML.

    Raises :class:`Forbidden` for a missing or wrong ``msg_signature`` and :class:`BadRequest`
    for anything that will not decrypt (no key configured, wrong AppID, garbage)."""
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
    except _UNREADABLE as exc:
        raise BadRequest(f"cannot decrypt: {type(exc).__name__}") from exc


def parse(xml: str | bytes) -> Incoming:
    """Parse inbound XML into an :class:`Incoming`.

    Raises :class:`BadRequest` on malformed XML or a message without sender, type or a valid
    CreateTime, or with ids longer than WeChat ever sends."""
    try:
        msg = parse_message(xml)
        if msg is None:
            raise BadRequest("empty body")
        incoming = _incoming(msg)
    except _UNREADABLE as exc:
        raise BadRequest(f"malformed message: {type(exc).__name__}") from exc
    return incoming


def _check_shape(data: dict) -> None:
    """Raise :class:`BadRequest` for an element WeChat never sends: one given twice (parsed as a
    list), or one holding elements where WeChat puts text."""
    for name, value in data.items():
        if isinstance(value, list):
            raise BadRequest(f"element {name[:32]!r} given more than once")
        if isinstance(value, dict) and name not in NESTED_FIELDS:
            raise BadRequest(f"element {name[:32]!r} holds elements, not text")


def _incoming(msg) -> Incoming:
    data = msg._data
    _check_shape(data)
    openid = data.get("FromUserName")
    if not isinstance(openid, str) or not openid or len(openid) > MAX_ID_CHARS:
        raise BadRequest("message without a valid FromUserName")
    if not isinstance(data.get("ToUserName"), str):
        raise BadRequest("message without ToUserName")
    created = int(data["CreateTime"])
    if not 0 < created < 2**32:
        raise BadRequest("CreateTime out of range")
    # An event type wechatpy does not know parses as UnknownMessage; it is still an event.
    msg_type = "event" if str(data["MsgType"]).lower() == "event" else msg.type
    incoming = Incoming(openid=openid, msg_type=msg_type,
                        created_at=dt.datetime.fromtimestamp(created, dt.timezone.utc), raw=msg)
    if msg_type == "event":
        _read_event(msg, incoming)
    elif len(str(msg.id)) > 24:
        raise BadRequest("MsgId too long")
    elif msg.type == "text":
        incoming.text = msg.content or ""
    elif msg.type == "voice":
        incoming.text = msg.recognition or None
    elif msg.type == "location":
        lat, lon = msg.location
        incoming.location = (float(lat), float(lon), msg.label)
    return incoming


def _read_event(msg, incoming: Incoming) -> None:
    event = msg._data.get("Event")
    if not isinstance(event, str) or not event or len(event) > MAX_ID_CHARS:
        raise BadRequest("event without a valid Event")
    incoming.event = getattr(msg, "event", None) or event.lower()
    if incoming.event in ("subscribe_scan", "scan"):
        incoming.event = "subscribe" if msg.event == "subscribe_scan" else "scan"
        incoming.event_key = str(msg.scene_id or "")
    elif incoming.event == "click":
        incoming.event_key = msg.key
    elif incoming.event == "location":
        incoming.location = (float(msg.latitude), float(msg.longitude), None)


def dedupe_key(incoming: Incoming) -> str:
    """openid + MsgId for messages; openid + CreateTime + Event + EventKey for events (which
    have no MsgId: WeChat advises FromUserName + CreateTime, and two menu taps in one second
    differ only by their EventKey). A message without MsgId falls back to the event form with
    its MsgType. At most 160 characters (the ``inbound_messages.dedupe_key`` column)."""
    created = int(incoming.created_at.timestamp())
    if incoming.msg_type == "event":
        key = str(incoming.raw._data.get("EventKey") or "")
        if len(key) > DEDUPE_KEY_PART:
            key = hashlib.sha1(key.encode("utf-8")).hexdigest()
        return f"{incoming.openid}:{created}:{incoming.raw._data['Event']}:{key}"
    if not incoming.raw.id:
        return f"{incoming.openid}:{created}:{incoming.msg_type}"
    return f"{incoming.openid}:{incoming.raw.id}"


def truncate_utf8(text: str, limit: int = MAX_REPLY_BYTES) -> str:
    """Cut ``text`` so its UTF-8 encoding is at most ``limit`` bytes, ending with an ellipsis."""
    if len(text.encode("utf-8")) <= limit:
        return text
    budget = limit - len(ELLIPSIS.encode("utf-8"))
    cut = text.encode("utf-8")[:budget].decode("utf-8", errors="ignore")
    return cut + ELLIPSIS


def _cdata_safe(text: str) -> str:
    # wechatpy wraps values in CDATA without escaping: "]]>" would close the section early, so
    # split it across two sections; characters XML forbids would make the reply unreadable.
    return _XML_INVALID.sub("", text).replace("]]>", "]]]]><![CDATA[>")


def render(reply: Reply, incoming: Incoming, now: dt.datetime) -> str:
    """The passive-reply XML for ``reply`` (unencrypted), or ``"success"`` for :class:`NoReply`.

    Text is cut to 2048 UTF-8 bytes (the 被动回复 limit).
    Raises ``TypeError`` for anything that is not a Reply."""
    if isinstance(reply, NoReply):
        return "success"
    common = dict(source=_cdata_safe(incoming.raw.target), target=_cdata_safe(incoming.openid),
                  time=int(now.timestamp()))
    if isinstance(reply, TextReply):
        content = truncate_utf8(_XML_INVALID.sub("", reply.text))
        return WxTextReply(content=_cdata_safe(content), **common).render()
    raise TypeError(f"not a Reply: {reply!r}")


def encrypt(crypto: WeChatCrypto, xml: str, nonce: str, timestamp: str) -> str:
    """Wrap a reply for safe/compatible mode (``Encrypt`` + ``MsgSignature``)."""
    return crypto.encrypt_message(xml, nonce, timestamp)


def mask_openid(openid: str | None) -> str:
    """``oKite_member_0001`` → ``oKit…0001``: enough to correlate logs, not to identify."""
    if not openid:
        return "-"
    return openid[:4] + "…" + openid[-4:] if len(openid) > 8 else "…"
