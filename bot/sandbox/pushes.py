"""The sandbox's pushes to the webhook: the ``MASSSENDJOBFINISH`` report of each mass send
(事件推送群发结果), delivered as WeChat delivers it — a POST to ``wechat.webhook_path`` signed with
the account's token, in the account's encryption mode (``wechat.encryption``), sent by the
platform's mass-send helper (``FromUserName`` ``mphelper``), some time after the send was
accepted. A report the webhook did not answer with 200 is pushed again later, as WeChat retries.

When: a mass send's answer (its ``msg_id``) must reach the bot before its report does, so
nothing is pushed while the send is answered. :func:`push_finished` pushes the reports of jobs
older than :data:`JOB_TIME` (sandbox clock), or all of them (``due_only=False``). It runs
after each ``POST /sandbox/clock`` move (``bot.simulated_time``), on ``POST /sandbox/mass/finish``
(tests, demos), and in ``kiteline serve`` every :data:`POLL_SECONDS` on a :class:`Pusher` thread.
The push goes through the app in-process (WSGI), so the sandbox still talks to the bot only the
way WeChat does.
"""
from __future__ import annotations

import datetime as dt
import logging
import secrets
import threading
from xml.etree import ElementTree

from flask import Flask
from sqlalchemy import select, update
from wechatpy.crypto import WeChatCrypto
from wechatpy.utils import WeChatSigner, to_text

from bot.sandbox.mass import MASS_MSG_ID_BASE
from bot.sandbox.platform import EXTENSION, Platform
from bot.sandbox.state import mass_jobs

log = logging.getLogger(__name__)

# Who sends the report (事件推送群发结果: FromUserName 为 mphelper, 公众号群发助手的微信号).
MASS_HELPER = "mphelper"
# The account's original id as the sandbox names it in what it pushes.
ACCOUNT = "gh_kiteline"
# How long after it was accepted a mass send's job counts as finished (sandbox clock).
JOB_TIME = dt.timedelta(seconds=5)
POLL_SECONDS = 2.0


def finish_event_xml(job, created: int) -> str:
    """The ``MASSSENDJOBFINISH`` event of ``job`` (a ``sandbox_mass_jobs`` row) at ``created``
    (Unix seconds), in the shape the platform pushes it."""
    return (f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName>"
            f"<FromUserName><![CDATA[{MASS_HELPER}]]></FromUserName><CreateTime>{created}</CreateTime>"
            "<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[MASSSENDJOBFINISH]]></Event>"
            f"<MsgID>{MASS_MSG_ID_BASE + job.id}</MsgID><Status><![CDATA[{job.status}]]></Status>"
            f"<TotalCount>{job.total}</TotalCount><FilterCount>{job.filtered}</FilterCount>"
            f"<SentCount>{job.sent}</SentCount><ErrorCount>{job.errors}</ErrorCount></xml>")


def signed_delivery(platform: Platform, xml: str, timestamp: str) -> tuple[dict[str, str], bytes]:
    """``(query, body)`` of a push of ``xml`` in the account's encryption mode: ``signature``
    always; ``encrypt_type=aes`` and ``msg_signature`` in compatible and safe mode, whose body
    carries ``Encrypt`` (beside the clear fields in compatible mode, alone in safe mode)."""
    wx = platform.settings.wechat
    nonce = secrets.token_hex(5)
    signer = WeChatSigner()
    signer.add_data(wx.token, timestamp, nonce)
    query = {"signature": signer.signature, "timestamp": timestamp, "nonce": nonce}
    if wx.encryption == "plain":
        return query, xml.encode("utf-8")
    wrapped = ElementTree.fromstring(
        to_text(WeChatCrypto(wx.token, wx.encoding_aes_key, wx.app_id).encrypt_message(xml, nonce, timestamp)))
    encrypt = f"<Encrypt><![CDATA[{wrapped.findtext('Encrypt')}]]></Encrypt>"
    query.update(encrypt_type="aes", msg_signature=wrapped.findtext("MsgSignature") or "")
    if wx.encryption == "compatible":
        body = xml.replace("</xml>", encrypt + "</xml>")
    else:
        body = f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName>{encrypt}</xml>"
    return query, body.encode("utf-8")


def push_finished(app: Flask, *, due_only: bool = True) -> int:
    """Push the finish report of every mass send not yet reported to ``app``'s webhook — only
    those older than :data:`JOB_TIME` when ``due_only``. Returns how many the webhook took
    (answered 200); the others are pushed again next time. An app without the webhook (the
    sandbox alone, ``sandbox_app``) pushes nothing: the process serving the webhook will."""
    platform: Platform = app.extensions[EXTENSION]
    if not app.url_map.bind("sandbox").test(platform.settings.wechat.webhook_path, method="POST"):
        return 0
    now = platform.clock.now()
    query = select(mass_jobs).where(mass_jobs.c.pushed_at.is_(None)).order_by(mass_jobs.c.id)
    if due_only:
        query = query.where(mass_jobs.c.created_at <= now - JOB_TIME)
    with platform.engine.begin() as conn:
        jobs = conn.execute(query).all()
    pushed = 0
    client = app.test_client()
    for job in jobs:
        timestamp = str(int(now.timestamp()))
        args, body = signed_delivery(platform, finish_event_xml(job, int(timestamp)), timestamp)
        answer = client.post(platform.settings.wechat.webhook_path, query_string=args, data=body,
                             content_type="text/xml")
        if answer.status_code != 200:
            log.warning("the webhook answered %s to mass send %s's report; pushed again later",
                        answer.status_code, MASS_MSG_ID_BASE + job.id)
            continue
        with platform.engine.begin() as conn:
            conn.execute(update(mass_jobs).where(mass_jobs.c.id == job.id, mass_jobs.c.pushed_at.is_(None))
                         .values(pushed_at=now))
        pushed += 1
    return pushed


class Pusher:
    """A daemon thread pushing due reports every :data:`POLL_SECONDS` (``kiteline serve`` in
    sandbox mode); :meth:`shutdown` stops it."""

    def __init__(self, app: Flask) -> None:
        self.app, self.stop = app, threading.Event()
        self.thread = threading.Thread(target=self._run, name="kiteline-sandbox-pushes", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stop.wait(POLL_SECONDS):
            try:
                push_finished(self.app)
            except Exception:  # a failed pass (database busy) must not end the thread
                log.exception("the sandbox could not push mass-send reports")

    def shutdown(self) -> None:
        self.stop.set()
        self.thread.join(timeout=POLL_SECONDS + 5)
