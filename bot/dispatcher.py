"""The dispatcher: sends due outbox rows through the WeChat API, by the delivery rules of
DESIGN.md §2.

Per row: ``template`` rows go out as template messages (allowed outside the window); text and
news rows as customer-service messages while the follower's window is open, otherwise they wait
as ``deferred`` until the member's next message (the webhook then calls
``models.outbox.release_deferred``). Refusals are handled by meaning:

- 45015 / 45047 (window closed / budget spent) → ``deferred``, never a blind retry;
- 43004 (unfollowed), 40003 (unknown openid) → ``dropped``;
- 40001 / 40014 / 42001 (stale token) → the client refreshed once and retried; if that failed
  too, back off like -1;
- -1 (platform busy) and network failures → back off, ``attempts`` / ``next_attempt_at``;
- 45009 (daily quota) → the channel pauses until 00:00 Beijing time, when WeChat resets quotas;
- anything else → ``failed`` with ``last_error``.

A row is sent at most once: it is claimed (``pending`` → ``sending``) by exactly one dispatcher,
and only a refusal the platform guarantees unsent (or a network failure) puts it back.
"""
from __future__ import annotations

import datetime as dt
import logging
import threading

import click
import requests
from sqlalchemy.orm import Session
from wechatpy.exceptions import WeChatClientException

from bot.cli import main, runtime_from
from bot.runtime import Runtime
from bot.signals import inbound_answered
from bot.wechat_api import STALE_TOKEN_CODES, KitelineClient, wechat_client
from bot.wire import mask_openid
from models.clock import SHANGHAI
from models.outbox import (OutboxMessage, back_off, channel_of, channel_paused_until, claim_due,
                           close_window, enqueue, follower_unsubscribed, pause_channel, reserve_window,
                           unclaim)
from models.token import TokenRefreshTimeout

log = logging.getLogger(__name__)

DEFER_CODES = frozenset({45015, 45047})
DROP_CODES = frozenset({43004, 40003})
RETRY_CODES = frozenset({-1}) | STALE_TOKEN_CODES
DAILY_QUOTA_CODE = 45009
BATCH = 100
# A round in flight may wait on one API call (10 s timeout) before the thread notices the stop.
REQUEST_JOIN_SECONDS = 15


def dispatch_due(rt: Runtime, limit: int = BATCH, client: KitelineClient | None = None) -> int:
    """Send the outbox rows due now (at most ``limit``); returns how many were sent.

    ``client`` defaults to ``wechat_client(rt)`` (HTTP to ``wechat.api_base_url``); tests pass
    ``wechat_client(rt, app)`` to reach the sandbox in-process."""
    return _round(rt, client or wechat_client(rt), limit)[1]


def _round(rt: Runtime, client: KitelineClient, limit: int) -> tuple[int, int]:
    """``(claimed, sent)`` for one batch."""
    with rt.session() as s:
        ids = claim_due(s, rt.clock.now(), limit)
        s.commit()
    sent = 0
    for n, row_id in enumerate(ids):
        try:
            sent += _deliver(rt, client, row_id)
        except Exception:
            # The rows after this one were never tried: hand them back for the next round.
            # This one stays ``sending`` (delivery unknown), so it is never sent twice.
            with rt.session() as s:
                unclaim(s, ids[n + 1:])
                s.commit()
            raise
    return len(ids), sent


def _deliver(rt: Runtime, client: KitelineClient, row_id: int) -> int:
    with rt.session() as s:
        row = s.get(OutboxMessage, row_id)
        go = _prepare(s, row, rt.clock.now())
        s.commit()
    if not go:
        return 0
    error: Exception | None = None
    try:
        _send(client, row)
    except (WeChatClientException, requests.RequestException, TokenRefreshTimeout) as exc:
        error = exc
    except (KeyError, TypeError) as exc:  # a payload without the fields its kind needs
        error = ValueError(f"payload of a {row.kind} message lacks {exc}")
    with rt.session() as s:
        row = s.get(OutboxMessage, row_id)
        _settle(s, row, error, rt.clock.now())
        s.commit()
    return 1 if error is None else 0


def _prepare(s: Session, row: OutboxMessage, now: dt.datetime) -> bool:
    """Decide whether ``row`` goes out now; when not, leave it in its right state."""
    channel = channel_of(row)
    paused_until = channel_paused_until(s, channel, now)
    if paused_until is not None:
        row.status, row.next_attempt_at = "pending", paused_until
        return False
    verdict = reserve_window(s, row.openid, now) if channel == "custom" else (
        "unfollowed" if follower_unsubscribed(s, row.openid) else "open")
    if verdict == "closed" and "fallback_template" in row.payload:
        _fall_back_to_template(s, row, now)
    elif verdict == "closed":
        row.status = "deferred"
        return False
    if verdict == "unfollowed":
        row.status, row.last_error = "dropped", "member unfollowed the account"
        return False
    row.attempts += 1
    return True


