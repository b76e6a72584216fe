"""The customer-service window and its budget: when kiteline may send a member a customer-service
(客服) message, and how many. Every rule about the window is here; the webhook, the dispatcher
and the channel choice call it.

WeChat's rule (客服消息 docs): after a user's message the account may send 5 customer-service
messages within 48 hours; after a menu click, a follow or a QR scan, 3 within 1 minute. Other
events — the automatic LOCATION report, a VIEW link, template and mass-send reports — open
nothing. Outside the window the API answers 45015 (closed) or 45047 (budget spent), so the
dispatcher defers instead of sending. Template messages need no window.

The window is kept on the follower (``Follower.window_expires_at``, ``window_budget``) and
spent atomically (:func:`reserve`), so several dispatchers never overspend it.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from enum import StrEnum

from sqlalchemy import bindparam, update
from sqlalchemy.orm import Session

from models.follower import Follower
from models.list_param import in_list

MESSAGE_WINDOW = (dt.timedelta(hours=48), 5)
EVENT_WINDOW = (dt.timedelta(minutes=1), 3)
# Events that open the 1-minute window (客服消息 docs: 关注, 扫描二维码, and of the custom menu's
# button types only 点击推事件, 扫码推事件 and 扫码推事件且弹出"消息接收中"), lower-case as parsed.
WINDOW_EVENTS = frozenset({"subscribe", "scan", "click", "scancode_push", "scancode_waitmsg"})
# A member's conversation moves the interaction time and the window's end a little with every
# message; a move smaller than this is not written (see interacted).
INTERACTION_GRAIN = dt.timedelta(minutes=1)


class Window(StrEnum):
    """What a member's window allows now."""

    OPEN = "open"  # a customer-service message may go (one was counted)
    CLOSED = "closed"  # no window: wait for their next message
    SPENT = "spent"  # the window is open but its budget is spent: wait for their next message
    UNFOLLOWED = "unfollowed"  # they left the account: nothing reaches them


def opens_window(msg_type: str, event: str | None) -> bool:
    """Whether an inbound ``msg_type`` (``event`` for events) opens the customer-service window:
    every message does; of events, only :data:`WINDOW_EVENTS`."""
    return msg_type != "event" or (event or "") in WINDOW_EVENTS


def is_open(follower: Follower, at: dt.datetime) -> bool:
    """Whether ``follower``'s window is open at ``at`` with budget left."""
    return bool(follower.window_expires_at and at < follower.window_expires_at and follower.window_budget > 0)


def interacted(follower: Follower, at: dt.datetime, *, window: bool, by_message: bool) -> None:
    """``follower`` wrote (``by_message``) or sent an event at ``at``: they follow the account,
    and when ``window`` (:func:`opens_window`) the window opens — a message's 48 h / 5, an
    event's 1 min / 3; a short event window never shortens a longer one still open.

    A change smaller than :data:`INTERACTION_GRAIN` to the interaction time or the window's end
    is left unwritten, so a conversation updates the row once a minute, not once a message — on
    SQLite a write every member's message would queue for. The stored window then ends up to
    that much before WeChat's, never after it: nothing is sent into a closed window. A changed
    budget or subscription is always written."""
    if not follower.subscribed:
        follower.subscribed = True
    if window:
        span, budget = MESSAGE_WINDOW if by_message else EVENT_WINDOW
        expires = at + span
        if by_message or not is_open(follower, at) or follower.window_expires_at < expires:
            if budget != follower.window_budget or _moved(follower.window_expires_at, expires):
                follower.window_expires_at, follower.window_budget = expires, budget
                follower.last_interaction_at = at
    if _moved(follower.last_interaction_at, at):
        follower.last_interaction_at = at


def _moved(before: dt.datetime | None, after: dt.datetime) -> bool:
    return before is None or after - before >= INTERACTION_GRAIN


_followers = Follower.__table__
# spend's statement, built once (a dispatcher runs it every turn; models.delivery.fast_start
# makes it part of its own on PostgreSQL).
SPEND = (update(_followers)
          .where(in_list(_followers.c.openid, "openids"), _followers.c.subscribed.is_(True),
                 _followers.c.window_expires_at > bindparam("now"), _followers.c.window_budget > 0)
          .values(window_budget=_followers.c.window_budget - 1)
          .returning(_followers.c.openid))
# ``session.info`` key of the places :func:`reserve_many` took for a batch, by openid.
_RESERVED = "kiteline.window_reserved"


def reserve_many(session: Session, openids: Collection[str], now: dt.datetime) -> None:
    """Spend one message of each of ``openids``' windows where one is left (:func:`spend`);
    :func:`reserve` then hands out those places without a query of its own, and looks again
    for the members who got none."""
    session.info.setdefault(_RESERVED, set()).update(spend(session, openids, now))


def spend(session: Session, openids: Collection[str], now: dt.datetime) -> set[str]:
    """Spend one message of each of ``openids``' windows where one is left, atomically, in one
    statement (a dispatcher's batch, one row per member); returns the openids that got one."""
    if not openids:
        return set()
    return set(session.connection().scalars(SPEND, {"openids": list(openids), "now": now}))


def reserve(session: Session, openid: str, now: dt.datetime) -> Window:
    """Spend one message of ``openid``'s window, atomically; says whether one may go now, and
    if not, why: no window, its budget spent, or the member left the account."""
    reserved = session.info.get(_RESERVED)
    if reserved and openid in reserved:
        reserved.discard(openid)
        return Window.OPEN
    spent = session.execute(
        update(Follower)
        .where(Follower.openid == openid, Follower.subscribed.is_(True),
               Follower.window_expires_at > now, Follower.window_budget > 0)
        .values(window_budget=Follower.window_budget - 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if spent == 1:
        return Window.OPEN
    follower = session.get(Follower, openid)
    if follower is not None and not follower.subscribed:
        return Window.UNFOLLOWED
    if follower is not None and follower.window_expires_at and follower.window_expires_at > now:
        return Window.SPENT
    return Window.CLOSED


def refund(session: Session, openid: str, now: dt.datetime) -> None:
    """A message counted by :func:`reserve` was not sent (-1, no connection): give its place
    in the window back, if the window is still open."""
    session.execute(update(Follower)
                    .where(Follower.openid == openid, Follower.window_expires_at > now)
                    .values(window_budget=Follower.window_budget + 1)
                    .execution_options(synchronize_session=False))


def refund_unused(session: Session, now: dt.datetime) -> None:
    """Give back the places :func:`reserve_many` took that no row used (a row that failed
    before its channel was chosen)."""
    for openid in session.info.pop(_RESERVED, set()):
        refund(session, openid, now)


def close(session: Session, openid: str) -> None:
    """The platform said the window is closed or spent (45015/45047): believe it until the
    member's next message reopens it."""
    session.execute(update(Follower).where(Follower.openid == openid).values(window_budget=0)
                    .execution_options(synchronize_session=False))


def unfollowed(session: Session, openid: str) -> bool:
    """True when ``openid`` is known to have unfollowed the account."""
    follower = session.get(Follower, openid)
    return follower is not None and not follower.subscribed
