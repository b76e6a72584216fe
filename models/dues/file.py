"""The member file's 党费 section (一人一档, ``models.member_file``): the standard, paid through
which month, the months owed and those waiting for the secretary."""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from models.dues import months
from models.dues.amounts import yuan
from models.dues.standing import Standing, standing
from models.member import Member


def dues_lines(session: Session, member: Member, now: dt.datetime) -> list[str]:
    """The section's lines: said plainly when the branch keeps no dues here."""
    mine = standing(session, member.id, now)
    if not mine.kept:
        return ["支部还没有在这里登记党费，交纳情况请问支部"]
    return [f"月缴纳标准 {yuan(mine.standard_fen)}，{paid_through(mine)}", owed_line(mine),
            *([f"{months.written_runs(mine.pending)}本人报已交，待支部书记确认"] if mine.pending else [])]


def paid_through(mine: Standing) -> str:
    """``已交至2026年9月``; when the first month owed is unpaid, ``2026年8月起还没交齐`` if a later
    month is paid (the lines after it name them), else ``2026年8月起还没有交纳记录``."""
    through = mine.paid_through
    if through:
        return f"已交至{months.written(through)}"
    later_paid = any(month > mine.since for month in mine.paid)
    return f"{months.written(mine.since)}起{'还没交齐' if later_paid else '还没有交纳记录'}"


def owed_line(mine: Standing) -> str:
    """``还欠2026年10月至11月，共2个月25元`` or ``没有欠费``."""
    if not mine.owed:
        return "没有欠费"
    return f"还欠{months.written_runs(mine.owed)}，共{len(mine.owed)}个月{yuan(mine.owed_fen)}"
