"""The member file's full history and the ledger record in full, for the secretary's terminal
view (``kiteline member show``): phones in full, as in the branch's own ledger."""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.clock import SHANGHAI
from models.member import AWAY_REASON_NAMES, STATUS_NAMES, Liaison, Member, MemberChange
from models.org import Organization

# MemberChange.field -> the ledger's word for it.
FIELD_NAMES = {
    "name": "姓名", "gender": "性别", "phone": "手机号", "branch_id": "所属党支部", "status": "状态",
    "joined_party_on": "入党时间", "away_since": "外出时间", "away_reason": "外出原因",
    "current_province": "流动去向（省）", "current_city": "流动去向（市）", "current_district": "流动去向（区县）",
    "employer": "工作单位", "note": "备注", "liaison_id": "红色联络员", "openid": "微信",
}
# MemberChange.source -> who made it, in words.
SOURCE_NAMES = {"chat": "本人聊天", "import": "台账导入", "console": "后台", "scheduler": "系统",
                "verification": "定期核查"}
# Sources whose ``changed_by`` says more than the source: the ledger file's name, the console user.
NAMED_BY = ("import", "console")


def phone_in(who: str) -> str | None:
    """``who`` as the digits of a phone when it is one (138-0000-1234, 138 0000 1234, full-width
    digits → ``13800001234``), else ``None`` (a name)."""
    digits = re.sub(r"[\s-]", "", unicodedata.normalize("NFKC", who))
    return digits if digits.isdigit() else None


def find_members(session: Session, who: str, org_ids: set[int] | None = None) -> list[Member]:
    """Members whose phone (11 digits, written any way: 138-0000-1234, full-width) or name is
    ``who``, within ``org_ids`` when given, in roster order."""
    phone = phone_in(who)
    name = unicodedata.normalize("NFKC", who).strip()
    condition = Member.phone == phone if phone is not None else Member.name == name
    query = select(Member).where(condition).order_by(Member.branch_id, Member.id)
    if org_ids is not None:
        query = query.where(Member.branch_id.in_(org_ids))
    return list(session.scalars(query))


def ledger_lines(member: Member) -> list[str]:
    """Every ledger field of ``member``, phone in full; 未登记 for what the ledger lacks."""
    reason = AWAY_REASON_NAMES.get(member.away_reason, member.away_reason) if member.away_reason else ""
    liaison = member.liaison.member if member.liaison is not None else None
    fields = [
        ("姓名", member.name), ("性别", member.gender), ("手机号", member.phone),
        ("所属党支部", member.branch.name), ("入党时间", member.joined_party_on),
        ("状态", STATUS_NAMES.get(member.status, member.status)), ("外出时间", member.away_since),
        ("外出原因", reason), ("流动去向", member.destination(sep="")), ("工作单位", member.employer),
        ("备注", member.note), ("红色联络员", f"{liaison.name} {liaison.phone or ''}".strip() if liaison else ""),
        ("微信", "已绑定" if member.openid else "未绑定"),
    ]
    return [f"{label}：{'未登记' if value is None or value == '' else value}" for label, value in fields]


def changes_of(session: Session, member: Member) -> Sequence[MemberChange]:
    """Every recorded change to ``member``, oldest first."""
    return session.scalars(select(MemberChange).where(MemberChange.member_id == member.id)
                           .order_by(MemberChange.changed_at, MemberChange.id)).all()


def history_lines(session: Session, member: Member) -> list[str]:
    """One line per change: Beijing time, field, old → new (branch and liaison by name, the
    WeChat binding as 绑定 / 解除绑定), who made it (the import's file, the console user)."""
    changes = changes_of(session, member)
    names = _names(session, changes)
    lines = []
    for c in changes:
        old, new = names(c.field, c.old_value), names(c.field, c.new_value)
        when = f"{c.changed_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}"
        who = SOURCE_NAMES.get(c.source, c.source)
        if c.source in NAMED_BY and c.changed_by:
            who += f" {c.changed_by}"
        lines.append(f"{when}  {FIELD_NAMES.get(c.field, c.field)}：{old or '（空）'} → {new or '（空）'}  （{who}）")
    return lines


def _names(session: Session, changes: Sequence[MemberChange]):
    """A reader of stored values that puts names on ids (branch, liaison) and hides openids."""
    # .all(): dict() of a Result would take it for a mapping (it has keys()) and fail
    ids = {field: {int(v) for c in changes if c.field == field for v in (c.old_value, c.new_value)
                   if v and v.isdigit()} for field in ("branch_id", "liaison_id")}
    branches = dict(session.execute(select(Organization.id, Organization.name)
                                    .where(Organization.id.in_(ids["branch_id"]))).all()) if ids["branch_id"] else {}
    liaisons = dict(session.execute(select(Liaison.id, Member.name).join(Member, Member.id == Liaison.member_id)
                                    .where(Liaison.id.in_(ids["liaison_id"]))).all()) if ids["liaison_id"] else {}

    def read(field: str, value: str | None) -> str | None:
        if value is None:
            return None
        if field == "openid":
            return "已绑定"
        if field in ("status", "away_reason"):
            return {**STATUS_NAMES, **AWAY_REASON_NAMES}.get(value, value)
        table = {"branch_id": branches, "liaison_id": liaisons}.get(field)
        return table.get(int(value), value) if table is not None and value.isdigit() else value
    return read
