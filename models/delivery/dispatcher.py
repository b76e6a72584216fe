"""One claimed outbox row through the WeChat API: decide, mark ``sending``, call, settle.

Per row (DESIGN.md §2): ``template`` rows go out as template messages (allowed outside the
window); text and news rows as customer-service messages while the follower's window is open,
otherwise they wait as ``deferred`` until the member's next message (the webhook then calls
``models.outbox.release_deferred``). The row becomes ``sending`` (committed) immediately before
the call — after the token is fetched and the rate limit waited — so a crash can leave an
unknown outcome only for the one request being written.

Outcomes are read by meaning:

- 45015 / 45047 (window closed / budget spent) → ``deferred``, never a blind retry;
- 43004 (unfollowed), 40003 (unknown openid) → ``dropped``;
- 40001 / 40014 / 42001 (stale token) → the client refreshed once and retried; if that failed
  too, back off like -1;
- -1 (platform busy), a connection that never opened (refused, connect timeout, TLS), a token
  that could not be fetched → nothing was sent: back off and retry, for every purpose;
- a read timeout, a connection lost after the request was written, an HTTP error status, an
  unexpected error during the call → the outcome is unknown: ``unknown`` for at-most-once
  purposes, retried with ``resends`` counted for at-least-once ones (``models.outbox``);
- 45009 (daily quota) → the channel pauses until 00:00 Beijing time, when WeChat resets quotas;
- anything else → ``failed`` with ``last_error``.
"""
from __future__ import annotations

import datetime as dt
import logging
from typing import Protocol

import requests
from sqlalchemy.orm import Session
from urllib3.exceptions import ConnectTimeoutError
from wechatpy.exceptions import WeChatClientException

from bot.runtime import Runtime
from bot.wechat_api import STALE_TOKEN_CODES, KitelineClient
from bot.wire import mask_openid
from models.clock import SHANGHAI
from models.outbox import OutboxMessage, enqueue
from models.outbox_channels import (
    channel_of,
    channel_paused_until,
    close_window,
    follower_unsubscribed,
    pause_channel,
    refund_window,
    reserve_window,
)
from models.outbox_outcomes import back_off, mark_sent, release, unknown_outcome
from models.token import TokenRefreshTimeout

log = logging.getLogger(__name__)

DEFER_CODES = frozenset({45015, 45047})
DROP_CODES = frozenset({43004, 40003})
RETRY_CODES = frozenset({-1}) | STALE_TOKEN_CODES
DAILY_QUOTA_CODE = 45009


class RateLimit(Protocol):
    def wait(self, channel: str) -> None:
        """Return when a call on ``channel`` may start."""


def deliver(rt: Runtime, client: KitelineClient, row_id: int, holder: str, limit: RateLimit) -> str:
    """Send claimed row ``row_id`` if its window allows, and record the outcome. Returns what
    became of it: ``sent``, ``deferred``, ``dropped``, ``failed``, ``unknown``, ``retry`` (due
    again later) or ``skipped`` (no longer held by ``holder``)."""
    with rt.session() as s:
        row = s.get(OutboxMessage, row_id)
        if row is None or (row.status, row.claimed_by) != ("claimed", holder):
            return "skipped"
        channel = channel_of(row)
    limit.wait(channel)
    try:
        client.access_token  # noqa: B018  (fetched now, not between "sending" and the request)
    except (WeChatClientException, requests.RequestException, TokenRefreshTimeout) as exc:
        return _settle(rt, row_id, holder, exc, sending=False)
    with rt.session() as s:
        row = s.get(OutboxMessage, row_id, with_for_update=True)
        if (row.status, row.claimed_by) != ("claimed", holder):  # recovered meanwhile
            return "skipped"
        verdict = _prepare(s, row, rt.clock.now())
        s.commit()
    if verdict != "go":
        return verdict
    error: Exception | None = None
    try:
        send_row(client, row)
    except (WeChatClientException, requests.RequestException, TokenRefreshTimeout) as exc:
        error = exc
    except (KeyError, TypeError) as exc:
        error = ValueError(f"payload of a {row.kind} message lacks {exc}")  # a bug of whoever queued it
    except Exception as exc:  # a bug mid-call: whether WeChat got the request is unknown
        log.exception("outbox %s: unexpected error while sending", row_id)
        error = exc
    return _settle(rt, row_id, holder, error, sending=True)


