"""A member's thought reports in the member file (一人一档, ``models.member_file``): how many
this Beijing year, the latest one's date and whether it was read."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.clock import SHANGHAI
from models.member import Member
from models.thought_reports.report import ThoughtReport


def file_lines(session: Session, member: Member, now: dt.datetime) -> list[str]:
    """``今年交了 2 篇；最近一篇 2026-11-29（S20261129001），王某已阅`` — or how to hand one in."""
    year_start = dt.datetime(now.astimezone(SHANGHAI).year, 1, 1, tzinfo=SHANGHAI)
    this_year = session.scalar(select(func.count()).select_from(ThoughtReport).where(
        ThoughtReport.member_id == member.id, ThoughtReport.submitted_at >= year_start))
    latest = session.scalars(select(ThoughtReport).where(ThoughtReport.member_id == member.id)
                             .order_by(ThoughtReport.id.desc()).limit(1)).first()
    if latest is None:
        return ["还没有交过（发“思想汇报”就能交）"]
    read = f"{latest.acknowledger.name}已阅" if latest.acknowledged_at else "待阅"
    return [f"今年交了 {this_year} 篇；最近一篇 {latest.submitted_at.astimezone(SHANGHAI):%Y-%m-%d}（{latest.number}），{read}"]
