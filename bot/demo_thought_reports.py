"""The demo district's thought reports (思想汇报), so ``serve --demo`` shows them: the first
branch's first member handed one in last quarter, which the branch secretary read with a
comment; its second member handed one in this quarter, waiting for the secretary (待阅). Every
word is invented."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.member import Member
from models.points import award
from models.settings import PointsSettings
from models.thought_reports import ThoughtReport, period_of
from models.thought_reports.filing import RULE, SOURCE_KIND, next_number

# (days before the demo was loaded, text, the secretary's comment or None: not read yet)
REPORTS = [
    (100, "这个季度我在深圳的物流园上班，白天分拣、晚上值班。虽然离家远，但每周都抽时间打开学习资料，"
          "学习了新修订的纪律处分条例，对照检查自己在工作中有没有松懈的地方。今后要在班组里带好头，"
          "主动帮新来的工友熟悉流程，也请组织多监督。", "写得很实在，在外也不忘学习，继续保持！"),
    (6, "本季度在包头的工地做钢筋工。工地上党员不多，我主动参加了项目部的安全生产宣讲，"
        "学了“被拖欠工资怎么办”的微课，给几位工友讲了怎么依法维权。思想上有时会松一松，"
        "以后要坚持每周学习，按时参加支部的线上组织生活。", None),
]


def load_thought_reports(session: Session, branch_members: list[Member], now: dt.datetime,
                         points: PointsSettings) -> int:
    """Hand in :data:`REPORTS` for the first members of ``branch_members`` (one branch's, its
    secretary named by the branch), with their points; returns how many. The caller commits."""
    for member, (days, text, comment) in zip(branch_members, REPORTS):
        when = now - dt.timedelta(days=days)
        branch = member.branch
        secretary = session.scalar(select(Member).where(Member.name == branch.secretary_name,
                                                        Member.phone == branch.secretary_phone))
        report = ThoughtReport(number=next_number(session, when), member_id=member.id, text=text,
                               period=period_of(when), submitted_at=when)
        if comment is not None:
            report.acknowledged_by, report.acknowledged_at, report.comment = secretary.id, when + dt.timedelta(days=2), comment
        session.add(report)
        session.flush()
        award(session, member.id, RULE, SOURCE_KIND, report.id, when, points=points)
    return len(REPORTS)
