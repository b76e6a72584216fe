"""``kiteline import meetings FILE``: a branch's (or township's) list of meetings, as kept in Excel
or CSV — 所属党支部, 会议类型, 会议主题, 开始时间 (or 会议日期 and 时间), 会议地点, 会议链接,
签到码 — read as forgivingly as the org file (``models.org_file``: the header found in the first
20 rows, its usual words, full-width digits, Excel dates and times).

All or nothing: every bad row is named with its reason and, while there is one, the caller
stores nothing (it rolls back). A meeting is matched by branch, kind and Beijing day: importing
again updates what changed and adds nothing twice. Members of the branch are sent the notice of
each new meeting, and again when its time, place or link changes (``models.meetings.notices``).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from models.clock import SHANGHAI
from models.ledger import CellError, header_text, is_footer, quoted, unused_headers
from models.ledger_report import RowNote
from models.meetings.fields import (
    branches,
    find_branch,
    parse_code,
    parse_kind,
    parse_start,
    parse_title,
    parse_where,
)
from models.meetings.meeting import Meeting
from models.meetings.notices import queue_notices
from models.meetings.schedule import (
    add_meeting,
    check_code,
    codes_in_use,
    same_day,
    set_start,
)
from models.meetings.wording import day_and_time, named
from models.org_file import BRANCH_WORDS, header_row
from models.org_tree import BranchResolver
from models.places import clean
from models.settings import OrgLifeSettings

# Column -> header words naming it (the cleaned header, brackets dropped, starts with one).
HEADER_WORDS: dict[str, tuple[str, ...]] = {
    "kind": ("会议类型", "会议类别", "会议种类", "类型", "类别"),
    "title": ("会议主题", "会议名称", "会议内容", "主题", "名称", "标题", "内容"),
    "date": ("会议日期", "召开日期", "日期"),
    "start": ("开始时间", "会议时间", "召开时间", "时间"),
    "place": ("会议地点", "召开地点", "地点", "地址"),
    "link": ("线上会议链接", "线上链接", "会议链接", "链接", "线上会议", "线上参加", "腾讯会议", "会议号"),
    "code": ("签到码", "签到号", "签到密码"),
    "branch": BRANCH_WORDS,
}
REQUIRED = {"branch": "所属党支部", "kind": "会议类型"}


@dataclass
class MeetingImportReport:
    """What an import did: meetings ``added`` and ``changed`` (lines naming them), how many
    ``unchanged``; ``notified``: notices queued; ``errors``: rows that stopped it (nothing
    stored); ``unused_columns``: headers not read."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: int = 0
    notified: int = 0
    errors: list[RowNote] = field(default_factory=list)
    unused_columns: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """The report printed to staff, in Chinese."""
        if self.errors:
            return "\n".join([f"会议没有导入：有问题的行 {len(self.errors)} 行。为免只导入一半，其他行也没有写入；"
                              "请改正以下各行后重新导入：", *(f"  {note}" for note in self.errors)])
        lines = [f"会议导入完成：新增 {len(self.added)} 个，更新 {len(self.changed)} 个，无变化 {self.unchanged} 个；"
                 f"通知 {self.notified} 人次（党员下次发消息前窗口已关的，随下条消息送达）。"]
        if self.added:
            lines += ["新增的会议（签到码请在会上公布）：", *(f"  {line}" for line in self.added)]
        if self.changed:
            lines += ["更新的会议：", *(f"  {line}" for line in self.changed)]
        if self.unused_columns:
            lines.append("未识别的列（未导入）：" + "、".join(self.unused_columns))
        return "\n".join(lines)


@dataclass
class _Row:
    number: int
    org_id: int
    kind: str
    title: str
    starts_at: dt.datetime
    place: str | None
    link: str | None
    code: str | None


def import_meetings(session: Session, rows: Sequence[Sequence[object]], *, now: dt.datetime,
                    created_by: str, org_life: OrgLifeSettings, dry_run: bool = False) -> MeetingImportReport:
    """Read ``rows`` (``models.org_file.read_org_rows``) and store them; branches are found as
    the ledger finds them (never created). ``created_by``: the file's name. ``dry_run``: the
    caller rolls back, so a code drawn here is not the one the import will draw — the report
    says it is drawn at import instead of showing one staff might announce. Returns the
    report; with ``errors`` in it the caller must roll back. Raises :class:`CellError` for an
    empty file or one without a usable header."""
    header_index, columns = header_row(rows, HEADER_WORDS, (), phone_of={}, required=REQUIRED)
    if not {"start", "date"} & set(columns.values()):
        raise CellError(f"第{header_index + 1}行是表头，但缺少“开始时间”列（请加上这一列、填好后重新导入）")
    header = rows[header_index]
    report = MeetingImportReport(unused_columns=unused_headers(header, columns))
    headers = {key: header_text(header[col]) for col, key in columns.items()}
    resolver = branches(session)
    read: list[_Row] = []
    for number, cells in enumerate(rows[header_index + 1:], start=header_index + 2):
        if is_footer(cells):
            continue
        fields = {key: cells[col] for col, key in columns.items() if col < len(cells)}
        try:
            read.append(_read(number, fields, headers, resolver))
        except CellError as exc:
            report.errors.append(RowNote(number, quoted(clean(fields.get("title"))) or None, str(exc)))
    if not read and not report.errors:
        raise CellError(f"第{header_index + 1}行是表头，但下面没有任何会议")
    _check_repeats(read, report, now, org_life)
    if not report.errors:
        _store(session, read, report, now, created_by, org_life, dry_run)
    report.errors.sort(key=lambda note: note.row)
    return report


