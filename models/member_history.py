"""A member's change history read back: the changes newest first, grouped as they were made,
in the words members and staff read (流动去向：深圳 → 苏州（本人（微信））). When the member last
confirmed their record is ``models.verification.freshness.last_verified_at``.

For chat ("我的信息" shows the last few), the member file and the secretary's terminal view
alike; phones are masked unless the caller is the branch's own ledger view (``mask=False``).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.clock import SHANGHAI
from models.member import (
    AWAY_REASON_NAMES,
    STATUS_NAMES,
    Liaison,
    Member,
    MemberChange,
    mask_phone,
)
from models.org import Organization

FIELD_NAMES = {
    "name": "姓名", "gender": "性别", "phone": "手机号", "branch_id": "所属党支部", "status": "状态",
    "joined_party_on": "入党时间", "away_since": "外出时间", "away_reason": "外出原因",
    "current_province": "流动去向", "current_city": "流动去向", "current_district": "流动去向",
    "employer": "工作单位", "note": "备注", "liaison_id": "红色联络员", "openid": "微信绑定",
}
DESTINATION = ("current_province", "current_city", "current_district")
EMPTY = "未登记"


@dataclass(frozen=True)
class HistoryEntry:
    """The changes made at one moment by one hand: ``at`` (UTC), ``source``, ``changed_by``
    (``None`` for changes recorded before it was kept) and ``lines`` (one per field, destination
    fields as one: ``流动去向：深圳 → 苏州``)."""

    at: dt.datetime
    source: str
    changed_by: str | None
    lines: tuple[str, ...]


def changes_of(session: Session, member_id: int, limit: int | None = None) -> list[MemberChange]:
    """The member's ``MemberChange`` rows, newest first (``limit`` of them when given)."""
    query = (select(MemberChange).where(MemberChange.member_id == member_id)
             .order_by(MemberChange.changed_at.desc(), MemberChange.id.desc()))
    return list(session.scalars(query.limit(limit) if limit else query))


def history(session: Session, member: Member, *, entries: int | None = None, mask: bool = True) -> list[HistoryEntry]:
    """The member's history as :class:`HistoryEntry` values, newest first: the last ``entries``
    of them when given. Phones are masked (138****1234) unless ``mask`` is false."""
    rows = changes_of(session, member.id)
    grouped: list[list[MemberChange]] = []
    for row in rows:
        if grouped and (grouped[-1][0].changed_at, grouped[-1][0].source, grouped[-1][0].changed_by) == (
                row.changed_at, row.source, row.changed_by):
            grouped[-1].append(row)
        elif entries is not None and len(grouped) == entries:
            break
        else:
            grouped.append([row])
    names = _names(session, [r for group in grouped for r in group])
    return [HistoryEntry(g[0].changed_at, g[0].source, g[0].changed_by, _lines(g, names, mask)) for g in grouped]


def who(entry: HistoryEntry, member: Member) -> str:
    """Who made ``entry``, as the member and staff read it: 本人（微信）, 台账导入（白杨村.xlsx）,
    定期核查, 后台（用户名）, 系统."""
    if entry.source == "chat":
        return "本人（微信）" if entry.changed_by in (None, member.openid) else "微信（已解绑的账号）"
    if entry.source == "verification":
        return "定期核查"
    if entry.source == "import":
        return f"台账导入（{entry.changed_by}）" if entry.changed_by else "台账导入"
    if entry.source == "console":
        return f"后台（{entry.changed_by}）" if entry.changed_by else "后台"
    return "系统"


def entry_text(entry: HistoryEntry, member: Member) -> str:
    """One entry on one line: ``2026年11月29日 流动去向：深圳 → 苏州（本人（微信））``."""
    return f"{day_text(entry.at)} {'；'.join(entry.lines)}（{who(entry, member)}）"


def day_text(moment: dt.datetime) -> str:
    """A moment as the day in Beijing: ``2026年11月29日``."""
    local = moment.astimezone(SHANGHAI)
    return f"{local.year}年{local.month}月{local.day}日"


def month_text(day: dt.date | None) -> str:
    """An ``away_since`` / ``joined_party_on`` date as the ledger keeps it: ``2023年3月`` (the
    day too when it is not the 1st); :data:`EMPTY` for none."""
    if day is None:
        return EMPTY
    return f"{day.year}年{day.month}月" + (f"{day.day}日" if day.day != 1 else "")


def value_text(field: str, value: object, *, mask: bool = True) -> str:
    """A field's value as members read it: codes in words (务工, 在外流动), dates as months,
    phones masked unless ``mask`` is false; :data:`EMPTY` for none."""
    if value is None or value == "":
        return EMPTY
    if field == "phone":
        return mask_phone(str(value)) if mask else str(value)
    if field == "status":
        return STATUS_NAMES.get(str(value), str(value))
    if field == "away_reason":
        return AWAY_REASON_NAMES.get(str(value), str(value))
    if field in ("away_since", "joined_party_on"):
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
        return month_text(day)
    return str(value)


def _lines(group: list[MemberChange], names: dict[tuple[str, str], str], mask: bool) -> tuple[str, ...]:
    by_field = {c.field: c for c in reversed(group)}
    lines = []
    place = [by_field[f] for f in DESTINATION if f in by_field]
    if place:
        old = " ".join(dict.fromkeys(c.old_value for c in place if c.old_value)) or EMPTY
        new = " ".join(dict.fromkeys(c.new_value for c in place if c.new_value)) or EMPTY
        lines.append(f"流动去向：{old} → {new}")
    for field, change in by_field.items():
        if field in DESTINATION:
            continue
        if field == "openid":
            lines.append("解除微信绑定" if change.new_value is None else "绑定微信")
            continue
        old, new = (names.get((field, v or ""), v) for v in (change.old_value, change.new_value))
        lines.append(f"{FIELD_NAMES.get(field, field)}：{value_text(field, old, mask=mask)} → "
                     f"{value_text(field, new, mask=mask)}")
    return tuple(lines)


def _names(session: Session, rows: list[MemberChange]) -> dict[tuple[str, str], str]:
    """(field, stored id) → a name, for the liaison and branch ids in ``rows``."""
    ids = {f: {int(v) for r in rows if r.field == f for v in (r.old_value, r.new_value) if v and v.isdigit()}
           for f in ("liaison_id", "branch_id")}
    names: dict[tuple[str, str], str] = {}
    if ids["liaison_id"]:
        for liaison_id, name in session.execute(select(Liaison.id, Member.name).join(Member, Member.id == Liaison.member_id)
                                                .where(Liaison.id.in_(ids["liaison_id"]))):
            names[("liaison_id", str(liaison_id))] = name
    if ids["branch_id"]:
        for org_id, name in session.execute(select(Organization.id, Organization.name)
                                            .where(Organization.id.in_(ids["branch_id"]))):
            names[("branch_id", str(org_id))] = name
    return names