def _prepare(s: Session, row: OutboxMessage, now: dt.datetime) -> str:
    """Decide whether ``row`` goes out now: ``go`` (it is ``sending``, one attempt counted),
    else the status it was left in."""
    channel = channel_of(row)
    paused_until = channel_paused_until(s, channel, now)
    if paused_until is not None:
        row.status, row.next_attempt_at = "pending", paused_until
        release(row)
        return "retry"
    verdict = reserve_window(s, row.openid, now) if channel == "custom" else (
        "unfollowed" if follower_unsubscribed(s, row.openid) else "open")
    if verdict == "closed" and "fallback_template" in row.payload:
        _fall_back_to_template(s, row, now)
    elif verdict == "closed":
        row.status = "deferred"
        release(row)
        return "deferred"
    if verdict == "unfollowed":
        row.status, row.last_error = "dropped", "member unfollowed the account"
        release(row)
        return "dropped"
    row.status = "sending"
    row.attempts += 1
    return "go"


def _fall_back_to_template(s: Session, row: OutboxMessage, now: dt.datetime) -> None:
    """A service notice outside the window goes out now as its template message (allowed any
    time, DESIGN.md §2); its full text waits, deferred, for the member's next message."""
    full = {k: v for k, v in row.payload.items() if k != "fallback_template"}
    deferred = enqueue(s, openid=row.openid, kind=row.kind, payload=full, purpose=row.purpose,
                       idempotency_key=f"{row.idempotency_key}:full", now=now, member_id=row.member_id)
    deferred.status = "deferred"
    row.kind, row.payload = "template", row.payload["fallback_template"]


def send_row(client: KitelineClient, row: OutboxMessage) -> None:
    """The API call for ``row``'s kind. Raises what the client raises; ``KeyError`` for a
    payload without its kind's fields."""
    p = row.payload
    if row.kind == "text":
        client.message.send_text(row.openid, p["content"])
    elif row.kind == "news":
        client.message.send_articles(row.openid, p["articles"])
    else:
        client.message.send_template(row.openid, p["template_id"], p["data"], url=p.get("url"))


def _settle(rt: Runtime, row_id: int, holder: str, error: Exception | None, *, sending: bool) -> str:
    with rt.session() as s:
        row = s.get(OutboxMessage, row_id)
        if row.claimed_by != holder or row.status not in ("claimed", "sending"):
            # Recovered by another dispatcher meanwhile (this one looked gone): keep its verdict,
            # but a send known to have worked is worth recording.
            log.warning("outbox %s was recovered by another dispatcher while %s still held it", row_id, holder)
            if error is None and row.status == "unknown":
                mark_sent(row, rt.clock.now())
                s.commit()
            return "skipped"
        backoff = dt.timedelta(seconds=rt.settings.delivery.retry_backoff_seconds)
        if sending:
            outcome = _record(s, row, error, rt.clock.now(), backoff)
        else:  # no token, so no request: whatever the reason, nothing was sent
            row.attempts += 1
            back_off(row, rt.clock.now(), f"no access token: {_describe(error)}", backoff)
            outcome = "retry" if row.status == "pending" else row.status
        release(row)
        s.commit()
    return outcome


def _record(s: Session, row: OutboxMessage, error: Exception | None, now: dt.datetime,
            backoff: dt.timedelta) -> str:
    """Record the outcome of one attempt on ``row``; returns it (see :func:`deliver`)."""
    if error is None:
        mark_sent(row, now)
        return "sent"
    code = getattr(error, "errcode", None)
    text = _describe(error)
    log.info("outbox %s to %s: %s", row.id, mask_openid(row.openid), text)
    if isinstance(error, ValueError):  # a payload missing its fields, a malformed URL
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
    elif code in RETRY_CODES or never_written(error) or isinstance(error, TokenRefreshTimeout):
        if channel_of(row) == "custom":  # the platform sent nothing, so spent nothing
            refund_window(s, row.openid, now)
        back_off(row, now, text, backoff)
    elif code is None:
        unknown_outcome(row, now, text, backoff)
    else:
        row.status, row.last_error = "failed", text
    return {"pending": "retry"}.get(row.status, row.status)


def _describe(error: Exception) -> str:
    code = getattr(error, "errcode", None)
    return f"{code} {error.errmsg}" if code is not None else f"{type(error).__name__}: {error}"


def never_written(error: Exception) -> bool:
    """True when ``error`` proves the request never reached WeChat: no connection was made
    (refused, unreachable, connect timeout, TLS handshake)."""
    if isinstance(error, (requests.ConnectTimeout, requests.exceptions.SSLError)):
        return True
    if isinstance(error, requests.ConnectionError):
        reason = error.args[0] if error.args else None
        # requests wraps urllib3's MaxRetryError, whose reason says which step failed.
        return isinstance(getattr(reason, "reason", reason), ConnectTimeoutError)
    return False


def next_quota_reset(now: dt.datetime) -> dt.datetime:
    """The next 00:00 in Beijing time (when WeChat's daily API quotas reset), as aware UTC."""
    tomorrow = now.astimezone(SHANGHAI).date() + dt.timedelta(days=1)
    return dt.datetime.combine(tomorrow, dt.time(0), tzinfo=SHANGHAI).astimezone(dt.timezone.utc)
