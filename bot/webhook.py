"""``GET|POST /wechat``: the path of a message, step by step as in DESIGN.md §1.

Every failure has one answer: 403 for anything not from WeChat, 400 for a body we cannot read,
and for a bug in a handler a fixed apology to the member (logged with the openid masked).
Never a 500, never an HTML error page.
"""
from __future__ import annotations

import logging
import time

from flask import Blueprint, Response, current_app, request
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from bot import wire
from bot.runtime import Runtime
from handlers.context import Context, Incoming
from handlers.registry import dispatch
from handlers.replies import TextReply
from models.follower import Follower
from models.inbound import InboundMessage
from models.member import Member
from models.outbox import release_deferred

log = logging.getLogger(__name__)

APOLOGY = "抱歉，系统刚才开了个小差，您的消息我们已经收到。请稍后再发一次，或拨打服务热线 {hotline}。"
# A retry that arrives while the first delivery is still being answered waits at most this long
# for the stored reply, inside WeChat's 5-second budget.
RETRY_WAIT_SECONDS = 3.5


def make_blueprint(path: str) -> Blueprint:
    bp = Blueprint("wechat", __name__)
    bp.add_url_rule(path, "verify", verify, methods=["GET"])
    bp.add_url_rule(path, "receive", receive, methods=["POST"])
    return bp


def _runtime() -> Runtime:
    return current_app.extensions["kiteline"]


def _text(body: str, status: int = 200) -> Response:
    return Response(body, status=status, mimetype="text/plain" if status != 200 or body == "success" else "application/xml")


def _check(rt: Runtime) -> None:
    args = request.args
    wire.verify_signature(rt.settings.wechat.token, args.get("signature"), args.get("timestamp"),
                          args.get("nonce"), rt.clock.now(), rt.settings.wechat.timestamp_window_seconds)


def verify(): 
    """URL verification: echo ``echostr`` when the signature is right."""
    rt = _runtime()
    try:
        _check(rt)
    except wire.Forbidden as exc:
        log.warning("webhook GET refused: %s", exc)
        return _text("forbidden", 403)
    return _text(request.args.get("echostr", ""))


def receive():
    """One inbound message: check, decrypt, parse, dedupe, record, route, reply."""
    rt = _runtime()
    args = request.args
    openid = args.get("openid")
    try:
        _check(rt)
        encrypted = args.get("encrypt_type", "raw").lower() == "aes"
        xml = request.get_data()
        if encrypted:
            xml = wire.decrypt(rt.crypto, xml, args.get("msg_signature"), args["timestamp"], args["nonce"])
        incoming = wire.parse(xml)
    except wire.Forbidden as exc:
        log.warning("webhook POST refused (openid %s): %s", wire.mask_openid(openid), exc)
        return _text("forbidden", 403)
    except wire.BadRequest as exc:
        log.warning("webhook POST unreadable (openid %s): %s", wire.mask_openid(openid), exc)
        return _text("bad request", 400)

    body = _answer_once(rt, incoming)
    if encrypted and body != "success":
        body = wire.encrypt(rt.crypto, body, args["nonce"], args["timestamp"])
    return _text(body)


def _answer_once(rt: Runtime, incoming: Incoming) -> str:
    """Run the handler for the first delivery only; retries get the stored reply."""
    key = wire.dedupe_key(incoming)
    now = rt.clock.now()
    with rt.session() as s:
        s.add(InboundMessage(dedupe_key=key, openid=incoming.openid, msg_type=incoming.msg_type,
                             content=incoming.text, received_at=now))
        try:
            s.commit()
        except IntegrityError:
            s.rollback()
            return _stored_reply(rt, key)
    try:
        body = _handle(rt, incoming)
    except Exception:
        # The one error path: log it, apologise, keep the message.
        log.exception("handler failed for openid %s", wire.mask_openid(incoming.openid))
        body = wire.render(TextReply(APOLOGY.format(hotline=rt.settings.district.service_hotline)),
                           incoming, rt.clock.now())
    with rt.session() as s:
        s.execute(update(InboundMessage).where(InboundMessage.dedupe_key == key)
                  .values(reply=body, replied_at=rt.clock.now()))
        s.commit()
    return body


def _stored_reply(rt: Runtime, key: str) -> str:
    deadline = time.monotonic() + RETRY_WAIT_SECONDS
    while True:
        with rt.session() as s:
            reply = s.scalar(select(InboundMessage.reply).where(InboundMessage.dedupe_key == key))
        if reply is not None or time.monotonic() >= deadline:
            log.info("duplicate delivery %s answered from the first one", key.split(":", 1)[-1])
            return reply or "success"
        time.sleep(0.05)


def _handle(rt: Runtime, incoming: Incoming) -> str:
    now = rt.clock.now()
    with rt.session() as s:
        follower = s.get(Follower, incoming.openid)
        if follower is None:
            follower = Follower(openid=incoming.openid, first_seen_at=now, last_interaction_at=now)
            s.add(follower)
        if incoming.event != "unsubscribe":
            follower.subscribed = True
            follower.open_window(now, by_message=incoming.msg_type != "event")
        member = s.scalar(select(Member).where(Member.openid == incoming.openid))
        ctx = Context(session=s, settings=rt.settings, clock=rt.clock, follower=follower, member=member)
        reply = dispatch(incoming, ctx, rt.router)
        if ctx.route is not None:
            s.execute(update(InboundMessage).where(InboundMessage.dedupe_key == wire.dedupe_key(incoming))
                      .values(intent=ctx.route.intent))
        if follower.subscribed:
            release_deferred(s, incoming.openid, now)
        s.commit()
    return wire.render(reply, incoming, rt.clock.now())
