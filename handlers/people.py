"""The sentence that sends a member to a person: their red liaison, their branch, the hotline.

Every capability that people handle for now ends its reply with this, so the member always has a
name and a number to call next (issue 2: "never an error, always who to contact").
"""
from __future__ import annotations

from handlers.context import Context


def hotline(ctx: Context) -> str:
    """``服务热线 0471-12345678（工作日 9:00-17:30）`` from ``district`` in config."""
    district = ctx.settings.district
    return f"服务热线 {district.service_hotline}（{district.service_hours}）"


def who_to_contact(ctx: Context) -> str:
    """``请联系您的红色联络员李某（电话 13800000001），也可以拨打服务热线 …。``

    Falls back to the branch's phone, then to the hotline alone (e.g. before binding)."""
    c = ctx.contacts
    if c.liaison_name and c.liaison_phone:
        first = f"请联系您的红色联络员{c.liaison_name}（电话 {c.liaison_phone}）"
    elif c.liaison_name:
        first = f"请联系您的红色联络员{c.liaison_name}"
    elif c.branch_name and c.branch_phone:
        first = f"请联系{c.branch_name}（电话 {c.branch_phone}）"
    else:
        return f"请拨打{hotline(ctx)}。"
    return f"{first}，也可以拨打{hotline(ctx)}。"