def _fall_back_to_template(s: Session, row: OutboxMessage, now: dt.datetime) -> None:
    """A service notice outside the window goes out now as its template message (allowed any
    time, DESIGN.md §2); its full text waits, deferred, for the member's next message."""
    full = {k: v for k, v in row.payload.items() if k != "fallback_template"}
    deferred = enqueue(s, openid=row.openid, kind=row.kind, payload=full, purpose=row.purpose,
                       idempotency_key=f"{row.idempotency_key}:full", now=now)
    deferred.status = "deferred"
    row.kind, row.payload = "template", row.payload["fallback_template"]


def _send(client: KitelineClient, row: OutboxMessage) -> None:
    p = row.payload
    if row.kind == "text":
        client.message.send_text(row.openid, p["content"])
    elif row.kind == "news":
        client.message.send_articles(row.openid, p["articles"])
    else:
        client.message.send_template(row.openid, p["template_id"], p["data"], url=p.get("url"))


def _settle(s: Session, row: OutboxMessage, error: Exception | None, now: dt.datetime) -> None:
    """Record the outcome of one API call on ``row``."""
    if error is None:
        row.status, row.sent_at, row.last_error = "sent", now, None
        return
    code = getattr(error, "errcode", None)
    text = f"{code} {error.errmsg}" if code is not None else f"{type(error).__name__}: {error}"
    log.info("outbox %s to %s: %s", row.id, mask_openid(row.openid), text)
    if isinstance(error, ValueError):
        row.status, row.last_error = "failed", text
    elif code in DEFER_CODES:
        # With a template to fall back on, the next round sends that instead of waiting.
        row.status = "pending" if "fallback_template" in row.payload else "deferred"
        row.last_error = text
        close_window(s, row.openid)
    elif code in DROP_CODES:
        row.status, row.last_error = "dropped", text
    elif code == DAILY_QUOTA_CODE:
        until = next_quota_reset(now)
        pause_channel(s, channel_of(row), until, text)
        row.status, row.next_attempt_at, row.last_error = "pending", until, text
    elif code is None or code in RETRY_CODES:
        back_off(row, now, text)
    else:
        row.status, row.last_error = "failed", text


def next_quota_reset(now: dt.datetime) -> dt.datetime:
    """The next 00:00 in Beijing time (when WeChat's daily API quotas reset), as aware UTC."""
    tomorrow = now.astimezone(SHANGHAI).date() + dt.timedelta(days=1)
    return dt.datetime.combine(tomorrow, dt.time(0), tzinfo=SHANGHAI).astimezone(dt.timezone.utc)


# -- running it --------------------------------------------------------------------------------
def run_dispatcher(rt: Runtime, client: KitelineClient, stop: threading.Event,
                   interval_seconds: float, wake: threading.Event | None = None) -> None:
    """Dispatch until ``stop`` is set: drain full batches, then wait ``interval_seconds`` or
    until ``wake`` is set. A failing round is logged and the next one runs."""
    wake = wake or stop
    while not stop.is_set():
        try:
            while _round(rt, client, BATCH)[0] == BATCH and not stop.is_set():
                pass
        except Exception:  # one bad round (database hiccup) must not end the loop
            log.exception("dispatch round failed")
        wake.wait(interval_seconds)
        if wake is not stop:
            wake.clear()


class DispatcherThread:
    """The in-process dispatcher of ``kiteline serve``: a daemon thread running
    :func:`run_dispatcher`; :meth:`shutdown` stops it."""

    def __init__(self, rt: Runtime, client: KitelineClient) -> None:
        self.stop = threading.Event()
        self.wake = threading.Event()
        # A message just answered may have queued deliveries or released deferred ones: send
        # them now rather than at the next poll.
        inbound_answered.connect(self._on_answered, sender=rt)
        self.thread = threading.Thread(
            target=run_dispatcher, name="kiteline-dispatcher", daemon=True,
            args=(rt, client, self.stop, rt.settings.scheduler.dispatch_interval_seconds, self.wake))
        self.thread.start()

    def _on_answered(self, _rt: Runtime, **_kw) -> None:
        self.wake.set()

    def shutdown(self) -> None:
        self.stop.set()
        self.wake.set()
        inbound_answered.disconnect(self._on_answered)
        self.thread.join(timeout=REQUEST_JOIN_SECONDS)


@main.command("dispatcher")
@click.option("--once", is_flag=True, help="Send what is due now, then exit.")
@click.pass_context
def dispatcher_command(ctx: click.Context, once: bool) -> None:
    """Send outbox messages (a separate role for multi-process deployments)."""
    from bot.app import create_app

    rt = runtime_from(ctx)
    app = create_app(rt.settings, runtime=rt) if rt.settings.wechat.sandbox else None
    client = wechat_client(rt, app)
    if once:
        click.echo(f"已发送 {dispatch_due(rt, client=client)} 条消息。")
        return
    interval = rt.settings.scheduler.dispatch_interval_seconds
    click.echo(f"发送进程已启动，每 {interval} 秒检查一次待发消息（Ctrl+C 停止）。")
    try:
        run_dispatcher(rt, client, threading.Event(), interval)
    except KeyboardInterrupt:
        click.echo("发送进程已停止。")
