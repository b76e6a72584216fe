"""How a member's details read in a reply: the destination (浙江 宁波), and the lines confirming
exactly what was stored (流动去向：浙江 宁波 / 工作单位：顺丰物流 / 外出原因：务工).

One place for the wording, so a single-message change, the guided dialog and "我的信息" say the
same thing the same way."""
from __future__ import annotations

from models.member import Member
from models.member_history import EMPTY, value_text

STATUS_FIELD = "status"
DESTINATION_FIELDS = frozenset({"current_city", "current_province", "current_district"})
# Confirmed in this order, after the status and the destination.
DETAIL_FIELDS = (("phone", "手机号"), ("employer", "工作单位"), ("away_reason", "外出原因"),
                 ("away_since", "外出时间"))


def place(member: Member) -> str:
    """The destination as one line (``广东 深圳 福田区``, ``北京``), or 未登记."""
    return member.destination() or EMPTY


def unlisted_note(member: Member) -> str:
    """What a member whose destination the place list does not know is told (empty otherwise)."""
    if not member.place_unlisted:
        return ""
    return f"（“{member.current_city}”不在我们的地名表里，已照您写的登记，支部会核实。）"


def describe(member: Member, fields: frozenset[str]) -> str:
    """One line per changed field of ``fields``, values as now stored: the phone in full (the
    member reads back their own number to check it), codes in words."""
    lines = []
    if STATUS_FIELD in fields:
        lines.append(f"状态：{value_text('status', member.status)}")
    if DESTINATION_FIELDS & fields and member.status != "returned":
        lines.append(f"流动去向：{place(member)}{unlisted_note(member)}")
    lines += [f"{label}：{value_text(field, getattr(member, field), mask=False)}"
              for field, label in DETAIL_FIELDS if field in fields]
    return "\n".join(lines)


def on_file(member: Member) -> str:
    """The destination and phone on file, in one sentence."""
    return f"您现在登记的流动去向是：{place(member)}，手机号：{member.phone or EMPTY}。"
