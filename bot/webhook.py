"""``GET|POST /wechat``: the path of a message, step by step as in DESIGN.md §1.

Every failure has one answer: 403 for anything not from WeChat, 400 for a body we cannot read,
and for a bug in a handler (or a database that is down) a fixed apology to the member, logged
with the openid masked. Never a 500, never an HTML error page: WeChat retries a 5xx three times
and shows the member "该公众号暂时无法提供服务".
"""
from __future__ import annotations

import logging
import time
import traceback

from flask import Blueprint, Response, current_app, request
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from bot import wire
from bot.runtime import Runtime
from bot.signals import inbound_recorded
from handlers.context import Context, Incoming
from handlers.registry import dispatch
from handlers.replies import TextReply
from models.follower import Follower
from models.inbound import InboundMessage
from models.member import Member
from models.outbox import release_deferred

log = logging.getLogger(__name__)

APOLOGY = "抱歉，系统刚才开了个小差，您的消息我们已经收到。请稍后再发一次，或拨打服务热线 {hotline}。"
BUSY = "抱歉，系统正忙，这条消息没能处理。请稍后再发一次，或拨打服务热线 {hotline}。"
# A retry that arrives while the first delivery is still being answered waits at most this long
# for the stored reply: WeChat drops a request after 5 s, so answer inside its budget.
RETRY_WAIT_SECONDS = 3.5
RETRY_POLL_SECONDS = 0.05
ENCRYPT_TYPES = ("raw", "aes")


def make_blueprint(path: str) -> Blueprint:
    """The webhook at ``path`` (``wechat.webhook_path``): GET verifies the URL, POST receives."""
    bp = Blueprint("wechat", __name__)
    bp.add_url_rule(path, "verify", verify, methods=["GET"])
    bp.add_url_rule(path, "receive", receive, methods=["POST"])
    return bp


def _runtime() -> Runtime:
    return current_app.extensions["kiteline"]


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
    rt = _runtime()
    try:
        _check(rt)
    except wire.Forbidden as exc:
        log.warning("webhook GET refused: %s", exc)
        return _text("forbidden", 403)
    return _text(request.args.get("echostr", ""))


def receive() -> Response:
    """One inbound message: check, decrypt, parse, dedupe, record, route, reply."""
    rt = _runtime()
    args = request.args
    try:
        incoming, encrypted = _read(rt)
    except wire.Forbidden as exc:
        log.warning("webhook POST refused (openid %s): %s", wire.mask_openid(args.get("openid")), exc)
        return _text("forbidden", 403)
    except wire.BadRequest as exc:
        log.warning("webhook POST unreadable (openid %s): %s", wire.mask_openid(args.get("openid")), exc)
        return _text("bad request", 400)
    body = _answer_once(rt, incoming)
    if encrypted and body != "success":
        body = wire.encrypt(rt.crypto, body, args["nonce"], args["timestamp"])
    return _text(body)


def _read(rt: Runtime) -> tuple[Incoming, bool]:
    """Steps 1-3: signature and timestamp, decryption, parsing. Returns the message and whether
    it came encrypted (so the reply goes back encrypted too)."""
    _check(rt)
    args = request.args
    encrypt_type = args.get("encrypt_type", "raw").lower()
    if encrypt_type not in ENCRYPT_TYPES:
        raise wire.BadRequest(f"unknown encrypt_type {encrypt_type[:16]!r}")
    xml = request.get_data()
    if encrypt_type == "aes":
        xml = wire.decrypt(rt.crypto, xml, args.get("msg_signature"), args["timestamp"], args["nonce"])
    return wire.parse(xml), encrypt_type == "aes"


