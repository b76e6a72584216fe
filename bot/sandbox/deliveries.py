"""How the sandbox learns what WeChat knows of each user — follows, unfollows, the
customer-service window — without the bot telling it.

WeChat knows because it makes the deliveries. So the sandbox stands where they pass: a WSGI
middleware around the app watches each ``POST`` to the webhook on its way in, before the bot
answers it (a reply sent through the API while the message is being handled finds the window
already open, as on the platform), and observes it once (``state.observe``). A delivery is
WeChat's when its URL ``signature`` is made with the account's token and, encrypted, its
``msg_signature`` and AES key are right; what the sandbox cannot read it leaves to the webhook
to refuse. WeChat's retries of a delivery this process saw are known in memory: a retry never
waits on the database, where a slow handler may hold the write lock (``bot.inflight``).
"""
from __future__ import annotations

import hashlib
import io
import logging
import struct
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs
from xml.etree import ElementTree

from sqlalchemy.exc import SQLAlchemyError
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.utils import check_signature

from bot.sandbox import state
from bot.sandbox.platform import Platform

log = logging.getLogger(__name__)

# WeChat's pushes are a few KB; a larger body is none of its deliveries (the webhook refuses it).
MAX_BODY_BYTES = 64 * 1024
# What a body that will not decrypt or parse raises: base64/AES/UTF-8 (ValueError and its
# subclasses), a truncated AES block (struct.error, IndexError), XML (ParseError).
_UNREADABLE = (InvalidSignatureException, InvalidAppIdException, ValueError, TypeError, KeyError,
               IndexError, struct.error, ElementTree.ParseError)

# Deliveries remembered in memory: WeChat retries within 15 s, far fewer than this arrive meanwhile.
RECENT_DELIVERIES = 4096

WSGIApp = Callable[[dict, Callable], Iterable[bytes]]


class WatchDeliveries:
    """WSGI middleware: observe every delivery WeChat would have made to ``webhook_path``, then
    hand the request on to ``app`` unchanged (its body re-readable)."""

    def __init__(self, app: WSGIApp, platform: Platform) -> None:
        self.app = app
        self.platform = platform
        self._recent: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        wechat = self.platform.settings.wechat
        if environ.get("REQUEST_METHOD") == "POST" and environ.get("PATH_INFO") == wechat.webhook_path:
            body = _take_body(environ)
            if body is not None:
                self._observe(parse_qs(environ.get("QUERY_STRING", "")), body)
        return self.app(environ, start_response)

    def _observe(self, query: dict[str, list[str]], body: bytes) -> None:
        delivery = _delivery(self.platform, {k: v[0] for k, v in query.items()}, body)
        if delivery is None or not self._first_here(delivery[0]):
            return
        try:
            with self.platform.engine.begin() as conn:
                state.observe(conn, *delivery, self.platform.clock.now())
        except SQLAlchemyError:  # the sandbox failing never costs the member their answer
            log.exception("the sandbox could not record a delivery")

    def _first_here(self, key: str) -> bool:
        """False for a delivery this process saw lately (another process's retries are told
        apart by ``state.observe``, in the database)."""
        with self._lock:
            if key in self._recent:
                return False
            self._recent[key] = None
            if len(self._recent) > RECENT_DELIVERIES:
                self._recent.popitem(last=False)
            return True


def _take_body(environ: dict[str, Any]) -> bytes | None:
    """The request body, put back for the app to read; ``None`` (stream untouched) when its
    length is unknown or larger than any WeChat push."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None
    if not 0 < length <= MAX_BODY_BYTES:
        return None
    body = environ["wsgi.input"].read(length)
    environ["wsgi.input"] = io.BytesIO(body)
    return body


def _delivery(platform: Platform, args: dict[str, str], body: bytes) -> tuple[str, str, str, str | None] | None:
    """``(key, openid, msg_type, event)`` of a delivery WeChat signed, or ``None``."""
    wx = platform.settings.wechat
    try:
        check_signature(wx.token, args.get("signature", ""), args.get("timestamp", ""), args.get("nonce", ""))
        xml: str | bytes = body
        if args.get("encrypt_type", "raw").lower() == "aes":
            if not wx.encoding_aes_key:
                return None
            xml = WeChatCrypto(wx.token, wx.encoding_aes_key, wx.app_id).decrypt_message(
                body, args.get("msg_signature", ""), args["timestamp"], args["nonce"])
        root = ElementTree.fromstring(xml)
    except _UNREADABLE:
        return None
    field = {child.tag: (child.text or "").strip() for child in root}
    openid, msg_type = field.get("FromUserName"), field.get("MsgType", "").lower()
    if not openid or not msg_type:
        return None
    event = field.get("Event", "").lower() or None
    # A retry is the same message again: its MsgId, or for events (which have none) its time,
    # event and key (WeChat's advice for deduplicating).
    names = [field.get("MsgId")] if field.get("MsgId") else \
        [field.get("CreateTime"), msg_type, event, field.get("EventKey")]
    key = hashlib.sha1("\x00".join([openid, *(n or "" for n in names)]).encode("utf-8")).hexdigest()
    return key, openid, msg_type, event
