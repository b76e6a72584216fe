"""A member's transfer request: recorded after they confirm, passed to their branch secretary,
marked done by the secretary (转接办结 姓名 by chat, or ``kiteline transfer done``), the member
told. Notices go through the outbox (``transfer_notice`` to the secretary, ``transfer_done`` to
the member: at least once); a secretary not bound to WeChat finds requests in ``kiteline report
transfers``."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.delivery.digest import secretary_of
from models.delivery.outbox import OutboxMessage
from models.delivery.payloads import Text
from models.delivery.queue import enqueue
from models.member import Member
from models.org import Organization
from models.places import province_of
from models.transfers.request import TransferRequest

NOTICE_PURPOSE = "transfer_notice"
DONE_PURPOSE = "transfer_done"
# Where a secretary heads the organisation whose members' transfers they settle.
SECRETARY_KINDS = ("branch", "village")
DONE_COMMAND = "转接办结"


@dataclass(frozen=True)
class Requested:
    """A request just recorded, and the secretary told of it (``None``: no secretary bound to
    WeChat — the request waits in ``kiteline report transfers``)."""

    request: TransferRequest
    secretary: Member | None


def open_request(session: Session, member: Member) -> TransferRequest | None:
    """The member's request not yet done, or ``None``."""
    return session.scalars(select(TransferRequest).where(
        TransferRequest.member_id == member.id, TransferRequest.status == "requested")
        .order_by(TransferRequest.id.desc())).first()


def latest_request(session: Session, member: Member) -> TransferRequest | None:
    """The member's newest request, open or done, or ``None``."""
    return session.scalars(select(TransferRequest).where(TransferRequest.member_id == member.id)
                           .order_by(TransferRequest.id.desc())).first()


def destination_of(member: Member, city: str | None = None, province: str | None = None) -> str | None:
    """Where the membership is to go, one way however it was named: ``city`` (with
    ``province``) as the member named it, else their destination on file, each with its
    province — as named, else found from the place list (``models.places``) — before the city
    (``浙江宁波``; a municipality once: ``北京``). ``None`` when neither names a city."""
    if not city:
        city, province = member.current_city, member.current_province
    if not city:
        return None
    province = province or province_of(city)
    return f"{province}{city}" if province and province != city else city


def request_transfer(session: Session, member: Member, destination: str, now: dt.datetime) -> Requested:
    """Record ``member``'s request to move their membership to ``destination`` and queue the
    notice to their branch secretary when one is bound. The caller commits."""
    request = TransferRequest(member_id=member.id, destination=destination[:100], requested_at=now,
                              status="requested")
    session.add(request)
    session.flush()
    secretary = secretary_of(session, member.branch)
    if secretary is not None:
        enqueue(session, openid=secretary.openid, member_id=secretary.id, payload=Text(notice_text(request, member)),
                purpose=NOTICE_PURPOSE, idempotency_key=f"{NOTICE_PURPOSE}:{request.id}", now=now)
    return Requested(request, secretary)


def secretary_told(session: Session, request: TransferRequest) -> bool:
    """Whether the request's notice was queued for the secretary by WeChat (``False``: no
    secretary was bound when it was made — someone has to phone them)."""
    key = f"{NOTICE_PURPOSE}:{request.id}"
    return session.scalar(select(OutboxMessage.id).where(OutboxMessage.idempotency_key == key)) is not None


def notice_text(request: TransferRequest, member: Member) -> str:
    """What the secretary reads: who, how to call them, where to, and how to mark it done."""
    away = f"，{member.away_since.year}年{member.away_since.month}月外出" if member.away_since else ""
    return (f"【组织关系转接申请】{member.branch.name}党员{member.name}（电话 {member.phone or '未登记'}{away}）"
            f"申请把组织关系转到{request.destination}。请联系本人办理；办结后回复“{DONE_COMMAND} {member.name}”，"
            "我会告诉本人。")


def secretary_org_ids(session: Session, secretary: Member) -> set[int]:
    """The organisations ``secretary`` heads (a branch, or a village and the branches under it),
    by the secretary name and phone the org file gives; empty for anyone else."""
    heads = set(session.scalars(select(Organization.id).where(
        Organization.secretary_name == secretary.name, Organization.secretary_phone == secretary.phone,
        Organization.kind.in_(SECRETARY_KINDS))))
    found, frontier = set(heads), set(heads)
    while frontier:
        frontier = set(session.scalars(select(Organization.id).where(Organization.parent_id.in_(frontier))))
        found |= frontier
    return found


def requests_named(session: Session, org_ids: set[int] | None, name: str, phone_hint: str | None = None,
                   status: str = "requested") -> list[TransferRequest]:
    """Requests of ``status`` of members named ``name`` in ``org_ids`` (every organisation when
    ``None``), oldest first; ``phone_hint`` (the whole phone or its last digits) narrows them."""
    query = (select(TransferRequest).join(Member, Member.id == TransferRequest.member_id)
             .where(Member.name == name, TransferRequest.status == status).order_by(TransferRequest.id))
    if org_ids is not None:
        query = query.where(Member.branch_id.in_(org_ids))
    found = list(session.scalars(query))
    if phone_hint:
        found = [r for r in found if (r.member.phone or "").endswith(phone_hint)]
    return found


def mark_done(session: Session, request: TransferRequest, done_by: str, now: dt.datetime) -> bool:
    """Mark ``request`` done by ``done_by`` and queue the member's notice. Returns whether the
    member was told through WeChat (``False``: not bound — someone phones them). The caller
    commits."""
    request.status, request.done_at, request.done_by = "done", now, done_by[:64]
    member = request.member
    if not member.openid:
        return False
    text = (f"您的组织关系转接（转到{request.destination}）支部已经办结。请按支部给您的介绍信或网上转接通知，"
            "按时到新的党组织报到；以后的组织生活、党费就在那边参加和交纳。有问题可以随时问我。")
    enqueue(session, openid=member.openid, member_id=member.id, payload=Text(text), purpose=DONE_PURPOSE,
            idempotency_key=f"{DONE_PURPOSE}:{request.id}", now=now)
    return True


def listed(session: Session, org_ids: set[int] | None) -> Sequence[TransferRequest]:
    """Every request of members in ``org_ids`` (all when ``None``): open ones first, each group
    oldest first."""
    query = (select(TransferRequest).join(Member, Member.id == TransferRequest.member_id)
             .order_by(TransferRequest.status != "requested", TransferRequest.requested_at, TransferRequest.id))
    if org_ids is not None:
        query = query.where(Member.branch_id.in_(org_ids))
    return session.scalars(query).all()
