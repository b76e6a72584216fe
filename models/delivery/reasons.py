"""Why a message did not arrive (or may not have), in words a branch secretary can act on.

A row that ends ``failed``, ``dropped`` or ``unknown`` — or waits, ``deferred`` — gets
:func:`reason_of` in ``outbox.reason`` when it settles (:mod:`models.delivery.outcomes`,
:mod:`models.delivery.claims`); ``last_error`` keeps the technical code beside it (``43004
require subscribe``, ``ReadTimeout: …``). Reports and the secretary's digest show both.
"""
from __future__ import annotations

import re

from models.delivery.errcodes import BUSY, NOT_FOLLOWING, TEMPLATE_CONTENT
from models.delivery.outbox import IN_FLIGHT, OutboxMessage
from models.delivery.queue import WITHDRAWN

# ``last_error`` prefixes and phrases written by kiteline itself (not WeChat).
NO_TOKEN = "no access token"
ENDED_WHILE_SENDING = "ended while sending"  # models.delivery.claims.recover_stale
UNANSWERED = "outcome unknown"  # models.delivery.outcomes.unknown_outcome
WINDOW_SPENT = "window budget spent"  # models.delivery.channels.choose
# Statuses a row may rest in that a person may need to hear about.
EXPLAINED = ("failed", "dropped", "unknown", "deferred")


def errcode_of(error: str | None) -> int | None:
    """WeChat's error code at the start of ``last_error`` (``45047 out of …``), if any."""
    match = re.match(r"(-?\d+) ", error or "")
    return int(match[1]) if match else None


def reason_of(row: OutboxMessage) -> str:
    """Why ``row`` did not arrive, in plain Chinese (its status, ``last_error`` and tries)."""
    error, tries = row.last_error or "", row.attempts
    code = errcode_of(error)
    if row.status in IN_FLIGHT:
        return "发送途中程序停止，下一轮发送会自动处理"
    if row.status == "deferred" and error == WINDOW_SPENT:
        return "这次互动可发的客服消息条数已用完，等他下次发消息"
    if row.status == "deferred":
        return "48小时内未互动，等他下次发消息"
    if row.status == "unknown":
        if ENDED_WHILE_SENDING in error:
            return "发送途中程序中断，可能已送到，为免重复没有再发"
        return "发出后没等到微信答复，可能已送到，为免重复没有再发"
    if row.status == "dropped" and error.startswith(WITHDRAWN):
        return f"不再需要，没有发送：{error.removeprefix(WITHDRAWN)}"
    if row.status == "dropped":
        return "对方的微信没有关注公众号" if code == NOT_FOLLOWING else "对方已取消关注公众号"
    if code == TEMPLATE_CONTENT:
        return "模板内容不合微信规定（每项不超过20字、不能换行）"
    if code == BUSY:
        return f"微信接口暂时繁忙，已重试{tries}次仍失败"
    if code is not None:
        return f"微信拒绝发送（错误码 {code}）"
    if error.startswith("ValueError"):
        return "消息内容有误，请联系技术人员"
    if error.startswith(NO_TOKEN):
        return f"取不到微信接口凭证（access_token），已重试{tries}次仍失败"
    if UNANSWERED in error:
        return f"发出后一直没等到微信答复，已重发{tries}次仍失败"
    return f"连不上微信接口（网络不通），已重试{tries}次仍失败"


def explain(row: OutboxMessage) -> None:
    """Set ``row.reason`` for the status it is left in (cleared when it needs none)."""
    row.reason = reason_of(row) if row.status in EXPLAINED else None
