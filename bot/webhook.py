"""``GET|POST /wechat``: the path of a message, step by step as in DESIGN.md §1.

Every failure has one answer: 403 for anything not from WeChat (a bad signature, a stale
timestamp, a signed query string reused with another body, a message in clear to an account in
safe mode), 400 for a body we cannot read, and for a bug in a handler (or a database that is
down) a fixed apology to the member, logged with the openid masked. Never a 500, never an HTML
error page: for anything but a reply or ``success`` WeChat shows the member
"该公众号暂时无法提供服务，请稍后再试" (被动回复 docs).

Retries: the first delivery of a message runs the handler; WeChat's retries (the identical request
again, or the same message under a new nonce) get its reply. A retry reaching this process waits
in memory (``bot.inflight``), never on the database the handler is writing to; one reaching
another process waits on the stored reply. When every retry gave up waiting, the reply goes out
through the outbox as a customer-service message.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
import traceback
from dataclasses import dataclass, replace

from flask import Blueprint, Response, current_app, request
from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session
from werkzeug.exceptions import RequestEntityTooLarge

from bot import wire
from bot.inflight import Delivery, InFlight
from bot.mass_report import MASS_FINISHED, mass_finished
from bot.runtime import Runtime
from bot.signals import inbound_answered
from handlers import paging
from handlers.context import UNREAD, Context, Incoming
from handlers.engine import dispatch
from handlers.replies import Reply, TextReply
from models import inbound
from models.broadcasts.waiting import release_on_message
from models.delivery.payloads import Text
from models.delivery.queue import enqueue
from models.delivery.window import interacted, opens_window
from models.follower import first_contact
from models.inbound_sender import FollowerWindow, Sender, read_sender, write_window
from models.verification.rounds import close_if_changed

log = logging.getLogger(__name__)

# Fixed answers of the one error path ({hotline}: district.service_hotline).
APOLOGY = "抱歉，系统刚才开了个小差，您的消息我们已经收到。请稍后再发一次，或拨打服务热线 {hotline}。"
BUSY = "抱歉，系统正忙，这条消息没能处理。请稍后再发一次，或拨打服务热线 {hotline}。"
# A retry that arrives while the first delivery is still being answered waits at most this long
# for the stored reply: WeChat drops a request after 5 s, so answer inside its budget. When it
# gives up it stores LOST as the reply (and answers "success"); the first delivery, finding LOST,
# sends its reply through the outbox instead (DESIGN.md §1 step 8).
RETRY_WAIT_SECONDS = 3.5
RETRY_POLL_SECONDS = 0.05
ENCRYPT_TYPES = ("raw", "aes")
# WeChat's messages are a few KB at most (text ≤ 2048 bytes, then XML and base64 around it);
# anything far larger is not from WeChat and is refused before it is read.
MAX_BODY_BYTES = 64 * 1024
# Where ``bot.app.create_app`` keeps the intent router, in ``app.extensions``.
ROUTER = "kiteline.router"


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
        body = _answer_once(rt, incoming, seen)
    except wire.Forbidden as exc:
        log.warning("webhook POST refused (openid %s): %s", wire.mask_openid(args.get("openid")), exc)
        return _text("forbidden", 403)
    except wire.BadRequest as exc:
        log.warning("webhook POST unreadable (openid %s): %s", wire.mask_openid(args.get("openid")), exc)
        return _text("bad request", 400)
    if encrypted and body != "success":
        body = wire.encrypt(rt.crypto, body, args["nonce"], args["timestamp"])
    return _text(body)


@dataclass(frozen=True)
class Seen:
    """How a delivery arrived: ``query_key`` names its signed query string (sha1 of timestamp,
    nonce and signature), ``body_hash`` its message (sha256 of the XML as decrypted)."""

    query_key: str
    body_hash: str


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


class _AnsweredElsewhere(Exception):
    """This delivery's message was answered by another delivery of it (WeChat's retry on another
    worker): its stored reply is the answer."""


def _answer_once(rt: Runtime, incoming: Incoming, seen: Seen) -> str:
    """Run the handler for the first delivery only; retries get its reply (rendered XML, byte
    for byte). This process's in-flight table decides among deliveries here; the sender's read
    finds a message answered before (and a signed query replayed), and the unique ``dedupe_key``
    decides between two processes racing with the same message: the first to commit keeps its
    work, the other's rolls back and it answers with the stored reply. Raises
    :class:`wire.Forbidden` for a replayed signed query."""
    key = wire.dedupe_key(incoming)
    delivery, first = rt.inflight.claim(key, seen.query_key, seen.body_hash)
    if not first:
        if delivery.query_key == seen.query_key and delivery.body_hash != seen.body_hash:
            raise wire.Forbidden("a signed query string seen before came with another body (replay?)")
        log.info("duplicate delivery of %s waits for the first one", wire.mask_openid(incoming.openid))
        return InFlight.wait(delivery, RETRY_WAIT_SECONDS) or "success"
    try:
        with rt.engine.connect() as conn:
            body, reply = _handle(rt, conn, incoming, key, seen)
    except wire.Forbidden:
        rt.inflight.forget(key)
        raise
    except _AnsweredElsewhere:
        body = _stored_reply(rt, key)
        InFlight.finish(delivery, body)
        return body
    except _HandlerFailed as exc:
        return _apologise(rt, incoming, key, seen, delivery, exc.__cause__)
    except SQLAlchemyError as exc:  # the sender could not be read: nothing was done
        rt.inflight.forget(key)
        _log_failure("cannot read the sender", incoming.openid, exc)
        return _fixed_reply(rt, incoming, BUSY)
    if not InFlight.finish(delivery, body):  # a retry here gave up waiting meanwhile
        _send_late(rt, incoming, reply, key)
    inbound_answered.send(rt, incoming=incoming)
    return body


class _HandlerFailed(Exception):
    """The handler (or the engine around it) raised: the member gets the apology."""


def _apologise(rt: Runtime, incoming: Incoming, key: str, seen: Seen, delivery: Delivery,
               exc: BaseException | None) -> str:
    """The one error path of a handler: log it, record the message with the apology as its
    reply (a retry gets the apology too, not a second failing run), and answer with it — or
    with the stored reply when another delivery of the message answered it meanwhile (its work
    may be why this one failed)."""
    _log_failure("handler failed", incoming.openid, exc or RuntimeError("unknown"))
    body = _fixed_reply(rt, incoming, APOLOGY)
    try:
        with rt.engine.connect() as conn:
            if inbound.record(conn, _row(rt, incoming, key, seen, body, None)):
                conn.commit()
            else:
                body = _stored_reply(rt, key)
    except SQLAlchemyError as error:
        # The member still gets the apology; only a retry would miss it (and run again).
        _log_failure("cannot store the reply", incoming.openid, error)
    InFlight.finish(delivery, body)
    return body


def _fixed_reply(rt: Runtime, incoming: Incoming, text: str) -> str:
    return wire.render(TextReply(text.format(hotline=rt.settings.district.service_hotline)), incoming, rt.clock.now())


def _row(rt: Runtime, incoming: Incoming, key: str, seen: Seen, body: str, intent: str | None) -> dict:
    """The inbound row of this delivery, answered with ``body``."""
    now = rt.clock.now()
    return dict(dedupe_key=key, query_key=seen.query_key, body_hash=seen.body_hash, openid=incoming.openid,
                msg_type=incoming.msg_type, content=incoming.text, received_at=now, intent=intent, reply=body,
                replied_at=now)


def _sender(rt: Runtime, conn: Connection, s: Session, incoming: Incoming, key: str, seen: Seen) -> Sender:
    """Step 4: the sender in one read, which also tells a message answered before (raises
    :class:`_AnsweredElsewhere`) and a replayed signed query (:class:`wire.Forbidden`). The
    first statement of a message: a pooled connection found dead here (the database restarted;
    connections are not pinged) is replaced — ``conn`` takes a fresh one once rolled back — and
    it runs again."""
    since = rt.clock.now() - dt.timedelta(hours=rt.settings.liaison.follow_up_hours)
    try:
        sender = read_sender(conn, s, incoming.openid, follow_up_since=since,
                             delivery=(key, seen.query_key, seen.body_hash))
    except DBAPIError as exc:
        if not exc.connection_invalidated:
            raise
        conn.rollback()
        sender = read_sender(conn, s, incoming.openid, follow_up_since=since,
                             delivery=(key, seen.query_key, seen.body_hash))
    if sender.replayed:
        raise wire.Forbidden("a signed query string seen before came with another body (replay?)")
    if sender.recorded:
        raise _AnsweredElsewhere
    return sender


def _log_failure(what: str, openid: str, exc: BaseException) -> None:
    """Log an error with its stack but without its message: messages from the database (a
    unique key's DETAIL) or a handler can carry openids, names and phones (DESIGN.md §5)."""
    stack = "".join(traceback.format_tb(exc.__traceback__))
    log.error("%s for openid %s: %s\n%s", what, wire.mask_openid(openid), type(exc).__name__, stack)


def _stored_reply(rt: Runtime, key: str) -> str:
    """The first delivery's reply (answered in another process, or before this process
    started); wait for it while the first delivery is still running. When the wait runs out,
    the reply is marked :data:`LOST` so the first delivery sends it later."""
    deadline = time.monotonic() + RETRY_WAIT_SECONDS
    while True:
        with rt.engine.connect() as conn:
            reply = inbound.reply_of(conn, key)
            if reply is None and time.monotonic() >= deadline:
                inbound.mark_lost(conn, key)
                conn.commit()
                reply = inbound.reply_of(conn, key)
        if reply is not None:
            log.info("duplicate delivery of %s answered from the first one", wire.mask_openid(key.split(":", 1)[0]))
            return reply or "success"
        time.sleep(RETRY_POLL_SECONDS)


def _handle(rt: Runtime, conn: Connection, incoming: Incoming, key: str, seen: Seen) -> tuple[str, Reply]:
    """Steps 4-9 in one transaction: the sender, interaction time, routing, the handler, deferred
    deliveries, and the reply XML, recorded with the message and the handler's changes. Returns
    the reply XML and the reply. The sender is one read (:mod:`models.inbound_sender`); besides it
    an ordinary message writes only its row with the reply (the follower row when its window
    moved by a minute, ``models.delivery.window.interacted``; deferred deliveries when there are
    any, lessons without a flood: ``models.broadcasts.waiting.release_on_message``). The
    handlers' session joins ``conn``'s transaction (``rollback_only``: the webhook commits; on
    failure the connection's return to the pool rolls back): no ORM work when no handler writes.
    A member whose verification ask still waits to be delivered costs one statement more
    (:func:`models.verification.rounds.close_if_changed`). Raises :class:`_AnsweredElsewhere`
    (nothing kept) when another delivery of the message answered it, :class:`_HandlerFailed`
    from whatever failed after the read."""
    now = rt.clock.now()
    window = opens_window(incoming.msg_type, incoming.event)
    with rt.session(bind=conn, join_transaction_mode="rollback_only") as s:
        sender = _sender(rt, conn, s, incoming, key, seen)
        try:
            body, reply, intent = _answer(rt, conn, s, sender, incoming, window, now)
        except Exception as exc:  # noqa: BLE001 - the one error path: any handler bug becomes the apology
            raise _HandlerFailed from exc
        if not inbound.record(conn, _row(rt, incoming, key, seen, body, intent)):
            raise _AnsweredElsewhere
        conn.commit()
    return body, reply


def _answer(rt: Runtime, conn: Connection, s: Session, sender: Sender, incoming: Incoming, window: bool,
            now: dt.datetime) -> tuple[str, Reply, str | None]:
    """Steps 5-9 after the read: the window, the engine's answer rendered, what follows from it
    (a verification answered, deferred deliveries released), flushed to ``conn``'s transaction.
    Returns the reply XML, the reply and the routed intent."""
    follower = sender.follower
    if follower is None:  # a first message: the row is created and committed alone
        with rt.session() as first:
            follower = FollowerWindow.of(first_contact(first, incoming.openid, now))
    if incoming.event != "unsubscribe":
        before = replace(follower)
        interacted(follower, now, window=window, by_message=incoming.msg_type != "event")
        write_window(conn, follower, before)
    router = current_app.extensions[ROUTER]
    ctx = Context(session=s, settings=rt.settings, clock=rt.clock, follower=follower, member=UNREAD,
                  dialog=sender.dialog, pages=sender.pages, verification=sender.verification, sender=sender)
    reply = paging.answer(incoming, ctx, lambda msg, c: dispatch(msg, c, router))
    body = wire.render(reply, incoming, rt.clock.now())
    if sender.verification is not None:  # a change told before the question went out answers it
        close_if_changed(s, sender.verification, now)
    if follower.subscribed and window and sender.deferred:
        release_on_message(s, incoming.openid, now)
    s.flush()
    return body, reply, ctx.route.intent if ctx.route else None


def _send_late(rt: Runtime, incoming: Incoming, reply: Reply, key: str) -> None:
    """Every retry gave up waiting, so WeChat will show the member nothing: mark the stored reply
    :data:`LOST` and queue the reply as a customer-service message instead (the member's message
    opened the window)."""
    log.warning("reply for openid %s too late for WeChat; sending it through the outbox",
                wire.mask_openid(incoming.openid))
    now = rt.clock.now()
    try:
        with rt.session() as s:
            inbound.mark_lost(s, key, unanswered_only=False)
            if isinstance(reply, TextReply):
                enqueue(s, openid=incoming.openid, payload=Text(reply.text), purpose="late_reply",
                        idempotency_key="late_reply:" + hashlib.sha1(key.encode()).hexdigest(), now=now)
            s.commit()
    except SQLAlchemyError as exc:
        _log_failure("cannot queue the late reply", incoming.openid, exc)
