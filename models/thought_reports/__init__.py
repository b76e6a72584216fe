"""Thought reports (思想汇报): a member's written report to their party organisation.

- ``report``: the table (``thought_reports``) and the quarter a report counts for;
- ``limits``: what may be stored (``thought_report.min_chars`` / ``max_chars``);
- ``filing``: handing one in (numbered ``S20261129001``, points, the reader told) and 阅;
- ``readers``: who is sent a report and who may acknowledge it;
- ``notices``: what the reader and the member are told through the outbox;
- ``reminders``: the quarterly reminder to members with no report;
- ``summary``: the member file's lines.
"""
from models.thought_reports.filing import (
           Filed,
           acknowledge,
           report_numbered,
           reports_of,
           submit,
           unread_in,
)
from models.thought_reports.limits import Fault, Refusal, refusal
from models.thought_reports.report import ThoughtReport, period_name, period_of

__all__ = ["Fault", "Filed", "Refusal", "ThoughtReport", "acknowledge", "period_name", "period_of", "refusal",
           "report_numbered", "reports_of", "submit", "unread_in"]
