"""Party dues (党费, GLOSSARY ``DuesPayment``: period ``YYYY-MM``, amounts in fen).

- ``records``: the entities — ``DuesPayment`` (one per member and month: confirmed, or pending
  on the member's word) and ``DuesStandard`` (月缴纳标准 and the first month owed here);
- ``months``, ``amounts``: months and yuan as people write them;
- ``standing``: paid, pending and owed months of a member, for chat, file, reminder and export;
- ``reports``: a member's 我交了, the secretary's 确认党费, who is told;
- ``sheet``, ``sheet_import``: ``kiteline import dues FILE`` (imported from there, not here: the
  sheet's reading brings openpyxl, which a web worker never needs);
- ``reminders``: the monthly reminder; ``ledger``: the export's 党费 column.
"""
from models.dues.records import DUES_SOURCES, DUES_STATUSES, DuesPayment, DuesStandard
from models.dues.reminders import bound_with_standard, remind_batch
from models.dues.reports import (
    CONFIRM_COMMAND,
    CONFIRMED_PURPOSE,
    REMINDER_PURPOSE,
    REPORT_PURPOSE,
    Confirmed,
    Reported,
    channel_named,
    confirm,
    members_named,
    report_paid,
)
from models.dues.standing import Standing, standing, standings

__all__ = [
    "CONFIRMED_PURPOSE", "CONFIRM_COMMAND", "Confirmed", "DUES_SOURCES", "DUES_STATUSES",
    "DuesPayment", "DuesStandard", "REMINDER_PURPOSE", "REPORT_PURPOSE", "Reported", "Standing",
    "bound_with_standard", "channel_named", "confirm", "members_named", "remind_batch",
    "report_paid", "standing", "standings",
]