def _answer_once(rt: Runtime, incoming: Incoming) -> str:
    """Run the handler for the first delivery only; retries get the stored reply (rendered XML,
    byte for byte). The unique ``dedupe_key`` decides who is first, also across processes."""
    key = wire.dedupe_key(incoming)
    hotline = rt.settings.district.service_hotline
    try:
        if not _record(rt, incoming, key):
            return _stored_reply(rt, key)
    except SQLAlchemyError as exc:
        _log_failure("cannot record the message", incoming.openid, exc)
        return wire.render(TextReply(BUSY.format(hotline=hotline)), incoming, rt.clock.now())
    _announce(rt, incoming)
    try:
        body = _handle(rt, incoming, key)
    except Exception as exc:  # noqa: BLE001 - the one error path: any handler bug becomes the apology
        _log_failure("handler failed", incoming.openid, exc)
        body = wire.render(TextReply(APOLOGY.format(hotline=hotline)), incoming, rt.clock.now())
    try:
        with rt.session() as s:
            s.execute(update(InboundMessage).where(InboundMessage.dedupe_key == key)
                      .values(reply=body, replied_at=rt.clock.now()))
            s.commit()
    except SQLAlchemyError as exc:
        # The member still gets this reply; only a retry would miss it (and get "success").
        _log_failure("cannot store the reply", incoming.openid, exc)
    return body


def _record(rt: Runtime, incoming: Incoming, key: str) -> bool:
    """Step 5a: insert the inbound row. False when the key exists (this is a retry)."""
    with rt.session() as s:
        s.add(InboundMessage(dedupe_key=key, openid=incoming.openid, msg_type=incoming.msg_type,
                             content=incoming.text, received_at=rt.clock.now()))
        try:
            s.commit()
        except IntegrityError:
            s.rollback()
            return False
    return True


def _announce(rt: Runtime, incoming: Incoming) -> None:
    """Send :data:`bot.signals.inbound_recorded` (the sandbox observes, as WeChat would). A
    listener's database error is logged and never costs the member their answer."""
    try:
        inbound_recorded.send(rt, incoming=incoming)
    except SQLAlchemyError as exc:
        _log_failure("an inbound_recorded listener failed", incoming.openid, exc)


def _log_failure(what: str, openid: str, exc: BaseException) -> None:
    """Log an error with its stack but without its message: messages from the database (a
    unique key's DETAIL) or a handler can carry openids, names and phones (DESIGN.md §5)."""
    stack = "".join(traceback.format_tb(exc.__traceback__))
    log.error("%s for openid %s: %s\n%s", what, wire.mask_openid(openid), type(exc).__name__, stack)


def _stored_reply(rt: Runtime, key: str) -> str:
    """The first delivery's reply; wait for it while the first delivery is still running."""
    deadline = time.monotonic() + RETRY_WAIT_SECONDS
    while True:
        with rt.session() as s:
            reply = s.scalar(select(InboundMessage.reply).where(InboundMessage.dedupe_key == key))
        if reply is not None or time.monotonic() >= deadline:
            log.info("duplicate delivery of %s answered from the first one",
                     wire.mask_openid(key.split(":", 1)[0]))
            return reply or "success"
        time.sleep(RETRY_POLL_SECONDS)


def _handle(rt: Runtime, incoming: Incoming, key: str) -> str:
    """Steps 5b-9: interaction time, routing, the handler, deferred deliveries, the reply XML."""
    now = rt.clock.now()
    _ensure_follower(rt, incoming.openid)
    with rt.session() as s:
        follower = s.get(Follower, incoming.openid)
        if incoming.event != "unsubscribe":
            follower.subscribed = True
            follower.open_window(now, by_message=incoming.msg_type != "event")
        member = s.scalar(select(Member).where(Member.openid == incoming.openid))
        ctx = Context(session=s, settings=rt.settings, clock=rt.clock, follower=follower, member=member)
        reply = dispatch(incoming, ctx, rt.router)
        if ctx.route is not None:
            s.execute(update(InboundMessage).where(InboundMessage.dedupe_key == key)
                      .values(intent=ctx.route.intent))
        if follower.subscribed:
            release_deferred(s, incoming.openid, now)
        s.commit()
    return wire.render(reply, incoming, rt.clock.now())


def _ensure_follower(rt: Runtime, openid: str) -> None:
    """Create the follower row on first contact, in its own transaction: two first messages of
    a new follower arriving at once must not both insert it (the loser's insert fails, harmlessly)."""
    now = rt.clock.now()
    with rt.session() as s:
        if s.get(Follower, openid) is not None:
            return
        s.add(Follower(openid=openid, first_seen_at=now, last_interaction_at=now))
        try:
            s.commit()
        except IntegrityError:
            s.rollback()
