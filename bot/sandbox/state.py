"""What the sandbox platform remembers, and the platform rules it enforces.

Its own tables on its own ``MetaData`` (created by :func:`create_tables`, never part of
kiteline's migrations): the sandbox stands in for WeChat's servers, so it keeps its own view of
each user instead of trusting kiteline's. Rules and error codes follow the WeChat official
account docs (获取 access_token, 客服消息, 模板消息, 自定义菜单, 生成带参数的二维码).

Every function takes a SQLAlchemy ``Connection`` inside a transaction and the current instant.
"""
from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Connection,
    Engine,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    insert,
    inspect,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from models.base import UTCDateTime

TOKEN_LIFETIME = dt.timedelta(seconds=7200)
# After /cgi-bin/token issues a new token the previous one keeps working this long (获取
# access_token docs).
ROTATION_OVERLAP = dt.timedelta(minutes=5)
# stable_token in normal mode hands out the current token until it has this little left, then a
# new one (the old one keeps its own expiry). The sandbox does it the way the issue and the
# getStableAccessToken docs' first rule put it — the same token until it expires — so clients
# are tested against the strictest reading; the docs' notes also say the live platform renews 5
# minutes early, which a test can reproduce by setting this to 5 minutes.
STABLE_RENEW_WITHIN = dt.timedelta(0)
# Customer-service window: 48 h / 5 messages after a user message; 1 min / 3 after a menu
# click, a follow or a QR scan (客服消息 docs). Other events (location reports, link clicks)
# open nothing.
MESSAGE_WINDOW = (dt.timedelta(hours=48), 5)
EVENT_WINDOW = (dt.timedelta(minutes=1), 3)
WINDOW_EVENTS = {"subscribe", "scan", "click", "scancode_push", "scancode_waitmsg"}
# The platform's reports to the account (群发结果, 模板消息发送结果): they come from WeChat, not
# from a user, and teach nothing about anyone's follow state or window.
REPORT_EVENTS = {"masssendjobfinish", "templatesendjobfinish"}
# Template fields: at most 20 characters, no line breaks (模板消息 rules, 2023).
TEMPLATE_FIELD_MAX = 20

metadata = MetaData()
tokens = Table("sandbox_tokens", metadata,
               Column("token", String(64), primary_key=True), Column("app_id", String(64)),
               Column("issued_at", UTCDateTime()), Column("valid_until", UTCDateTime()))
users = Table("sandbox_users", metadata,
              Column("openid", String(64), primary_key=True), Column("subscribed", Boolean),
              Column("window_expires_at", UTCDateTime()), Column("window_budget", Integer))
messages = Table("sandbox_messages", metadata,
                 Column("id", Integer, primary_key=True), Column("openid", String(64), index=True),
                 Column("channel", String(16)), Column("msgtype", String(16)),
                 Column("body", JSON), Column("sent_at", UTCDateTime()))
qrcodes = Table("sandbox_qrcodes", metadata,
                Column("ticket", String(64), primary_key=True), Column("action_name", String(32)),
                Column("scene", JSON), Column("expires_at", UTCDateTime()),
                Column("created_at", UTCDateTime()))
menus = Table("sandbox_menus", metadata,
              Column("id", Integer, primary_key=True), Column("body", JSON),
              Column("created_at", UTCDateTime()))
# How many answers the sandbox gave per API (path under /cgi-bin/) and error code, 0 = accepted.
calls = Table("sandbox_calls", metadata,
              Column("api", String(64), primary_key=True),
              Column("errcode", Integer, primary_key=True, autoincrement=False),
              Column("count", Integer, nullable=False))
# Each delivery the sandbox saw WeChat make (``bot.sandbox.deliveries``), so a retry of it is
# not taken for a new interaction: sha1 of openid and MsgId (or CreateTime, MsgType, Event, EventKey).
deliveries = Table("sandbox_deliveries", metadata,
                   Column("key", String(40), primary_key=True), Column("seen_at", UTCDateTime()))
# Each mass send the platform accepted (``bot.sandbox.mass``): its ``clientmsgid``, what it said,
# its finish report's counts, and when that report was pushed to the webhook (``bot.sandbox.pushes``).
# ``msg_id`` is ``MASS_MSG_ID_BASE + id``.
mass_jobs = Table("sandbox_mass_jobs", metadata,
                  Column("id", Integer, primary_key=True), Column("clientmsgid", String(64), index=True),
                  Column("msgtype", String(16)), Column("body", JSON), Column("created_at", UTCDateTime()),
                  Column("status", String(32)), Column("total", Integer), Column("filtered", Integer),
                  Column("sent", Integer), Column("errors", Integer),
                  Column("pushed_at", UTCDateTime(), index=True))
