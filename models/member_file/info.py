"""The file's first sections: what is on the ledger (phone masked) with when it was last
confirmed, and the member's red liaison."""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from models.contacts import contacts_for
from models.member import AWAY_REASON_NAMES, STATUS_NAMES, Member, mask_phone
from models.member_file.section import local_date
from models.verification.freshness import last_verified_at


def info_lines(session: Session, member: Member, now: dt.datetime) -> list[str]:
    """Branch, status (and since when away), destination, employer, reason, phone (masked)
    and the last confirmation."""
    status = STATUS_NAMES.get(member.status, member.status)
    if member.status == "away" and member.away_since:
        status += f"（{member.away_since.year}年{member.away_since.month}月外出）"
    lines = [f"所属党支部：{member.branch.name}", f"状态：{status}"]
    if member.destination():
        lines.append(f"流动去向：{member.destination(sep='')}")
    if member.employer:
        lines.append(f"工作单位：{member.employer}")
    if member.away_reason:
        lines.append(f"外出原因：{AWAY_REASON_NAMES.get(member.away_reason, member.away_reason)}")
    lines.append(f"手机号：{mask_phone(member.phone) or '未登记'}")
    verified = last_verified_at(session, member.id)
    lines.append(f"最近核实：{local_date(verified) if verified else '还没有核实记录'}")
    return lines


def liaison_lines(session: Session, member: Member, now: dt.datetime) -> list[str]:
    """The member's red liaison and how to call them, or that none is named yet."""
    c = contacts_for(session, member)
    if c.liaison_name:
        return [f"{c.liaison_name}" + (f"（电话 {c.liaison_phone}）" if c.liaison_phone else "")]
    phone = f"（电话 {c.branch_phone}）" if c.branch_phone else ""
    return [f"还没有安排，有事请联系{c.branch_name}{phone}"]
