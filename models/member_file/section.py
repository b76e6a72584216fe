"""What one part of a member file (一人一档) is: a titled list of lines computed from the
database, the same for the member's "我的档案" and the secretary's ``kiteline member show``."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from models.clock import SHANGHAI
from models.member import Member

# (session, the member, now — aware UTC) -> the section's lines, plain text, phones masked.
Lines = Callable[[Session, Member, dt.datetime], list[str]]


@dataclass(frozen=True)
class Section:
    """``key`` (stable, for tests and for views that leave a section out), ``title`` (shown as
    【title】) and ``lines``."""

    key: str
    title: str
    lines: Lines

    def render(self, session: Session, member: Member, now: dt.datetime) -> str:
        """``【title】line`` for one line, else the title and one line under it per line."""
        lines = self.lines(session, member, now)
        if len(lines) == 1:
            return f"【{self.title}】{lines[0]}"
        return "\n".join([f"【{self.title}】", *lines])


def local_date(moment: dt.datetime | None) -> str:
    """``2026-11-29``: the Beijing date of an aware ``moment`` (``""`` for ``None``)."""
    return f"{moment.astimezone(SHANGHAI):%Y-%m-%d}" if moment is not None else ""