faults = Table("sandbox_faults", metadata,
               Column("id", Integer, primary_key=True), Column("path", String(64)),
               Column("errcode", Integer), Column("errmsg", String(128)),
               Column("latency_ms", Integer), Column("remaining", Integer),
               Column("rate", Float), Column("after_accept", Boolean))


class SandboxError(Exception):
    """A refusal as the platform words it: ``{"errcode": ..., "errmsg": ...}``, plus whatever
    else the platform puts beside them (``extra``: 45065 carries the earlier ``msg_id``)."""

    def __init__(self, errcode: int, errmsg: str, **extra: Any) -> None:
        super().__init__(f"{errcode} {errmsg}")
        self.errcode, self.errmsg, self.extra = errcode, errmsg, extra


def create_tables(engine: Engine) -> None:
    """Create the sandbox's tables if missing (it is a dev stand-in, not kiteline's schema).

    A faults table from before fault rates is dropped and made anew: faults are moments of a
    test or demo, nothing worth keeping."""
    found = inspect(engine)
    if found.has_table(faults.name) and "rate" not in {c["name"] for c in found.get_columns(faults.name)}:
        faults.drop(engine)
    metadata.create_all(engine)


def add_followers(engine: Engine, openids: list[str]) -> None:
    """Users who followed the account before the sandbox ran (the demo's liaisons): subscribed,
    with no customer-service window open, as WeChat would know them."""
    create_tables(engine)
    with engine.begin() as conn:
        for openid in openids:
            _upsert_user(conn, openid, subscribed=True)


# -- access tokens -------------------------------------------------------------------------------
def issue_token(conn: Connection, app_id: str, now: dt.datetime) -> tuple[str, int]:
    """``/cgi-bin/token``: always a new ``(token, expires_in)``; older tokens keep at most
    :data:`ROTATION_OVERLAP` (获取 access_token: 5 minutes of overlap)."""
    return _new_token(conn, app_id, now, older_until=now + ROTATION_OVERLAP)


def issue_stable_token(conn: Connection, app_id: str, now: dt.datetime, *,
                       force_refresh: bool) -> tuple[str, int]:
    """``/cgi-bin/stable_token`` (getStableAccessToken docs) as ``(token, expires_in)``.

    Normal mode: the current token while it has more than :data:`STABLE_RENEW_WITHIN` left,
    ``expires_in`` the whole seconds left (rounded down); then a new one. ``force_refresh``:
    a new token, and every earlier one stops working at once (会导致上次获取的 access_token 失效).
    """
    if not force_refresh:
        current = conn.execute(select(tokens).where(tokens.c.app_id == app_id, tokens.c.valid_until > now)
                               .order_by(tokens.c.issued_at.desc()).limit(1)).first()
        if current is not None and current.valid_until - now > STABLE_RENEW_WITHIN:
            return current.token, int((current.valid_until - now).total_seconds())
        return _new_token(conn, app_id, now, older_until=None)
    return _new_token(conn, app_id, now, older_until=now)


def _new_token(conn: Connection, app_id: str, now: dt.datetime,
               older_until: dt.datetime | None) -> tuple[str, int]:
    """Issue a token; ``older_until`` caps the validity of the account's earlier tokens."""
    if older_until is not None:
        conn.execute(update(tokens).where(tokens.c.app_id == app_id, tokens.c.valid_until > older_until)
                     .values(valid_until=older_until))
    token = secrets.token_urlsafe(32)
    conn.execute(insert(tokens).values(token=token, app_id=app_id, issued_at=now,
                                       valid_until=now + TOKEN_LIFETIME))
    return token, int(TOKEN_LIFETIME.total_seconds())


def check_token(conn: Connection, app_id: str, token: str | None, now: dt.datetime) -> None:
    """Raise 40001 for an unknown or rotated-out token, 42001 for one that expired."""
    row = conn.execute(select(tokens).where(tokens.c.token == (token or ""))).first()
    if row is None or row.app_id != app_id:
        raise SandboxError(40001, "invalid credential, access_token is invalid or not latest")
    if row.valid_until <= now:
        if now >= row.issued_at + TOKEN_LIFETIME:
            raise SandboxError(42001, "access_token expired")
        raise SandboxError(40001, "invalid credential, access_token is invalid or not latest")


