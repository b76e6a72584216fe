"""The transfer guide (组织关系转接指引): what the rule says, what to prepare, whom to call — and
the daily job's choice of who gets it unasked, once.

The rule: a member away for study, work or life 6 months or more at a relatively settled place
should, as a rule, move their membership to the party organisation there — the Central
Organisation Department's opinions on mobile members' management (中组部《关于加强和改进流动党员
管理工作的意见》, 2006); 《中国共产党党员教育管理工作条例》 (2019) asks the branches at both ends to
hand over the membership of those who qualify. The member text names no article: it paraphrases. The threshold is
``transfer.after_months`` (6 as shipped); "settled" is read as a current city on file.
"""
from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence

from sqlalchemy import delete, exists, select
from sqlalchemy.orm import Session

from models.clock import SHANGHAI
from models.contacts import contacts_for
from models.delivery.payloads import Text
from models.delivery.queue import enqueue, withdraw
from models.member import Member
from models.org import Organization
from models.settings import DistrictSettings
from models.transfers.request import TransferGuide, TransferRequest

GUIDE_PURPOSE = "transfer_guide"
# The member fields the guide's words or the choice of who gets it depend on: a change to one
# makes a guide not yet delivered stale (:func:`forget_undelivered`).
GUIDE_FIELDS = frozenset({"status", "away_since", "current_city"})
# What a member sends to ask for the transfer (handlers.transfer_relation reads it).
ASK_WORDS = "我要转组织关系"
RULE = ("按照党员组织关系管理的规定，党员外出学习、工作、生活"
        "6个月以上并且地点相对固定的，原则上应当把组织关系转到所在地的党组织，方便就近参加组织生活、交纳党费。")
PREPARE = ("需要准备：\n"
           "1. 想转入的党组织：单位有党组织的转到单位党组织，没有的转到现居住地的街道（乡镇）或社区党组织，"
           "先问清对方的名称和联系电话；\n"
           "2. 本人身份证；\n"
           "3. 党费交到转出的当月。\n"
           "支部为您开具组织关系介绍信（或在全国党员管理信息系统网上转出），您按时到新的党组织报到。")


