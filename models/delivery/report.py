"""How the outbox's messages fared, in words a branch secretary can act on: counts by purpose
and status, and every message that needs a person (``kiteline report delivery``, the
secretary's daily digest).

Needs attention: ``failed`` (refused for good, or every retry spent), ``dropped`` (the reader
unfollowed; not a row withdrawn as no longer needed), ``unknown`` (a lesson whose outcome was lost, not sent again), and claims whose
dispatcher is gone (recovered at the next round of any dispatcher). Phones are masked
(DESIGN.md §5). One row's tries, each with WeChat's answer: :func:`attempt_line`.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.clock import SHANGHAI
from models.delivery.attempts import OK, OutboxAttempt
from models.delivery.claims import stale_claims
from models.delivery.outbox import IN_FLIGHT, OutboxMessage
from models.delivery.purposes import PURPOSES, purpose_name
from models.delivery.queue import WITHDRAWN
from models.delivery.reasons import reason_of
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
    """Why ``row`` did not arrive (or may not have), in plain Chinese: the reason stored when it
    settled, else worked out from its status and error now (a row settled before reasons were
    stored, or still in flight)."""
    return row.reason if row.reason and row.status not in IN_FLIGHT else reason_of(row)


def attempt_line(attempt: OutboxAttempt) -> str:
    """One try at a row on one line: number, when (Beijing time), channel, WeChat's answer in
    words and as its code, who tried."""
    when = local_time(attempt.started_at, "%Y-%m-%d %H:%M:%S")
    if attempt.ended_at is None:
        answer = "已发出，没有收到答复（进程中断）"
    elif attempt.meaning == OK:
        answer = "微信已接收（错误码 0）"
    else:
        code = f"错误码 {attempt.errcode}" if attempt.errcode is not None else "无错误码"
        answer = f"{MEANING_NAMES.get(attempt.meaning, attempt.meaning)}（{code}：{attempt.description or ''}）"
    channel = CHANNEL_NAMES.get(attempt.channel, attempt.channel)
    return f"第{attempt.number}次  {when}  {channel}  {answer}  发送进程 {attempt.holder}"


MEANING_NAMES = {"window_closed": "对方48小时内未互动", "unfollowed": "对方已取消关注",
                 "token_stale": "接口凭证过期", "transient": "微信接口暂时繁忙或网络不通",
                 "unknown": "没等到微信答复", "daily_quota": "今日调用次数已用完", "refused": "微信拒绝发送"}
CHANNEL_NAMES = {"custom": "客服消息", "template": "模板消息"}


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
