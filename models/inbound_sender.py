"""Who sent an inbound message, read in one Core statement: what the webhook needs before it answers.

One openid's follower row (its customer-service window), roster member (the facts replies use,
their branch and their liaison as the contact sentence names them, their roles), dialog in
progress, long answer's waiting pages, the member's open verification ask, whether deliveries
wait for their next message, whether a resolved ticket of theirs waits for their rating, and the
ticket whose liaison waits for the member's reply — each a LEFT JOIN, an EXISTS or a correlated
subquery on the openid (the ask and the tickets on the member), so one round trip however many
of them exist.

Plain values, not ORM objects: loading six mapped objects and their relationships cost more
CPU than everything else an ordinary message does. What a handler changes is loaded as an ORM
object when it asks (:func:`load_member`; the dialog, pages and ask rows, which their handlers
change, are put into the session from the values read here, without another statement).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from operator import attrgetter

from sqlalchemy import (
    Connection,
    String,
    bindparam,
    exists,
    select,
    update,
)
from sqlalchemy.orm import Session, aliased, joinedload, make_transient_to_detached

from models.base import UTCDateTime
from models.contacts import Contacts
from models.delivery.outbox import OutboxMessage
from models.dialog import DialogState
from models.driver_statements import DriverStatement
from models.follower import Follower
from models.inbound import InboundMessage
from models.member import Liaison, Member
from models.org import Organization
from models.reply_pages import ReplyPages
from models.roles import Role, role_columns, roles_from
from models.tickets.ticket import Ticket
from models.tickets.tickets import awaiting_reply_of
from models.verification.asks import VerificationAsk


@dataclass
class FollowerWindow:
    """A follower row's customer-service window as read: the fields
    ``models.delivery.window.interacted`` moves (it takes this or a ``Follower``); written back
    by :func:`write_window` when they changed."""

    openid: str
    subscribed: bool
    last_interaction_at: dt.datetime
    window_expires_at: dt.datetime | None
    window_budget: int

    @classmethod
    def of(cls, follower: Follower) -> FollowerWindow:
        """The window of a follower row already loaded."""
        return cls(follower.openid, *(getattr(follower, c) for c in _WINDOW))


@dataclass(frozen=True)
class MemberCard:
    """What replies read of a bound member (``members`` columns of the same names); read-only —
    a handler that changes the member loads it (``Context.member``)."""

    id: int
    name: str
    phone: str | None
    current_province: str | None
    current_city: str | None
    current_district: str | None
    employer: str | None
    branch_id: int

    @classmethod
    def of(cls, member: Member) -> MemberCard:
        """The card of a member already loaded."""
        return cls(*(getattr(member, c) for c in _CARD))

    def destination(self, sep: str = " ") -> str:
        """As :meth:`models.member.Member.destination`: the same rule, on the card's fields."""
        return Member.destination(self, sep)


@dataclass(frozen=True)
class Sender:
    """The sender of one message: each part ``None`` when there is none (a first message has no
    follower row yet; an unbound follower no member). ``contacts``: the member's liaison and
    branch as ``models.contacts.contacts_for`` gives them, ``None`` when it needs a look at the
    branch's liaisons (no liaison of their own, or they are their own). ``roles``: as
    ``models.roles.roles_of``. ``dialog`` / ``pages`` / ``verification`` (the member's open
    verification ask): ORM rows in the session, ready to change. ``deferred``: deliveries wait
    for this openid's next message (``outbox`` rows in status ``deferred``); ``waiting``:
    lessons wait for them to ask (status ``on_request``, ``models.broadcasts.waiting``);
    ``rating``: a ticket of theirs is resolved and waits for their satisfaction rating
    (``models.tickets.ratings``); ``awaiting_reply``: the id of their ticket a liaison answered
    lately and that waits for their reply (``models.tickets.tickets.awaiting_reply_of``),
    ``None`` when none. ``recorded``: this delivery's message was answered before (WeChat's
    retry: its stored reply answers it); ``replayed``: its signed query string came before with
    another message or body (a captured URL replayed: refused)."""

    follower: FollowerWindow | None
    member: MemberCard | None
    contacts: Contacts | None
    roles: frozenset[Role]
    dialog: DialogState | None
    pages: ReplyPages | None
    verification: VerificationAsk | None
    deferred: bool
    waiting: bool = False
    rating: bool = False
    awaiting_reply: int | None = None
    recorded: bool = False
    replayed: bool = False


_WINDOW = ("subscribed", "last_interaction_at", "window_expires_at", "window_budget")
_CARD = ("id", "name", "phone", "current_province", "current_city", "current_district", "employer", "branch_id")
_DIALOG = ("dialog", "state", "data", "expires_at")
_ASK = ("id", "asked_at", "due_on", "delivered_at", "outcome", "answered_at", "closed_at")
# The read row's columns of a window and a card, taken in one call each (every message reads them).
_WINDOW_READ = attrgetter(*_WINDOW)
_CARD_READ = attrgetter(*(f"member_{c}" for c in _CARD))


