"""How a member's details read in a reply: the destination (浙江 宁波), and the lines confirming
exactly what was stored (流动去向：浙江 宁波 / 工作单位：顺丰物流 / 外出原因：务工).

One place for the wording, so a single-message change, the guided dialog and "我的信息" say the
same thing the same way."""
from __future__ import annotations

from models.member import Member
from models.member_history import EMPTY, value_text

STATUS_FIELD = "status"
DESTINATION_FIELDS = frozenset({"current_city", "current_province", "current_district"})
# How to change something else, after telling a member that what they said is already on file.
CHANGE_SOMETHING_ELSE = "要改别的，直接把新的发给我，例如“我在宁波”；想一项一项改，发“更新信息”。"
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
    """One line per changed field of ``fields``, values as now stored: codes in words, the phone
    masked (138****5678) — it was read back in full before it was stored, and replies are no
    place for a whole number (STYLE: phones masked in replies)."""
    lines = []
    if STATUS_FIELD in fields:
        lines.append(f"状态：{value_text('status', member.status)}")
    if DESTINATION_FIELDS & fields and member.status != "returned":
        lines.append(f"流动去向：{place(member)}{unlisted_note(member)}")
    lines += [f"{label}：{value_text(field, getattr(member, field))}"
              for field, label in DETAIL_FIELDS if field in fields]
    return "\n".join(lines)


def already(member: Member, fields: frozenset[str]) -> str:
    """What a member who said again what is on file is told, naming exactly the details of
    ``fields`` they repeated (``外出原因已经是务工，不用改。``), the phone masked, then how to change
    something else. ``fields``: the destination fields and those of :data:`DETAIL_FIELDS`."""
    said = [f"流动去向已经是{place(member)}"] if DESTINATION_FIELDS & fields else []
    said += [f"{label}已经是{value_text(field, getattr(member, field))}"
             for field, label in DETAIL_FIELDS if field in fields]
    return f"{'，'.join(said)}，{'都' if len(said) > 1 else ''}不用改。\n{CHANGE_SOMETHING_ELSE}"
