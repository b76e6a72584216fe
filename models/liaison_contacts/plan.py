"""The monthly contact plan (定时联系): each red liaison is sent the list of their mobile
members nobody has got in touch with for ``liaison.contact_days`` days.

A liaison's members are those assigned to them (``members.liaison_id``) who are away (在外流动:
the 1+N scheme is for mobile members), themself left out. A member is due when the contact log
(``models.liaison_contacts.log``) has nothing for them since ``days`` ago; the list puts the
longest-forgotten first — never contacted, then the oldest contact. The list is a notice
(purpose ``contact_plan``, at least once): a customer-service text while the liaison's window is
open, else at once as a template message and the full list on their next message. One per
liaison and month (Beijing time): a rerun, a second scheduler or a clock jump queues nothing
twice. A liaison who has not bound WeChat is logged (WARNING) and gets nothing.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from itertools import groupby

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from models.clock import SHANGHAI
from models.delivery.payloads import TemplateNotice, Text, numbered_list
from models.delivery.queue import enqueue
from models.delivery.report import local_time
from models.liaison_contacts.log import last_contact_at
from models.member import Liaison, Member, mask_phone

PLAN_PURPOSE = "contact_plan"
log = logging.getLogger(__name__)


def due_members(session: Session, days: int, now: dt.datetime) -> list[Row]:
    """Rows (``liaison_id``, ``id``, ``name``, ``phone``, ``current_province``, ``current_city``,
    ``current_district``, ``last``: their latest contact or ``None``) of the away members
    assigned to a liaison with no contact in the last ``days`` days, grouped by liaison, never
    contacted first, then the oldest contact first."""
    last = last_contact_at()
    query = (select(Member.liaison_id, Member.id, Member.name, Member.phone, Member.current_province,
                    Member.current_city, Member.current_district, last.c.at.label("last"))
             .join(Liaison, Liaison.id == Member.liaison_id)
             .outerjoin(last, last.c.member_id == Member.id)
             .where(Member.status == "away", Member.id != Liaison.member_id,
                    last.c.at.is_(None) | (last.c.at < now - dt.timedelta(days=days)))
             # is_not(None) sorts False (never contacted) before True on SQLite and PostgreSQL alike.
             .order_by(Member.liaison_id, last.c.at.is_not(None), last.c.at, Member.id))
    return list(session.execute(query))


def queue_contact_plans(session: Session, now: dt.datetime, *, days: int, template_id: str) -> int:
    """Queue each liaison's list of members due a contact (:func:`due_members`), once per
    liaison and month. Returns how many lists were queued or already queued this month. The
    caller commits."""
    month = now.astimezone(SHANGHAI).strftime("%Y-%m")
    queued = 0
    for liaison_id, group in groupby(due_members(session, days, now), key=lambda r: r.liaison_id):
        members = list(group)
        liaison = session.get(Liaison, liaison_id)
        person = liaison.member
        if not person.openid:
            log.warning("contact plan: liaison (member %s, phone %s) has %d members to contact and has "
                        "not bound WeChat; no list was sent", person.id, mask_phone(person.phone), len(members))
            continue
        enqueue(session, openid=person.openid, member_id=person.id,
                payload=Text(plan_text(members, now, days),
                             fallback=plan_template(liaison, len(members), days, now, template_id)),
                purpose=PLAN_PURPOSE, idempotency_key=f"{PLAN_PURPOSE}:{person.id}:{month}", now=now)
        queued += 1
    return queued


def plan_text(members: Sequence[Row], now: dt.datetime, days: int) -> str:
    """The list: a heading, then one numbered line per member — name, masked phone, where they
    are, since when nobody got in touch — within :data:`models.delivery.payloads.LIST_MAX_BYTES`;
    members that do not fit are counted at the end."""
    heading = (f"【定时联系】您联系的党员中，以下{len(members)}人超过{days}天没有联系记录，请抽空打个电话或走访。"
               "联系后发“联系 姓名 情况”记一笔，如“联系 张某 电话聊了工作情况”：")
    lines = (f"{m.name}（{mask_phone(m.phone) or '无手机号'}），{_place(m)}，{_since(m.last, now)}" for m in members)
    return numbered_list(heading, lines, len(members),
                         lambda left: f"\n另有{left}人未列出，联系了上面的党员后，下月的名单会列出他们。")


def plan_template(liaison: Liaison, count: int, days: int, now: dt.datetime, template_id: str) -> TemplateNotice:
    """The list as a template message for a liaison whose window is closed (fields ≤ 20
    characters, no line breaks)."""
    values = {"thing1": f"{count}名党员{days}天未联系", "thing2": liaison.branch.name,
              "time3": local_time(now), "thing4": "回复任意消息查看名单"}
    return TemplateNotice(template_id, {k: v[:20] for k, v in values.items()})


def _place(m: Row) -> str:
    parts = [m.current_province, m.current_city, m.current_district]
    return "".join(p for i, p in enumerate(parts) if p and p not in parts[:i]) or "去向未登记"


def _since(last: dt.datetime | None, now: dt.datetime) -> str:
    if last is None:
        return "还没有联系记录"
    day = last.astimezone(SHANGHAI).date()
    return f"上次联系{day.month}月{day.day}日（{(now.astimezone(SHANGHAI).date() - day).days}天前）"