def _statement():
    key = select(bindparam("openid", type_=String(64)).label("openid")).subquery("sender")
    branch, assigned, person = aliased(Organization), aliased(Liaison), aliased(Member)
    deferred = exists().where(OutboxMessage.openid == key.c.openid, OutboxMessage.status == "deferred")
    waiting = exists().where(OutboxMessage.openid == key.c.openid, OutboxMessage.status == "on_request")
    rating = exists().where(Ticket.member_id == Member.id, Ticket.status == "resolved")
    awaiting = awaiting_reply_of(Member.id, bindparam("follow_up_since", type_=UTCDateTime()))
    dedupe_key = bindparam("dedupe_key", type_=String(160))
    recorded = exists().where(InboundMessage.dedupe_key == dedupe_key)
    replayed = exists().where(InboundMessage.query_key == bindparam("query_key", type_=String(40)),
                              (InboundMessage.dedupe_key != dedupe_key)
                              | (InboundMessage.body_hash != bindparam("body_hash", type_=String(64))))
    return (select(Follower.openid.label("follower"), *(getattr(Follower, c) for c in _WINDOW),
                   *(getattr(Member, c).label(f"member_{c}") for c in _CARD),
                   branch.name.label("branch_name"), branch.contact_phone.label("branch_phone"),
                   assigned.member_id.label("liaison_member_id"), person.name.label("liaison_name"),
                   person.phone.label("liaison_phone"),
                   *role_columns(Member.id, Member.name, Member.phone),
                   DialogState.openid.label("dialog_openid"), *(getattr(DialogState, c) for c in _DIALOG),
                   ReplyPages.openid.label("pages_openid"), ReplyPages.pages,
                   ReplyPages.expires_at.label("pages_expire_at"),
                   *(getattr(VerificationAsk, c).label(f"ask_{c}") for c in _ASK), deferred.label("deferred"),
                   waiting.label("waiting"), rating.label("rating"), awaiting.label("awaiting_reply"),
                   recorded.label("recorded"), replayed.label("replayed"))
            .select_from(key)
            .outerjoin(Follower, Follower.openid == key.c.openid)
            .outerjoin(Member, Member.openid == key.c.openid)
            .outerjoin(branch, branch.id == Member.branch_id)
            .outerjoin(assigned, assigned.id == Member.liaison_id)
            .outerjoin(person, person.id == assigned.member_id)
            .outerjoin(DialogState, DialogState.openid == key.c.openid)
            .outerjoin(ReplyPages, ReplyPages.openid == key.c.openid)
            # At most one: the open ask is unique per member (a partial unique index).
            .outerjoin(VerificationAsk, (VerificationAsk.member_id == Member.id) & VerificationAsk.outcome.is_(None)))


# Built once, and run on the driver: building a statement this size costs more than running
# it, and SQLAlchemy's execution path three times as much (models.driver_statements).
READ_SENDER = _statement()
_READ_SENDER = DriverStatement(READ_SENDER, {"openid": "", "follow_up_since": None, "dedupe_key": "",
                                             "query_key": "", "body_hash": ""})


def read_sender(conn: Connection, session: Session, openid: str, *,
                follow_up_since: dt.datetime | None = None,
                delivery: tuple[str, str, str] | None = None) -> Sender:
    """The :class:`Sender` of ``openid``, in one SELECT on ``conn``; a dialog or pages row found
    is put into ``session`` (which must work on ``conn``'s transaction). ``follow_up_since``:
    a ticket answered since then may await the member's reply (now minus
    ``liaison.follow_up_hours``); ``None`` reads none. ``delivery``: the message's dedupe key,
    query key and body hash (``bot.answering``), for ``recorded`` and ``replayed``."""
    dedupe_key, query_key, body_hash = delivery or (None, None, None)
    row = _READ_SENDER.first(conn, {"openid": openid, "follow_up_since": follow_up_since, "dedupe_key": dedupe_key,
                                    "query_key": query_key, "body_hash": body_hash})
    follower = FollowerWindow(openid, *_WINDOW_READ(row)) if row.follower else None
    member = contacts = None
    roles: frozenset[Role] = frozenset()
    if row.member_id is not None:
        member = MemberCard(*_CARD_READ(row))
        roles = roles_from((row.role_liaison, row.role_secretary, row.role_township))
        # models.tickets.liaison_for's first rule: their own liaison, unless that is themself.
        if row.liaison_member_id is not None and row.liaison_member_id != member.id:
            contacts = Contacts(row.liaison_name, row.liaison_phone, row.branch_name, row.branch_phone)
    dialog = pages = None
    if row.dialog_openid is not None:
        dialog = _persistent(session, DialogState(openid=openid, **{c: getattr(row, c) for c in _DIALOG}))
    if row.pages_openid is not None:
        pages = _persistent(session, ReplyPages(openid=openid, pages=row.pages, expires_at=row.pages_expire_at))
    ask = None
    if row.ask_id is not None:
        ask = _persistent(session, VerificationAsk(member_id=member.id, **{c: getattr(row, f"ask_{c}") for c in _ASK}))
    return Sender(follower, member, contacts, roles, dialog, pages, ask, bool(row.deferred), bool(row.waiting),
                  bool(row.rating), row.awaiting_reply, bool(row.recorded), bool(row.replayed))


def _persistent(session: Session, row):
    """``row``, built from every column as read, made a persistent object of ``session`` (as if
    the session had loaded it): a handler changes or deletes it as usual."""
    make_transient_to_detached(row)
    session.add(row)
    return row


def write_window(conn: Connection, window: FollowerWindow, before: FollowerWindow) -> None:
    """Store on the follower row the fields of ``window`` that differ from ``before`` (as read),
    and only those: a dispatcher spending the budget meanwhile (``reserve``) is not undone."""
    changed = {c: getattr(window, c) for c in _WINDOW if getattr(window, c) != getattr(before, c)}
    if changed:
        conn.execute(update(Follower).where(Follower.openid == window.openid).values(changed))


def load_member(session: Session, member_id: int) -> Member:
    """The ORM member, with their branch and liaison (and the liaison's own member row) in the
    same SELECT: for a handler that changes the member or needs more than its card."""
    return session.get(Member, member_id,
                       options=[joinedload(Member.branch), joinedload(Member.liaison).joinedload(Liaison.member)])
