"""积分 (points). kiteline keeps study points only (``models.study_points``: a lesson's first
opening through its reading link, within a daily cap); the branch keeps the rest, so the reply
gives a bound member this month's study points and says whom to ask for the others."""
from __future__ import annotations

from handlers.capability import Intent, Offer
from handlers.context import Context, Incoming
from handlers.nlu.policy import Routing
from handlers.people import who_to_contact
from handlers.points.vocabulary import VOCABULARY
from handlers.replies import Reply, TextReply
from models.clock import SHANGHAI, month_bounds
from models.study_points import study_points

NAME = "points"


def handle(msg: Incoming, ctx: Context) -> Reply:
    """This month's study points (Beijing month) when bound and study earns points; who keeps
    the other points."""
    rule, cap = ctx.settings.points.rules.get("study", 0), ctx.settings.points.daily_cap["study"]
    if ctx.card is None or rule <= 0:
        return TextReply("学习、参加组织生活和志愿服务都可以积分。积分查询还在准备中，"
                         f"想知道现在的积分，{who_to_contact(ctx)}")
    local = ctx.clock.now().astimezone(SHANGHAI)
    earned = study_points(ctx.session, ctx.card.id, *month_bounds(local.year, local.month))
    return TextReply(f"您{local.month}月的学习积分：{earned} 分（每打开一篇新的学习资料得 {rule} 分，每天最多 {cap} 分）。"
                     f"参加组织生活和志愿服务的积分由支部记录，想知道，{who_to_contact(ctx)}")


INTENT = Intent(name=NAME, usage="积分 —— 积分怎么算、怎么查", offer=Offer("了解积分怎么算、怎么查", "积分"),
                public=False, vocabulary=VOCABULARY,
                routing=Routing(),
                handle=handle)
