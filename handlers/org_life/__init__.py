"""组织生活 (org_life)."""
from __future__ import annotations

from handlers.context import Context, Incoming
from handlers.people import who_to_contact
from handlers.replies import Reply, TextReply

INTENT = "org_life"
USAGE = "开会 —— 组织生活安排和请假"
OFFER = ("了解组织生活安排、怎么请假", "开会")
PUBLIC = False
# Routing (see handlers.nlu.lexicon): meetings — attending, leave, check-in (the code is a slot).
KEYWORDS: dict[str, float] = {
    "开会": 3, "会议": 3, "党日": 4, "组织生活": 4, "三会一课": 4, "签到": 4, "请假": 3,
    "请个假": 3, "党员大会": 4, "支部大会": 4, "线上会": 3, "的会": 2, "会开": 2, "会": 1,
    "参加": 1, "党课": 3, "代签": 2, "补学": 2, "参加不了": 1.5, "去不了": 1.5, "网断了": 1.5,
    "支部会": 3, "小组会": 3, "党小组": 2.5, "评议会": 3, "民主评议": 3, "例会": 2.5, "参会": 3,
}
# Asking whether a meeting is coming: 有会吗, 最近有啥会要开吗, 这周开不开会
PATTERNS: dict[str, float] = {r"有(?:没有)?(?:啥|什么|个)?会(?:要开|开)?(?:吗|没|不)|开不开会|啥时候开会": 3}
SYNONYMS: dict[str, str] = {"生获": "生活", "声活": "生活", "签倒": "签到", "签道": "签到",
                            "前到": "签到", "开汇": "开会"}


def handle(msg: Incoming, ctx: Context) -> Reply:
    """Meetings are run by the branch: say how mobile members take part and ask for leave. A
    check-in code (签到 4827, the router's ``checkin_code`` slot) is acknowledged and sent on to a
    person: attendance is not recorded by chat yet, and a code the member sent must not vanish."""
    code = ctx.route.slots.get("checkin_code") if ctx.route else None
    if code:
        return TextReply(f"收到您的签到码 {code}。线上签到还在准备中，这次请把签到码告诉主持会议的支部书记，"
                         f"由支部登记出席。{who_to_contact(ctx)}")
    return TextReply("“三会一课”和主题党日的时间、线上参加方式由支部通知；实在参加不了，请提前向支部"
                     f"请假。想问下次组织生活的安排，{who_to_contact(ctx)}")
