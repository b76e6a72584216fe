"""Who sent an inbound message, read in one statement: what the webhook needs before it answers.

One openid's follower row, roster member (with their branch, and their liaison with the
liaison's own member row, which the contact sentence of many replies names), dialog in progress,
long answer's waiting pages, the member's open verification ask, and whether deliveries wait for
their next message — each a LEFT JOIN on the openid (the ask on the member), so one round trip
however many of them exist. The rows land in the session
like any it loaded, so handlers that change them (a dialog's next step, the next page) write
them back as usual; what is absent is said so (``None``), and asked for no more.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import String, and_, bindparam, exists, select
from sqlalchemy.orm import Session, joinedload

from models.delivery.outbox import OutboxMessage
from models.dialog import DialogState
from models.follower import Follower
from models.member import Liaison, Member
from models.reply_pages import ReplyPages
from models.verification.asks import VerificationAsk


@dataclass(frozen=True)
class Sender:
    """The sender of one message: each part ``None`` when there is none (a first message has no
    follower row yet; an unbound follower no member). ``verification``: the member's open
    verification ask. ``deferred``: deliveries wait for this openid's next message (``outbox``
    rows in status ``deferred``)."""

    follower: Follower | None
    member: Member | None
    dialog: DialogState | None
    pages: ReplyPages | None
    verification: VerificationAsk | None
    deferred: bool


def _statement():
    key = select(bindparam("openid", type_=String(64)).label("openid")).subquery("sender")
    deferred = exists().where(OutboxMessage.openid == key.c.openid, OutboxMessage.status == "deferred")
    return (select(Follower, Member, DialogState, ReplyPages, VerificationAsk, deferred.label("deferred"))
            .select_from(key)
            .outerjoin(Follower, Follower.openid == key.c.openid)
            .outerjoin(Member, Member.openid == key.c.openid)
            .outerjoin(DialogState, DialogState.openid == key.c.openid)
            .outerjoin(ReplyPages, ReplyPages.openid == key.c.openid)
            # At most one: the open ask is unique per member (a partial unique index).
            .outerjoin(VerificationAsk, and_(VerificationAsk.member_id == Member.id,
                                             VerificationAsk.outcome.is_(None)))
            .options(joinedload(Member.branch), joinedload(Member.liaison).joinedload(Liaison.member)))


# Built once: building a statement this size and its cache key costs more than running it.
READ_SENDER = _statement()


def read_sender(session: Session, openid: str) -> Sender:
    """The :class:`Sender` of ``openid``, in one SELECT."""
    row = session.execute(READ_SENDER, {"openid": openid}).one()
    return Sender(*row[:5], deferred=bool(row.deferred))
