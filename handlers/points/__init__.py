"""积分 (points): 我的积分 — the member's balance, this month's points by rule, the newest
entries, claims still waiting for review and how to earn more (``models.points``); 积分排名 —
the branches' totals of this month, never a ranking of people."""
from __future__ import annotations

import re

from sqlalchemy import select

from handlers.capability import Intent, Offer
from handlers.context import Context, Incoming
from handlers.nlu.policy import Routing
from handlers.points.vocabulary import VOCABULARY
from handlers.replies import Reply, TextReply
from models.clock import SHANGHAI, month_bounds
from models.org import Organization
from models.org_tree import subtree_of
from models.points import standing
from models.points.report import points_report
from models.points.rules import RULE_NAMES, how_to_earn

NAME = "points"

# Asking how they rank (积分排名, 排行榜, 我排第几): answered with the branches' totals.
RANKING = re.compile(r"排名|排行|名次|积分榜|第几名|排第几|谁.{0,4}(?:最多|最高)")
# At most this many branches are listed (a township may have dozens).
BRANCHES_SHOWN = 12


def handle(msg: Incoming, ctx: Context) -> Reply:
    """积分排名: branch totals; anything else about points: 我的积分."""
    if RANKING.search(msg.text or ""):
        return _branch_totals(ctx)
    return _my_points(ctx)


def _my_points(ctx: Context) -> Reply:
    now = ctx.clock.now()
    mine = standing(ctx.session, ctx.card.id, now)
    month = now.astimezone(SHANGHAI).month
    if mine.month:
        # in the order the rules are read (RULE_NAMES), not as the database grouped them
        order = [*RULE_NAMES, *sorted(set(mine.month) - set(RULE_NAMES))]
        earned = "、".join(f"{RULE_NAMES.get(rule, rule)} {mine.month[rule]} 分" for rule in order if rule in mine.month)
        this_month = f"本月（{month}月）得了 {mine.month_total} 分：{earned}。"
    else:
        this_month = f"本月（{month}月）还没有得分。"
    lines = [f"您现在共有 {mine.balance} 分，{this_month}" if mine.recent else "您现在还没有积分。"]
    if mine.recent:
        lines.append("最近的积分：")
        for entry in mine.recent:
            local = entry.created_at.astimezone(SHANGHAI)
            lines.append(f"· {local.month}月{local.day}日 {RULE_NAMES.get(entry.rule, entry.rule)} {entry.delta:+d} 分")
    if mine.pending:
        lines.append(f"还有 {len(mine.pending)} 件志愿服务申报在等审核（{'、'.join(mine.pending[:3])}），"
                     "审核通过后记入积分。")
    ways = how_to_earn(ctx.settings.points)
    if ways:
        lines.append("怎么得积分：")
        lines += [f"· {way}" for way in ways]
    lines.append("积分不公开个人排名，发“积分排名”可以看各支部的积分。")
    return TextReply("\n".join(lines))


def _branch_totals(ctx: Context) -> Reply:
    """This month's points of the branches of the member's township (or of their branch alone)."""
    branch = ctx.member.branch
    townships = [org for org in branch.path() if org.kind == "township"]
    org_ids = subtree_of(ctx.session, {townships[-1].id}) if townships else {branch.id}
    names = dict(ctx.session.execute(select(Organization.id, Organization.name).where(
        Organization.id.in_(org_ids), Organization.kind == "branch")).all())
    local = ctx.clock.now().astimezone(SHANGHAI)
    report = points_report(ctx.session, org_ids, *month_bounds(local.year, local.month), names=names)
    rows = sorted(report.branches, key=lambda b: (-b.total, b.branch_id))
    listed = [f"· {b.branch}{'（您的支部）' if b.branch_id == branch.id else ''}：{b.total} 分（{b.members} 名党员）"
              for b in rows[:BRANCHES_SHOWN]]
    more = f"\n还有 {len(rows) - BRANCHES_SHOWN} 个支部没有列出。" if len(rows) > BRANCHES_SHOWN else ""
    where = f"{townships[-1].name}各支部" if townships else branch.name
    return TextReply("积分不排个人名次：每个人的积分只有自己看得到，大家一起为支部争光。\n"
                     f"{where}{local.month}月的积分：\n" + "\n".join(listed) + more
                     + "\n您自己的积分，发“我的积分”查看。")


INTENT = Intent(name=NAME, usage="积分 —— 积分怎么算、怎么查", offer=Offer("了解积分怎么算、怎么查", "积分"),
                public=False, vocabulary=VOCABULARY,
                routing=Routing(),
                handle=handle)