# -- users and their window ----------------------------------------------------------------------
def observe(conn: Connection, key: str, openid: str, msg_type: str, event: str | None,
            now: dt.datetime) -> None:
    """Learn from one delivery to the webhook what the platform knows: follow state and window.
    ``key`` names the delivery (``deliveries``): one seen before, a retry, teaches nothing new.
    ``msg_type`` and ``event`` are lower-case, as in the XML (``text``, ``event`` + ``click``)."""
    try:
        with conn.begin_nested():
            conn.execute(insert(deliveries).values(key=key, seen_at=now))
    except IntegrityError:
        return
    if event in REPORT_EVENTS:
        return
    if event == "unsubscribe":
        _upsert_user(conn, openid, subscribed=False, window_expires_at=None, window_budget=0)
        return
    if msg_type == "event" and event not in WINDOW_EVENTS:
        _upsert_user(conn, openid, subscribed=True)
        return
    span, budget = MESSAGE_WINDOW if msg_type != "event" else EVENT_WINDOW
    user = conn.execute(select(users).where(users.c.openid == openid)).first()
    longer_open = (user is not None and user.window_expires_at is not None and user.window_budget > 0
                   and user.window_expires_at > now + span)
    if longer_open:  # a click never shortens a 48 h window still open
        _upsert_user(conn, openid, subscribed=True)
    else:
        _upsert_user(conn, openid, subscribed=True, window_expires_at=now + span, window_budget=budget)


def _upsert_user(conn: Connection, openid: str, **values: Any) -> None:
    if conn.execute(update(users).where(users.c.openid == openid).values(**values)).rowcount:
        return
    try:
        with conn.begin_nested():
            conn.execute(insert(users).values(openid=openid, **{"window_budget": 0, **values}))
    except IntegrityError:  # two first messages at once: the other one inserted the row
        conn.execute(update(users).where(users.c.openid == openid).values(**values))


def _follower(conn: Connection, openid: str | None):
    user = conn.execute(select(users).where(users.c.openid == (openid or ""))).first()
    if user is None:
        raise SandboxError(40003, "invalid openid")
    if not user.subscribed:
        raise SandboxError(43004, "require subscribe")
    return user


def _record(conn: Connection, openid: str, channel: str, msgtype: str, body: dict, now: dt.datetime) -> None:
    conn.execute(insert(messages).values(openid=openid, channel=channel, msgtype=msgtype,
                                         body=body, sent_at=now))


# -- sending -------------------------------------------------------------------------------------
def send_custom(conn: Connection, body: dict, now: dt.datetime) -> None:
    """A customer-service message (text, or news with one article) inside the user's window."""
    msgtype = body.get("msgtype")
    if msgtype not in ("text", "news"):
        raise SandboxError(40008, "invalid message type")
    content = body.get(msgtype) or {}
    if msgtype == "text" and not content.get("content"):
        raise SandboxError(44004, "empty content")
    if msgtype == "news" and len(content.get("articles") or []) != 1:
        raise SandboxError(45008, "article size out of limit")
    user = _follower(conn, body.get("touser"))
    if user.window_expires_at is None or user.window_expires_at <= now:
        raise SandboxError(45015, "response out of time limit or subscription is canceled")
    spent = conn.execute(update(users).where(users.c.openid == user.openid, users.c.window_budget > 0)
                         .values(window_budget=users.c.window_budget - 1)).rowcount
    if spent == 0:
        raise SandboxError(45047, "out of response count limit")
    _record(conn, user.openid, "custom", msgtype, content, now)


def send_template(conn: Connection, body: dict, now: dt.datetime) -> None:
    """A template message: any follower, any time, fields within the template rules."""
    user = _follower(conn, body.get("touser"))
    if not body.get("template_id"):
        raise SandboxError(40037, "invalid template_id")
    data = body.get("data") or {}
    for key, field in data.items():
        value = str((field or {}).get("value", ""))
        if len(value) > TEMPLATE_FIELD_MAX or "\n" in value or "\r" in value:
            raise SandboxError(47003, f"argument invalid! data.{key}.value exceeds limit")
    _record(conn, user.openid, "template", "template",
            {"template_id": body["template_id"], "url": body.get("url"), "data": data}, now)


def messages_for(conn: Connection, openid: str) -> list[dict]:
    """What ``openid`` received, oldest first: ``{id, at, channel, msgtype, text, body}`` where
    ``text`` is what the user reads first (the text, the article title, the template lines)."""
    rows = conn.execute(select(messages).where(messages.c.openid == openid)
                        .order_by(messages.c.sent_at, messages.c.id)).all()
    return [{"id": r.id, "at": r.sent_at.isoformat(), "channel": r.channel, "msgtype": r.msgtype,
             "text": _summary(r.msgtype, r.body), "body": r.body} for r in rows]


def _summary(msgtype: str, body: dict) -> str:
    if msgtype == "text":
        return body["content"]
    if msgtype == "news":
        return body["articles"][0]["title"]
    return "\n".join(f"{k}: {(v or {}).get('value', '')}" for k, v in body["data"].items())
