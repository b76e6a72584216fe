"""The member file (一人一档): everything on one member, as a list of sections.

Each section (``models.member_file.section.Section``) is a title and a function
``(session, member, now) -> lines``; :data:`SECTIONS` lists them in the order shown. A record
kind added later (dues, meetings, thought reports) replaces its placeholder here with
its own function, one line, and nothing else changes. The member reads the file by chat
("我的档案", ``handlers.member_file``), the secretary with ``kiteline member show``.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from models.dues.file import dues_lines
from models.meetings.record import file_lines as meeting_lines
from models.member import Member
from models.member_file.info import info_lines, liaison_lines
from models.member_file.records import (
    contact_lines,
    help_lines,
    points_lines,
    study_lines,
    transfer_lines,
)
from models.member_file.section import Section
from models.thought_reports.summary import file_lines as thought_report_lines

# Shown in this order. Placeholders say plainly what is not kept yet.
SECTIONS: tuple[Section, ...] = (
    Section("info", "基本信息", info_lines),
    Section("liaison", "红色联络员", liaison_lines),
    Section("contact", "联络员联系", contact_lines),
    Section("study", "本月学习", study_lines),
    Section("help", "求助", help_lines),
    Section("transfer", "组织关系转接", transfer_lines),
    Section("points", "积分", points_lines),
    Section("dues", "党费", dues_lines),
    Section("org_life", "组织生活", meeting_lines),
    Section("thought_report", "思想汇报", thought_report_lines),
)


def render(session: Session, member: Member, now: dt.datetime, leave_out: tuple[str, ...] = ()) -> list[str]:
    """Each section of :data:`SECTIONS` rendered (``【标题】…``), except those whose key is in
    ``leave_out``."""
    return [section.render(session, member, now) for section in SECTIONS if section.key not in leave_out]


__all__ = ["SECTIONS", "Section", "render"]
