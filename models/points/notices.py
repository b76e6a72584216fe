"""What the people on a volunteer activity claim are told through the outbox: the reviewer of a
new claim (``activity_claim``: at least once; a template at once when their window is closed,
the full text on their next message) and the member of the decision (``activity_decision``: at
least once; deferred to their next message when their window is closed — no template)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from models.clock import SHANGHAI
from models.delivery.payloads import TemplateNotice, Text
from models.delivery.queue import enqueue
from models.member import Member
from models.points.claim import ActivityClaim
from models.points.reviewers import Reviewer
from models.points.rules import caps_text
from models.settings import PointsSettings

REVIEW_PURPOSE = "activity_claim"
DECISION_PURPOSE = "activity_decision"
# A long report is cut in the notices (the claim keeps all of it): a notice stays well inside
# a customer-service text's 2048 bytes.
QUOTED_CHARS = 300
SHORT_CHARS = 20


def quoted(text: str, limit: int = QUOTED_CHARS) -> str:
    """``text`` in quotes, cut to ``limit`` characters with an ellipsis."""
    return f"“{text if len(text) <= limit else text[:limit] + '…'}”"


def review_text(claim: ActivityClaim, member: Member) -> str:
    """What the reviewer reads: who, how to call them, what they did, how to decide by chat."""
    return (f"【志愿服务待审核 {claim.number}】{member.branch.name}党员{member.name}"
            f"（电话 {member.phone or '未登记'}）报：{quoted(claim.text)}。核实后请回复“审核 {claim.number} 通过”；"
            f"不属实请回复“审核 {claim.number} 不通过 理由”，我会告诉本人。")


def queue_review_notice(session: Session, claim: ActivityClaim, reviewer: Reviewer, *, now: dt.datetime,
                        template_id: str) -> None:
    """Queue the notice of ``claim`` for ``reviewer`` (bound to WeChat): the full text, or the
    template ``template_id`` when their window is closed (fields ≤ 20 characters, no line
    breaks: thing1 who, character_string2 number, time3 when, thing4 what to do). The key
    ``activity_claim:<number>`` makes it once per claim."""
    member = claim.member
    values = {"thing1": f"{member.name}申报志愿服务", "character_string2": claim.number,
              "time3": claim.created_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"),
              "thing4": "请核实后回复审核结果"}
    fallback = TemplateNotice(template_id, {k: v[:SHORT_CHARS] for k, v in values.items()})
    enqueue(session, openid=reviewer.member.openid, member_id=reviewer.member.id,
            payload=Text(review_text(claim, member), fallback=fallback), purpose=REVIEW_PURPOSE,
            idempotency_key=f"{REVIEW_PURPOSE}:{claim.number}", now=now)


def decision_text(claim: ActivityClaim, reviewer: Member, awarded: int, points: PointsSettings) -> str:
    """What the member reads once ``reviewer`` decided ``claim`` (``awarded``: the points
    approval earned)."""
    what = f"您报的志愿服务（编号 {claim.number}：{quoted(claim.text, SHORT_CHARS)}）"
    if claim.status == "rejected":
        said = f"{reviewer.name}说：{claim.reason}。" if claim.reason else ""
        return (f"{what}没有通过审核。{said}有疑问可以直接联系{reviewer.name}"
                f"（电话 {reviewer.phone or '未登记'}）。")
    remark = f"{reviewer.name}说：{claim.reason}。" if claim.reason else ""
    if awarded:
        earned = f"记入积分 {awarded} 分。{remark}谢谢您为家乡、为身边人做的好事！发“我的积分”可以查看。"
    elif points.each("activity") > 0 and (caps := caps_text(points, "activity")):
        earned = f"志愿服务积分已经到上限（{caps}），这次没有再加分。{remark}谢谢您为家乡、为身边人做的好事！"
    else:
        earned = f"{remark}谢谢您为家乡、为身边人做的好事！"
    return f"{what}{reviewer.name}审核通过了，{earned}"


def queue_decision_notice(session: Session, claim: ActivityClaim, reviewer: Member, awarded: int, *,
                          now: dt.datetime, points: PointsSettings) -> bool:
    """Queue the member's notice of the decision on ``claim``; ``False`` when the member has no
    WeChat now (someone phones them)."""
    member = claim.member
    if not member.openid:
        return False
    enqueue(session, openid=member.openid, member_id=member.id,
            payload=Text(decision_text(claim, reviewer, awarded, points)), purpose=DECISION_PURPOSE,
            idempotency_key=f"{DECISION_PURPOSE}:{claim.number}", now=now)
    return True