def months_before(day: dt.date, months: int) -> dt.date:
    """``day`` moved back ``months`` calendar months, the day of month kept where the month has
    it (2027-05-31 less 3 months → 2027-02-28)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return day.replace(year=year, month=month + 1, day=min(day.day, calendar.monthrange(year, month + 1)[1]))


def months_away(away_since: dt.date, today: dt.date) -> int:
    """Whole calendar months from ``away_since`` to ``today`` (0 when not yet one)."""
    months = (today.year - away_since.year) * 12 + today.month - away_since.month
    return max(months - (today.day < away_since.day), 0)


def whom_to_contact(session: Session, member: Member, district: DistrictSettings) -> str:
    """``请联系支部书记王某（电话 13700000001），也可以拨打服务热线 …。``: the branch secretary
    the org file names, else the member's red liaison, else the branch's phone; the hotline
    always. A member who is that secretary is sent up instead: the nearest organisation above
    whose secretary (a township's 乡镇联系人) is someone else, else the hotline alone."""
    branch = member.branch
    contacts = contacts_for(session, member)
    hotline = f"服务热线 {district.service_hotline}（{district.service_hours}）"
    if _heads(member, branch):
        above = next((org for org in branch.path()[-2::-1]
                      if org.secretary_name and not _heads(member, org)), None)
        if above is None:
            return f"请拨打{hotline}。"
        title = "联系人" if above.kind == "township" else "书记"
        phone = above.secretary_phone or above.contact_phone
        first = f"请联系{above.name}{title}{above.secretary_name}" + (f"（电话 {phone}）" if phone else "")
    elif branch.secretary_name:
        phone = branch.secretary_phone or branch.contact_phone
        first = f"请联系{branch.name}书记{branch.secretary_name}" + (f"（电话 {phone}）" if phone else "")
    elif contacts.liaison_name:
        phone = f"（电话 {contacts.liaison_phone}）" if contacts.liaison_phone else ""
        first = f"请联系您的红色联络员{contacts.liaison_name}{phone}"
    elif branch.contact_phone:
        first = f"请联系{branch.name}（电话 {branch.contact_phone}）"
    else:
        return f"请拨打{hotline}。"
    return f"{first}，也可以拨打{hotline}。"


def _heads(member: Member, org: Organization) -> bool:
    """Whether ``member`` is the secretary ``org`` names (by name and phone, as ``models.roles``)."""
    return bool(org.secretary_name) and (org.secretary_name, org.secretary_phone) == (member.name, member.phone)


def guide_text(session: Session, member: Member, district: DistrictSettings, today: dt.date, *,
               heading: str = "【组织关系转接】") -> str:
    """The guide for ``member``: where they are and for how long (when on file), the rule, what
    to prepare, whom to contact, and how to ask for it here. Under 2048 bytes."""
    where = ""
    if member.status == "away" and member.current_city:
        months = months_away(member.away_since, today) if member.away_since else 0
        where = (f"您外出已经{months}个月，现在在{member.current_city}。" if months
                 else f"您现在在{member.current_city}。")
    return (f"{heading}{where}{RULE}\n{PREPARE}\n办理{whom_to_contact(session, member, district)}\n"
            f"想办的话，回复“{ASK_WORDS}”，我把申请转告支部。")


def due_for_guide(session: Session, today: dt.date, after_months: int, after_id: int,
                  limit: int) -> Sequence[Member]:
    """Up to ``limit`` bound members (id above ``after_id``, in id order) away since
    ``after_months`` months before ``today`` or longer, with a current city on file, who were
    never sent the guide and never asked for a transfer."""
    cutoff = months_before(today, after_months)
    return session.scalars(
        select(Member).where(
            Member.id > after_id, Member.status == "away", Member.openid.is_not(None),
            Member.away_since.is_not(None), Member.away_since <= cutoff,
            Member.current_city.is_not(None), Member.current_city != "",
            ~exists().where(TransferGuide.member_id == Member.id),
            ~exists().where(TransferRequest.member_id == Member.id))
        .order_by(Member.id).limit(limit)).all()


def queue_guides(session: Session, members: Sequence[Member], district: DistrictSettings,
                 now: dt.datetime) -> int:
    """Queue the guide for each of ``members`` (outbox purpose ``transfer_guide``: a
    customer-service message while their window is open, else on their next message) and note
    it was sent. Returns how many were queued. The caller commits."""
    today = now.astimezone(SHANGHAI).date()
    for member in members:
        text = guide_text(session, member, district, today, heading="【组织关系转接提醒】")
        # Keyed by the run too: a guide withdrawn as stale (forget_undelivered) is queued afresh
        # by a later run; the TransferGuide row, added with it, keeps a rerun from queuing twice.
        enqueue(session, openid=member.openid, member_id=member.id, payload=Text(text), purpose=GUIDE_PURPOSE,
                idempotency_key=f"{GUIDE_PURPOSE}:{member.id}:{now.isoformat()}", now=now)
        session.add(TransferGuide(member_id=member.id, queued_at=now))
    return len(members)


def forget_undelivered(session: Session, member_id: int) -> bool:
    """The member's whereabouts changed (:data:`GUIDE_FIELDS`): a guide still waiting for them
    (due or deferred) names the old city or months away, so it is withdrawn unsent and the
    guide counts as never sent — the next daily run queues it afresh if they still qualify,
    with what is on file then. Returns whether one was withdrawn. One statement, one more when
    one was; a guide already delivered (or held by a dispatcher) stays as it was."""
    if not withdraw(session, member_id, GUIDE_PURPOSE, "党员在收到前去向已变，次日按新的去向重发"):
        return False
    session.execute(delete(TransferGuide).where(TransferGuide.member_id == member_id))
    return True