def _read(number: int, fields: dict[str, object], headers: dict[str, str], resolver: BranchResolver) -> _Row:
    """One row read; one CellError naming every problem of the row."""
    problems, values = [], {}
    for key, read in (("org_id", lambda: find_branch(resolver, fields.get("branch"))),
                      ("kind", lambda: parse_kind(fields.get("kind"))),
                      ("starts_at", lambda: parse_start(fields.get("date"), fields.get("start"))
                       if "date" in headers else parse_start(fields.get("start"))),
                      ("where", lambda: parse_where(fields.get("place"), fields.get("link"))),
                      ("code", lambda: parse_code(fields.get("code")))):
        try:
            values[key] = read()
        except CellError as exc:
            problems.append(str(exc))
    if problems:
        raise CellError("；".join(problems))
    title = parse_title(fields.get("title"), values["kind"])
    place, link = values.pop("where")
    return _Row(number, title=title, place=place, link=link, **values)


def _check_repeats(read: list[_Row], report: MeetingImportReport, now: dt.datetime, org_life: OrgLifeSettings) -> None:
    """A file naming one meeting twice, or giving two meetings not yet over one code: both rows named."""
    meetings: dict[tuple, int] = {}
    codes: dict[str, int] = {}
    for row in read:
        key = (row.org_id, row.kind, row.starts_at.astimezone(SHANGHAI).date())
        if key in meetings:
            report.errors.append(RowNote(row.number, row.title, f"与第{meetings[key]}行是同一个会议（同一支部同一天的同类会议），请只留一行"))
        meetings.setdefault(key, row.number)
        if row.code and row.starts_at + org_life.closes >= now:
            if row.code in codes:
                report.errors.append(RowNote(row.number, row.title, f"签到码 {row.code} 与第{codes[row.code]}行重复，请换一个"))
            codes.setdefault(row.code, row.number)


def _store(session: Session, read: list[_Row], report: MeetingImportReport, now: dt.datetime, created_by: str,
           org_life: OrgLifeSettings, dry_run: bool) -> None:
    reserved = {row.code for row in read if row.code}
    for row in read:
        try:
            existing = same_day(session, row.org_id, row.kind, row.starts_at)
            if existing is None:
                meeting = add_meeting(session, org_id=row.org_id, kind=row.kind, title=row.title,
                                      starts_at=row.starts_at, place=row.place, link=row.link, code=row.code,
                                      created_by=created_by, now=now, org_life=org_life, reserved=reserved)
                report.added.append(_line(meeting, drawn=dry_run and not row.code))
            elif _update(session, existing, row, now, org_life):
                meeting = existing
                report.changed.append(_line(meeting))
            else:
                report.unchanged += 1
                continue
        except CellError as exc:
            report.errors.append(RowNote(row.number, row.title, str(exc)))
            continue
        report.notified += queue_notices(session, meeting, now)


def _update(session: Session, meeting: Meeting, row: _Row, now: dt.datetime, org_life: OrgLifeSettings) -> bool:
    """Bring ``meeting`` to what ``row`` says; ``True`` when anything changed. A new time, place
    or link makes a new version of the notice."""
    if row.code and row.code != meeting.code and row.starts_at + org_life.closes >= now:
        check_code(row.code, codes_in_use(session, now, but=meeting.id))
    told = (meeting.starts_at, meeting.place, meeting.link)
    before = (*told, meeting.title, meeting.code)
    meeting.title, meeting.place, meeting.link = row.title, row.place, row.link
    if row.starts_at != meeting.starts_at:
        set_start(meeting, row.starts_at, org_life)
    meeting.code = row.code or meeting.code
    if (meeting.starts_at, meeting.place, meeting.link) != told:
        meeting.notice_version += 1
    session.flush()
    return (meeting.starts_at, meeting.place, meeting.link, meeting.title, meeting.code) != before


def _line(meeting: Meeting, drawn: bool = False) -> str:
    code = "签到码正式导入时自动生成" if drawn else f"签到码 {meeting.code}"
    return f"{day_and_time(meeting.starts_at)} {meeting.org.name} {named(meeting)} {code}"
