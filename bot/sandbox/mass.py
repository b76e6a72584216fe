"""Mass send by openid list (群发, ``/cgi-bin/message/mass/send`` and ``message/mass/get``) as the
platform does it, for a service account (服务号).

Rules, from the WeChat docs (根据OpenID列表群发, 查询群发消息发送状态, 事件推送群发结果, 全局返回码):

- ``touser`` holds 2 to 10,000 openids, else 40130 (invalid openid list size);
- ``clientmsgid`` (the developer's id for the send, ≤ 64 bytes, else 45067): the platform checks
  the sends of the last 24 hours, and a ``clientmsgid`` seen there is refused with 45065
  ("clientmsgid exist") carrying the earlier send's ``msg_id`` — nothing is sent twice;
- each user receives at most 4 mass sends a calendar month (Beijing time). A user over it is
  *filtered*: receives nothing, and the finish report's ``FilterCount`` (the users left to send
  to after filtering, ``FilterCount = SentCount + ErrorCount``) leaves them out;
- an openid the account does not have, or a user who unfollowed, cannot receive it: counted in
  ``ErrorCount``;
- the API takes 60 requests a minute, else 45011 (api minute-quota reach limit).

The send is accepted at once (``msg_id``); the job's finish report reaches the webhook later as
the ``MASSSENDJOBFINISH`` event (``bot.sandbox.pushes``). Only ``text`` sends are taken: an
``mpnews`` send needs a ``media_id`` from the material API, which the sandbox does not serve
(40008 for any other type).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

from sqlalchemy import Connection, func, insert, select

from bot.sandbox.state import SandboxError, mass_jobs, messages, users
from models.clock import SHANGHAI

OPENIDS_MIN, OPENIDS_MAX = 2, 10_000
PER_MONTH = 4
CLIENTMSGID_MAX_BYTES = 64
CLIENTMSGID_WINDOW = dt.timedelta(hours=24)
REQUESTS_PER_MINUTE = 60
# A msg_id looks like the platform's (a ten-digit number); the job's row id is added to it.
MASS_MSG_ID_BASE = 1_000_000_000
# Openids per statement when classifying a list: well inside every database's parameter limit.
CHUNK = 500


def month_bounds(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The calendar month (Beijing time) holding ``now``: ``[start, end)`` as aware datetimes."""
    local = now.astimezone(SHANGHAI)
    start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    end = (start + dt.timedelta(days=32)).replace(day=1)
    return start, end


def send(conn: Connection, body: dict, now: dt.datetime) -> dict:
    """Accept a mass send: ``{"msg_id", "msg_data_id", "errmsg"}``; each user it reaches gets a
    message on channel ``mass``. Raises :class:`SandboxError` for a refusal (see the module)."""
    openids = body.get("touser")
    if not isinstance(openids, list) or not all(isinstance(o, str) for o in openids) \
            or not OPENIDS_MIN <= len(openids) <= OPENIDS_MAX:
        raise SandboxError(40130, f"invalid openid list size, at least {OPENIDS_MIN} openid, "
                                  f"at most {OPENIDS_MAX}")
    clientmsgid = body.get("clientmsgid")
    if clientmsgid is not None and len(str(clientmsgid).encode("utf-8")) > CLIENTMSGID_MAX_BYTES:
        raise SandboxError(45067, "clientmsgid size out of limit")
    if body.get("msgtype") != "text":
        raise SandboxError(40008, "invalid message type")
    content = (body.get("text") or {}).get("content")
    if not content:
        raise SandboxError(44004, "empty content")
    if clientmsgid is not None:
        earlier = conn.scalar(select(mass_jobs.c.id).where(
            mass_jobs.c.clientmsgid == str(clientmsgid), mass_jobs.c.created_at > now - CLIENTMSGID_WINDOW))
        if earlier is not None:
            raise SandboxError(45065, "clientmsgid exist", msg_id=MASS_MSG_ID_BASE + earlier)
    lately = conn.scalar(select(func.count()).select_from(mass_jobs)
                         .where(mass_jobs.c.created_at > now - dt.timedelta(minutes=1)))
    if lately >= REQUESTS_PER_MINUTE:
        raise SandboxError(45011, "api minute-quota reach limit, mustslower retry next minute")
    unique = list(dict.fromkeys(openids))
    reachable, errors = _classify(conn, unique, now)
    job_id = conn.execute(insert(mass_jobs).values(
        clientmsgid=None if clientmsgid is None else str(clientmsgid), msgtype="text",
        body={"content": content}, created_at=now, status="send success", total=len(unique),
        filtered=len(reachable) + errors, sent=len(reachable), errors=errors)).inserted_primary_key[0]
    msg_id = MASS_MSG_ID_BASE + job_id
    if reachable:
        conn.execute(insert(messages), [dict(openid=o, channel="mass", msgtype="text",
                                             body={"content": content, "msg_id": msg_id}, sent_at=now)
                                        for o in reachable])
    return {"errmsg": "send job submission success", "msg_id": msg_id, "msg_data_id": msg_id}


def _classify(conn: Connection, openids: Sequence[str], now: dt.datetime) -> tuple[list[str], int]:
    """``(openids that receive it, how many cannot: unknown or unfollowed)``; users who had
    their :data:`PER_MONTH` mass sends this month are in neither (filtered)."""
    start, end = month_bounds(now)
    reachable: list[str] = []
    errors = 0
    for chunk in _chunks(openids):
        following = set(conn.scalars(select(users.c.openid).where(
            users.c.openid.in_(chunk), users.c.subscribed.is_(True))))
        received = dict(conn.execute(
            select(messages.c.openid, func.count())
            .where(messages.c.openid.in_(chunk), messages.c.channel == "mass",
                   messages.c.sent_at >= start, messages.c.sent_at < end)
            .group_by(messages.c.openid)).all())
        for openid in chunk:
            if openid not in following:
                errors += 1
            elif received.get(openid, 0) < PER_MONTH:
                reachable.append(openid)
    return reachable, errors


def _chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), CHUNK):
        yield items[start:start + CHUNK]


def status(conn: Connection, body: dict) -> dict:
    """``message/mass/get``: ``{"msg_id", "msg_status": "SEND_SUCCESS"}``; 40059 for a msg_id
    the platform never gave."""
    try:
        msg_id = int(body.get("msg_id"))
    except (TypeError, ValueError):
        raise SandboxError(40059, "invalid msg id") from None
    found = conn.scalar(select(mass_jobs.c.id).where(mass_jobs.c.id == msg_id - MASS_MSG_ID_BASE))
    if found is None:
        raise SandboxError(40059, "invalid msg id")
    return {"msg_id": msg_id, "msg_status": "SEND_SUCCESS"}
