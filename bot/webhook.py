"""``GET|POST /wechat``: the path of a message, step by step as in DESIGN.md §1.

Every failure has one answer: 403 for anything not from WeChat (a bad signature, a stale
timestamp, a signed query string reused with another body, a message in clear to an account in
safe mode), 400 for a body we cannot read, and for a bug in a handler (or a database that is
down) a fixed apology to the member, logged with the openid masked. Never a 500, never an HTML
error page: for anything but a reply or ``success`` WeChat shows the member
"该公众号暂时无法提供服务，请稍后再试" (被动回复 docs).

Steps 1-3 (signature, decryption, parsing) and the reply's encryption are here; steps 4-9 —
deduplication, the handler, the reply recorded — are ``bot.answering``.
"""
from __future__ import annotations

import hashlib
import logging

from flask import Blueprint, Response, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

from bot import wire
from bot.answering import Seen, answer_once
from bot.mass_report import MASS_FINISHED, mass_finished
from bot.runtime import Runtime
from handlers.context import Incoming

log = logging.getLogger(__name__)

ENCRYPT_TYPES = ("raw", "aes")
# WeChat's messages are a few KB at most (text ≤ 2048 bytes, then XML and base64 around it);
# anything far larger is not from WeChat and is refused before it is read.
MAX_BODY_BYTES = 64 * 1024


def make_blueprint(path: str) -> Blueprint:
    """The webhook at ``path`` (``wechat.webhook_path``): GET verifies the URL, POST receives."""
    bp = Blueprint("wechat", __name__)
    bp.add_url_rule(path, "verify", verify, methods=["GET"])
    bp.add_url_rule(path, "receive", receive, methods=["POST"])
    return bp


def _text(body: str, status: int = 200) -> Response:
    xml = status == 200 and body.startswith("<xml>")
    return Response(body, status=status, mimetype="application/xml" if xml else "text/plain")


def _check(rt: Runtime) -> None:
    args = request.args
    wire.verify_signature(rt.settings.wechat.token, args.get("signature"), args.get("timestamp"),
                          args.get("nonce"), rt.clock.now(), rt.settings.wechat.timestamp_window_seconds)


def verify() -> Response:
    """URL verification (服务器配置): echo ``echostr`` when the signature is right. An official
    account sends ``echostr`` in clear text in every mode."""
    rt: Runtime = current_app.extensions["kiteline"]
    try:
        _check(rt)
    except wire.Forbidden as exc:
        log.warning("webhook GET refused: %s", exc)
        return _text("forbidden", 403)
    return _text(request.args.get("echostr", ""))


def receive() -> Response:
    """One inbound message: check, decrypt, parse, dedupe, record, route, reply."""
    rt: Runtime = current_app.extensions["kiteline"]
    args = request.args
    try:
        incoming, encrypted, seen = _read(rt)
        if incoming.event == MASS_FINISHED:
            return _text(mass_finished(rt, incoming))
        body = answer_once(rt, incoming, seen)
    except wire.Forbidden as exc:
        log.warning("webhook POST refused (openid %s): %s", wire.mask_openid(args.get("openid")), exc)
        return _text("forbidden", 403)
    except wire.BadRequest as exc:
        log.warning("webhook POST unreadable (openid %s): %s", wire.mask_openid(args.get("openid")), exc)
        return _text("bad request", 400)
    if encrypted and body != "success":
        body = wire.encrypt(rt.crypto, body, args["nonce"], args["timestamp"])
    return _text(body)


def _read(rt: Runtime) -> tuple[Incoming, bool, Seen]:
    """Steps 1-3: signature and timestamp, the account's encryption mode, decryption, parsing.
    Returns the message, whether it came encrypted (so the reply goes back encrypted too), and
    how it arrived."""
    _check(rt)
    args = request.args
    encrypt_type = args.get("encrypt_type", "raw").lower()
    if encrypt_type not in ENCRYPT_TYPES:
        raise wire.BadRequest(f"unknown encrypt_type {encrypt_type[:16]!r}")
    mode = rt.settings.wechat.encryption
    if mode == "safe" and encrypt_type != "aes":
        raise wire.Forbidden("a message in clear to an account in safe mode (wechat.encryption: safe)")
    if mode == "plain" and encrypt_type == "aes":
        raise wire.BadRequest("an encrypted message to an account in plain mode (wechat.encryption: plain)")
    request.max_content_length = MAX_BODY_BYTES
    try:
        xml = request.get_data()
    except RequestEntityTooLarge as exc:
        raise wire.BadRequest(f"body larger than {MAX_BODY_BYTES} bytes") from exc
    if encrypt_type == "aes":
        xml = wire.decrypt(rt.crypto, xml, args.get("msg_signature"), args["timestamp"], args["nonce"])
    plain = xml.encode("utf-8") if isinstance(xml, str) else xml
    query = f"{args['timestamp']}:{args['nonce']}:{args['signature']}".encode("utf-8")
    seen = Seen(hashlib.sha1(query).hexdigest(), hashlib.sha256(plain).hexdigest())
    return wire.parse(xml), encrypt_type == "aes", seen
