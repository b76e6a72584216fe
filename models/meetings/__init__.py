"""Organisational life (组织生活): a branch's meetings (三会一课, 主题党日, 组织生活会) and each
member's attendance — checked in with the meeting's code, or on leave.

- ``meeting``: the tables (``meetings``, ``meeting_attendance``) and the kinds' names;
- ``fields``: a meeting's fields as staff write them (kind, start, code, place or link);
- ``schedule``: adding meetings, check-in windows, codes, the next meetings of a branch;
- ``attendance``: checking in (签到) and asking for leave (请假);
- ``notices``: the notice, the reminder and the secretary's leave notice through the outbox;
- ``sheet_import``: ``kiteline import meetings``;
- ``record``: a member's year (我的档案, the ledger export) and absences;
- ``report``: each meeting's attended / leave / absent (``kiteline report meetings``);
- ``wording``: how a meeting reads in notices and replies.
"""
from models.meetings.meeting import KIND_NAMES, KINDS, Attendance, Meeting

__all__ = ["KINDS", "KIND_NAMES", "Attendance", "Meeting"]
