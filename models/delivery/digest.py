"""The branch secretary's daily digest: the notices and answers of their branch that never
arrived (status ``failed`` or ``dropped``), so a person can phone whoever missed one.

Each row is listed once (``reported_at``). The digest is itself a notice (purpose
``delivery_digest``, at least once): a customer-service text while the secretary's window is
open, else at once as a template message (fields ≤ 20 characters, no line breaks — 模板消息
rules) and the full list on their next message. The secretary is the branch's
``secretary_name`` / ``secretary_phone`` as a bound member on the roster; a branch without one
is logged as an ERROR and its rows stay unreported (``kiteline report delivery`` lists them).
"""
from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.clock import SHANGHAI
from models.delivery.outbox import OutboxMessage
from models.delivery.payloads import TemplateNotice, Text, numbered_list
from models.delivery.purposes import PURPOSES, Guarantee, purpose_name
from models.delivery.queue import enqueue
from models.delivery.report import local_time, reason, recipient
from models.member import Member
from models.org import Organization

DIGEST_PURPOSE = "delivery_digest"
FAILED_FOR_GOOD = ("failed", "dropped")
log = logging.getLogger(__name__)


def notice_purposes() -> list[str]:
    """Purposes a digest reports: the at-least-once notices and answers, not digests."""
    return [p for p, spec in PURPOSES.items()
            if spec.guarantee is Guarantee.AT_LEAST_ONCE and p != DIGEST_PURPOSE]


def secretary_of(session: Session, branch: Organization) -> Member | None:
    """The branch's secretary as a bound roster member (name and phone as the branch names
    them), or ``None``."""
    if not branch.secretary_name or not branch.secretary_phone:
        return None
    return session.scalars(select(Member).where(
        Member.name == branch.secretary_name, Member.phone == branch.secretary_phone,
        Member.openid.is_not(None)).order_by(Member.branch_id != branch.id, Member.id)).first()


def queue_digests(session: Session, now: dt.datetime, template_id: str) -> int:
    """Queue one digest per branch with unreported failed notices; mark the rows reported.
    Returns how many digests were queued. The caller commits."""
    rows = session.scalars(select(OutboxMessage).where(
        OutboxMessage.status.in_(FAILED_FOR_GOOD), OutboxMessage.reported_at.is_(None),
        OutboxMessage.purpose.in_(notice_purposes())).order_by(OutboxMessage.created_at, OutboxMessage.id))
    by_branch: dict[int | None, list[OutboxMessage]] = defaultdict(list)
    for row in rows:
        by_branch[recipient(session, row).branch_id].append(row)
    queued = 0
    for branch_id, items in by_branch.items():
        branch = session.get(Organization, branch_id) if branch_id is not None else None
        secretary = secretary_of(session, branch) if branch is not None else None
        if secretary is None:
            log.error("delivery digest: %s has %d notices that never arrived and no secretary bound to "
                      "WeChat to tell (organizations.secretary_name/secretary_phone); see "
                      "`kiteline report delivery`", branch.name if branch else "no branch known",
                      len(items))
            continue
        text = digest_text(session, branch, items, now)
        enqueue(session, openid=secretary.openid, member_id=secretary.id,
                payload=Text(text, fallback=digest_template(branch, len(items), now, template_id)),
                purpose=DIGEST_PURPOSE, idempotency_key=f"{DIGEST_PURPOSE}:{branch.id}:{items[-1].id}", now=now)
        for row in items:
            row.reported_at = now
        queued += 1
    return queued


def digest_text(session: Session, branch: Organization, items: list[OutboxMessage], now: dt.datetime) -> str:
    """The digest: a heading, then one numbered line per row (when, what, to whom, why), within
    :data:`models.delivery.payloads.LIST_MAX_BYTES`; rows that do not fit are counted at the end."""
    day = now.astimezone(SHANGHAI).date()
    heading = (f"【通知未送达汇总】{branch.name} {day.month}月{day.day}日，有{len(items)}条通知没有送到，"
               "请电话转告本人：")
    lines = (f"{local_time(row.created_at, '%m-%d %H:%M')} {purpose_name(row.purpose)}，"
             f"收件人{who.name}（{who.phone}）：{reason(row)}"
             for row in items for who in (recipient(session, row),))
    return numbered_list(heading, lines, len(items), lambda left: f"\n另有{left}条未列出，请找区里查看发送报告。")


def digest_template(branch: Organization, count: int, now: dt.datetime, template_id: str) -> TemplateNotice:
    """The digest as a template message for a secretary whose window is closed."""
    values = {"thing1": f"{count}条通知未送达", "thing2": branch.name, "time3": local_time(now),
              "thing4": "回复任意消息查看明细"}
    return TemplateNotice(template_id, {k: v[:20] for k, v in values.items()})
