"""Each liaison's list of their members who let a verification ask lapse unanswered.

One list per recipient and round, however many of their members lapsed that day: the member's
red liaison when they have one bound to WeChat, else the branch secretary
(``models.delivery.digest.secretary_of``); a member with neither is logged as an ERROR and
shows in ``kiteline report verification``. The list is a notice (purpose
``verification_list``, delivered at least once): a customer-service text while the
recipient's window is open, else at once as a template message and the full list on their next
message, as the secretary's delivery digest goes.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.delivery.digest import secretary_of
from models.delivery.payloads import TemplateNotice, Text, numbered_list
from models.delivery.queue import enqueue
from models.delivery.report import local_time
from models.inbound import InboundMessage
from models.member import Member, mask_phone
from models.verification.asks import VerificationAsk
from models.verification.rounds import place, today_of

LIST_PURPOSE = "verification_list"
log = logging.getLogger(__name__)


def recipient_of(session: Session, member: Member, secretaries: dict[int, Member | None]) -> Member | None:
    """Who is told that ``member`` did not confirm: their liaison if bound to WeChat, else
    their branch's secretary, else ``None``. ``secretaries`` (branch id → secretary) is filled
    as branches are looked up, once each."""
    liaison = member.liaison.member if member.liaison is not None else None
    if liaison is not None and liaison.openid:
        return liaison
    if member.branch_id not in secretaries:
        secretaries[member.branch_id] = secretary_of(session, member.branch)
    return secretaries[member.branch_id]


def last_contacts(session: Session, members: Sequence[Member]) -> dict[str, dt.datetime]:
    """openid → when each of ``members`` (those still bound) last wrote to the account."""
    openids = [m.openid for m in members if m.openid]
    if not openids:
        return {}
    return dict(session.execute(
        select(InboundMessage.openid, func.max(InboundMessage.received_at))
        .where(InboundMessage.openid.in_(openids)).group_by(InboundMessage.openid)).all())


def queue_lists(session: Session, asks: Sequence[VerificationAsk], now: dt.datetime, *,
                window_days: int, template_id: str) -> int:
    """Queue one list per recipient of the members of ``asks`` (asks just closed unanswered).
    Returns how many lists were queued. The caller commits."""
    by_recipient: dict[int, tuple[Member, list[Member]]] = {}
    secretaries: dict[int, Member | None] = {}
    for ask in asks:
        member = ask.member
        recipient = recipient_of(session, member, secretaries)
        if recipient is None:
            log.error("verification: %s (%s, %s) did not confirm their info and has no liaison or "
                      "secretary bound to WeChat to tell; see `kiteline report verification`",
                      member.name, mask_phone(member.phone), member.branch.name)
            continue
        by_recipient.setdefault(recipient.id, (recipient, []))[1].append(member)
    contacts = last_contacts(session, [ask.member for ask in asks])
    for recipient, members in by_recipient.values():
        text = list_text(recipient, members, contacts, now, window_days)
        last = max(m.id for m in members)
        enqueue(session, openid=recipient.openid, member_id=recipient.id,
                payload=Text(text, fallback=list_template(recipient, len(members), now, template_id)),
                purpose=LIST_PURPOSE, now=now,
                idempotency_key=f"{LIST_PURPOSE}:{recipient.id}:{today_of(now).isoformat()}:{last}")
    return len(by_recipient)


def list_text(recipient: Member, members: Sequence[Member], contacts: dict[str, dt.datetime],
              now: dt.datetime, window_days: int) -> str:
    """The list: a heading, then one numbered line per member — name, masked phone, last known
    city, days since they last wrote — within :data:`models.delivery.payloads.LIST_MAX_BYTES`; members that do not fit
    are counted at the end. A member who is not the recipient's own (a secretary's) says why:
    无联络员, or 联络员未绑定微信."""
    heading = (f"【信息核对未确认】以下{len(members)}名党员没有在{window_days}天内确认登记的信息，"
               "请电话联系核实，有变化请告诉支部更新：")
    lines = (f"{member.name}（{mask_phone(member.phone) or '无手机号'}），{place(member)}，"
             f"{_since(contacts.get(member.openid or ''), member, now)}{'' if _own(member, recipient) else _why_you(member)}"
             for member in members)
    return numbered_list(heading, lines, len(members), lambda left: f"\n另有{left}人未列出，请找支部查看核查报表。")


def _own(member: Member, recipient: Member) -> bool:
    """Whether ``recipient`` is ``member``'s own liaison (not a secretary standing in)."""
    return member.liaison is not None and member.liaison.member_id == recipient.id


def list_template(recipient: Member, count: int, now: dt.datetime, template_id: str) -> TemplateNotice:
    """The list as a template message for a recipient whose window is closed (fields ≤ 20
    characters, no line breaks)."""
    values = {"thing1": f"{count}名党员未确认信息", "thing2": recipient.branch.name,
              "time3": local_time(now), "thing4": "回复任意消息查看名单"}
    return TemplateNotice(template_id, {k: v[:20] for k, v in values.items()})


def _since(last: dt.datetime | None, member: Member, now: dt.datetime) -> str:
    if member.openid is None:
        return "已取消关注公众号"
    if last is None:
        return "从未发过消息"
    days = (today_of(now) - today_of(last)).days
    return "今天联系过" if days <= 0 else f"{days}天没有联系"


def _why_you(member: Member) -> str:
    return "，联络员未绑定微信" if member.liaison is not None else "，无联络员"
