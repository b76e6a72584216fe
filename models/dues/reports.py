"""A member's own report (我交了: pending until confirmed), the secretary's confirmation
(确认党费 姓名 月份), and who is told: the branch secretary of a report (purpose ``dues_report``),
the member of a confirmation (``dues_confirmed``) — both notices someone waits on, at least once,
never as a template. The caller commits."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.delivery.digest import secretary_of
from models.delivery.payloads import Text
from models.delivery.queue import enqueue, withdraw
from models.dues import months
from models.dues.amounts import yuan
from models.dues.records import DuesPayment
from models.member import Member

REPORT_PURPOSE = "dues_report"
CONFIRMED_PURPOSE = "dues_confirmed"
REMINDER_PURPOSE = "dues_reminder"
CONFIRM_COMMAND = "确认党费"
# 微信交的, 现金, 转账 …: the channel a member names, as the sheet would write it.
CHANNEL_WORDS = {"微信": ("微信", "vx", "wx"), "支付宝": ("支付宝", "zfb"), "现金": ("现金",),
                 "银行": ("银行", "转账", "网银"), "代交": ("代交", "代缴", "帮我交", "替我交")}


def channel_named(text: str | None) -> str | None:
    """The channel a member's words name (``微信``, ``代交`` …), or ``None``."""
    lowered = (text or "").lower()
    return next((name for name, words in CHANNEL_WORDS.items() if any(w in lowered for w in words)), None)


def branch_secretary(session: Session, member: Member) -> Member | None:
    """The nearest secretary bound to WeChat from the member's branch up (the branch's, else the
    village's), never the member themself; ``None`` when nobody is bound."""
    for org in reversed(member.branch.path()):
        if org.kind not in ("branch", "village"):
            break
        found = secretary_of(session, org)
        if found is not None and found.id != member.id:
            return found
    return None


@dataclass(frozen=True)
class Reported:
    """What a member's report recorded (months now pending) and who was told (``None``: no
    secretary bound to WeChat — the report waits for the next import or a phone call)."""

    recorded: list[str]
    secretary: Member | None


def report_paid(session: Session, member: Member, periods: list[str], amount_fen: int, channel: str | None,
                now: dt.datetime) -> Reported:
    """Record ``periods`` (months with no payment on record) as paid by the member's word, each
    ``amount_fen``, pending; tell the branch secretary; withdraw a reminder not yet delivered
    (it is stale now)."""
    for p in periods:
        session.add(DuesPayment(member_id=member.id, period=p, amount_fen=amount_fen, paid_on=None, channel=channel,
                                status="pending", source="member", recorded_by=member.name[:64], recorded_at=now))
    session.flush()
    withdraw(session, member.id, REMINDER_PURPOSE, "党员已报告交纳党费")
    secretary = branch_secretary(session, member)
    if secretary is not None:
        how = f"（{channel}）" if channel else ""
        asked = " ".join(months.short(p, months.current_period(now)) for p in periods)
        text = (f"【党费待确认】{member.branch.name}党员{member.name}（电话 {member.phone or '未登记'}）说已交"
                f"{months.written_runs(periods)}的党费，共{yuan(amount_fen * len(periods))}{how}。"
                f"核实后回复“{CONFIRM_COMMAND} {member.name} {asked}”，我会告诉本人。")
        enqueue(session, openid=secretary.openid, member_id=secretary.id, payload=Text(text), purpose=REPORT_PURPOSE,
                idempotency_key=f"{REPORT_PURPOSE}:{member.id}:{'+'.join(periods)}:{now.isoformat()}", now=now)
    return Reported(list(periods), secretary)


@dataclass
class Confirmed:
    """What a confirmation did: ``confirmed`` (pending reports now confirmed), ``recorded``
    (months with nothing reported, recorded at the standard), ``already`` (confirmed before),
    the fen they come to, and whether the member was told by WeChat."""

    confirmed: list[str] = field(default_factory=list)
    recorded: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    fen: int = 0
    told: bool = False

    @property
    def changed(self) -> list[str]:
        return sorted(self.confirmed + self.recorded)


def confirm(session: Session, member: Member, periods: list[str], standard_fen: int, by: str,
            now: dt.datetime) -> Confirmed:
    """The secretary ``by`` confirms ``member``'s dues for ``periods``: a pending report becomes
    confirmed, a month with nothing on record is recorded confirmed at ``standard_fen``; the
    member is told (:func:`tell_confirmed`)."""
    rows = {p.period: p for p in session.scalars(select(DuesPayment).where(
        DuesPayment.member_id == member.id, DuesPayment.period.in_(periods)))}
    done = Confirmed()
    for p in periods:
        row = rows.get(p)
        if row is not None and row.status == "confirmed":
            done.already.append(p)
            continue
        if row is None:
            row = DuesPayment(member_id=member.id, period=p, amount_fen=standard_fen, source="secretary",
                              recorded_by=by[:64], recorded_at=now)
            session.add(row)
            done.recorded.append(p)
        else:
            done.confirmed.append(p)
        row.status, row.confirmed_at, row.confirmed_by = "confirmed", now, by[:64]
        done.fen += row.amount_fen
    session.flush()
    if done.changed:
        done.told = tell_confirmed(session, member, done.changed, done.fen, f"支部书记{by}", now)
    return done


def tell_confirmed(session: Session, member: Member, periods: list[str], fen: int, by: str,
                   now: dt.datetime) -> bool:
    """Tell the member their dues for ``periods`` are on record (``by``: 支部书记王某, 支部党费台账);
    a reminder not yet delivered is withdrawn. Returns whether they were told by WeChat."""
    withdraw(session, member.id, REMINDER_PURPOSE, "党费已确认")
    if not member.openid:
        return False
    text = (f"您{months.written_runs(periods)}的党费（共{yuan(fen)}）{by}已确认，记为已交。谢谢！"
            "发“党费”可以查看交纳情况。")
    enqueue(session, openid=member.openid, member_id=member.id, payload=Text(text), purpose=CONFIRMED_PURPOSE,
            idempotency_key=f"{CONFIRMED_PURPOSE}:{member.id}:{'+'.join(periods)}:{now.isoformat()}", now=now)
    return True


def members_named(session: Session, org_ids: set[int], name: str, phone_hint: str | None) -> list[Member]:
    """Members named ``name`` in ``org_ids``, in roster order; ``phone_hint`` (the phone or its
    last digits) narrows them."""
    found = list(session.scalars(select(Member).where(Member.name == name, Member.branch_id.in_(org_ids))
                                 .order_by(Member.id)))
    return [m for m in found if (m.phone or "").endswith(phone_hint)] if phone_hint else found
