"""How the outbox's messages fared, in words a branch secretary can act on: counts by purpose
and status, and every message that needs a person (``kiteline report delivery``, the
secretary's daily digest).

Needs attention: ``failed`` (refused for good, or every retry spent), ``dropped`` (the reader
unfollowed; not a row withdrawn as no longer needed), ``unknown`` (a lesson whose outcome was lost, not sent again), and claims whose
dispatcher is gone (recovered at the next round of any dispatcher). Phones are masked
(DESIGN.md §5).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.clock import SHANGHAI
from models.delivery.claims import stale_claims
from models.delivery.errcodes import BUSY, NOT_FOLLOWING, TEMPLATE_CONTENT
from models.delivery.outbox import IN_FLIGHT, OutboxMessage
from models.delivery.purposes import PURPOSES, purpose_name
from models.delivery.queue import WITHDRAWN
from models.member import Member, mask_phone

STATUS_NAMES = {"pending": "待发送", "deferred": "暂缓（等对方发消息）", "claimed": "已领取", "sending": "发送中",
                "sent": "已发送", "unknown": "结果未知", "failed": "失败", "dropped": "未送达",
                "on_request": "等对方回复“学习”领取"}
ATTENTION = ("failed", "dropped", "unknown")


@dataclass(frozen=True)
class Recipient:
    """Who a message was for, as a report shows them: name, masked phone, branch name."""

    name: str
    phone: str
    branch: str
    branch_id: int | None


def reason(row: OutboxMessage) -> str:
    """Why ``row`` did not arrive (or may not have), in plain Chinese."""
    error = row.last_error or ""
    code = int(match[1]) if (match := re.match(r"(-?\d+) ", error)) else None
    if row.status in IN_FLIGHT:
        return "发送途中程序停止，下一轮发送会自动处理"
    if row.status == "unknown":
        return "发出后没等到微信答复，可能已送到，为免重复没有再发"
    if row.status == "dropped" and error.startswith(WITHDRAWN):
        return f"不再需要，没有发送：{error.removeprefix(WITHDRAWN)}"
    if row.status == "dropped":
        return "对方的微信没有关注公众号" if code == NOT_FOLLOWING else "对方已取消关注公众号"
    if code == TEMPLATE_CONTENT:
        return "模板内容不合微信规定（每项不超过20字、不能换行）"
    if code is not None and code != BUSY:
        return f"微信拒绝发送（错误码 {code}）"
    if error.startswith("ValueError"):
        return "消息内容有误，请联系技术人员"
    return f"微信接口繁忙或网络不通，试了{row.attempts}次仍未发出"


def recipient(session: Session, row: OutboxMessage) -> Recipient:
    """The member ``row`` was for (by ``member_id``, else by its openid), or the follower."""
    member = session.get(Member, row.member_id) if row.member_id else session.scalar(
        select(Member).where(Member.openid == row.openid))
    if member is None:
        return Recipient("未绑定的关注者", row.openid[:8] + "…", "（不明）", None)
    return Recipient(member.name, mask_phone(member.phone), member.branch.name, member.branch_id)


def local_time(at: dt.datetime, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return at.astimezone(SHANGHAI).strftime(fmt)



def _scoped(query, org_ids: set[int] | None):
    if org_ids is None:
        return query
    return query.join(Member, Member.id == OutboxMessage.member_id).where(Member.branch_id.in_(org_ids))


def counts(session: Session, since: dt.datetime, org_ids: set[int] | None = None) -> list[tuple[str, str, int]]:
    """``(purpose, status, n)`` for rows queued since ``since``, in the declared purpose order."""
    query = _scoped(select(OutboxMessage.purpose, OutboxMessage.status, func.count())
                    .where(OutboxMessage.created_at >= since), org_ids)
    found = session.execute(query.group_by(OutboxMessage.purpose, OutboxMessage.status)).all()
    order = list(PURPOSES) + sorted({p for p, _, _ in found} - set(PURPOSES))
    return sorted(((p, s, n) for p, s, n in found),
                  key=lambda r: (order.index(r[0]), list(STATUS_NAMES).index(r[1]) if r[1] in STATUS_NAMES else 99))


def needing_attention(session: Session, since: dt.datetime, org_ids: set[int] | None = None) -> list[OutboxMessage]:
    """Rows queued since ``since`` that failed, were dropped or have an unknown outcome, and
    claims whose dispatcher is gone; oldest first."""
    query = _scoped(select(OutboxMessage).where(
        OutboxMessage.created_at >= since, OutboxMessage.status.in_(ATTENTION),
        # A row withdrawn as no longer needed wants nobody's attention.
        OutboxMessage.last_error.is_(None) | OutboxMessage.last_error.not_like(WITHDRAWN + "%")), org_ids)
    rows = list(session.scalars(query))
    stale = [r for r in stale_claims(session) if r.created_at >= since]
    if org_ids is not None:
        stale = [r for r in stale if recipient(session, r).branch_id in org_ids]
    return sorted(rows + stale, key=lambda r: (r.created_at, r.id))


def attention_line(session: Session, row: OutboxMessage) -> str:
    """One row needing attention on one line: when, what, to whom, tries, why."""
    who = recipient(session, row)
    return (f"{local_time(row.created_at)}  {purpose_name(row.purpose)}  {who.name} {who.phone}  {who.branch}  "
            f"{STATUS_NAMES.get(row.status, row.status)}  尝试{row.attempts}次 重发{row.resends}次  "
            f"{reason(row)}（{row.last_error or '无记录'}）")
