"""Importing a lesson list (``kiteline import lessons``) into the library: every row checked, all
or nothing, a re-import updating what changed and never adding a lesson twice.

A row's identity is its 编号 (``Lesson.code``); a row without one is the lesson with its link.
A row with a new 编号 whose link is a stored lesson without a code gives that lesson its code
(a library first imported without codes keeps its lessons). A column the file does not have
leaves what is stored; an empty cell in a column it has clears it (the file is the lesson as
the district wants it), except 编号: a row without one never removes a lesson's code. New
lessons go after the library's last in file order (``Lesson.sequence``). The caller commits (or,
for a dry run or a report with errors, rolls back).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from models.hanzi import book_title
from models.ledger import CellError
from models.lesson import Lesson, LessonTarget
from models.lesson_file import (
    LessonFile,
    parse_category,
    parse_code,
    parse_duration,
    parse_list,
    parse_media_type,
    parse_published,
    parse_summary,
    parse_tags,
    parse_title,
    parse_url,
)
from models.lesson_orgs import OrgNames
from models.places import clean

# Stored fields as the report names a change.
FIELD_NAMES = {"code": "编号", "title": "标题", "category": "类别", "summary": "简介", "url": "链接",
               "media_type": "类型", "duration_seconds": "时长", "tags": "标签", "published_on": "发布日期",
               "targets": "面向组织"}
# File column -> the stored field it sets.
COLUMN_FIELDS = {"code": "code", "title": "title", "category": "category", "summary": "summary", "url": "url",
                 "media_type": "media_type", "duration": "duration_seconds", "tags": "tags",
                 "published_on": "published_on", "targets": "targets"}
LISTED = 20  # changed lessons the report names before it only counts


@dataclass
class LessonNote:
    """One bad row: its number, the unit (行 for a sheet, 条 for YAML), the title when it has
    one, the reason. ``str()`` gives ``第5行（劳动合同五要点）：类别“党史”不认识…``."""

    number: int
    unit: str
    title: str | None
    reason: str

    def __str__(self) -> str:
        who = f"（{self.title}）" if self.title else ""
        return f"第{self.number}{self.unit}{who}：{self.reason}"


@dataclass
class LessonImportReport:
    """What an import did (``added`` / ``updated`` / ``unchanged`` lessons; ``changes``: one
    line per updated lesson naming what changed), or, with ``errors``, why nothing was."""

    unit: str = "行"
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    changes: list[str] = field(default_factory=list)
    errors: list[LessonNote] = field(default_factory=list)
    unused_columns: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """The report printed to district staff, in Chinese, one item a line."""
        if self.errors:
            lines = [f"有 {len(self.errors)} {self.unit}需要改正，学习资料一篇也没有导入："]
            lines += [f"  {note}" for note in self.errors]
            lines.append("请改正后重新导入同一个文件（整个文件一起导入，不会重复）。")
            return "\n".join(lines)
        lines = [f"学习资料导入完成：新增 {self.added} 篇，更新 {self.updated} 篇，无变化 {self.unchanged} 篇。"]
        if self.changes:
            lines.append("更新的资料：")
            lines += [f"  {line}" for line in self.changes[:LISTED]]
            if len(self.changes) > LISTED:
                lines.append(f"  ……等 {len(self.changes)} 篇")
        if self.unused_columns:
            lines.append("未识别的列（未导入）：" + "、".join(self.unused_columns)
                         + "；可导入的列：编号、标题、类别、简介、链接、类型、时长、标签、发布日期、面向组织")
        return "\n".join(lines)


def import_lessons(session: Session, source: LessonFile, *, now: dt.datetime) -> LessonImportReport:
    """Check every row of ``source`` (``models.lesson_file.read_lesson_file``) and, when none
    has a problem, store them: new lessons added (``created_at`` = ``now``), changed ones
    updated. Returns the report; with ``errors`` in it nothing was stored."""
    report = LessonImportReport(unit=source.unit, unused_columns=source.unused_columns)
    orgs = OrgNames(session) if "targets" in source.columns else None
    rows = _checked_rows(source, orgs, report)
    stored = list(session.scalars(select(Lesson).options(selectinload(Lesson.targets)).order_by(Lesson.id)))
    matched = _match(rows, stored, report)
    if report.errors:
        return report
    sequence = session.scalar(select(func.max(Lesson.sequence))) or 0
    for (number, values), lesson in zip(rows, matched):
        fields = {COLUMN_FIELDS[c] for c in source.columns if c in COLUMN_FIELDS} | {"title", "category", "url"}
        if lesson is None:
            sequence += 1
            lesson = Lesson(sequence=sequence, created_at=now)
            session.add(lesson)
            _apply(lesson, values, set(values))
            report.added += 1
            continue
        if values.get("code") is None:
            fields.discard("code")
        changed = _apply(lesson, values, fields)
        if changed:
            report.updated += 1
            report.changes.append(f"{book_title(lesson.title)}：" + "、".join(FIELD_NAMES[f] for f in changed))
        else:
            report.unchanged += 1
    session.flush()
    return report


def _checked_rows(source: LessonFile, orgs: OrgNames | None,
                  report: LessonImportReport) -> list[tuple[int, dict[str, object]]]:
    """Every row parsed; a bad one (or the same 编号 or link as an earlier row) goes to
    ``report.errors`` naming all its problems."""
    rows: list[tuple[int, dict[str, object]]] = []
    codes: dict[str, int] = {}
    urls: dict[str, int] = {}
    for number, fields in source.rows:
        if fields is None:
            report.errors.append(LessonNote(number, source.unit, None, "这一条不是一篇资料（应写成“- title: 标题”这样的几行）"))
            continue
        values, problems = _parse(fields, orgs)
        code, url = values.get("code"), values.get("url")
        if code is not None and code in codes:
            problems.append(f"编号“{code}”与第{codes[code]}{source.unit}重复")
        if url is not None and url in urls:
            problems.append(f"链接与第{urls[url]}{source.unit}相同（同一篇资料只写一{source.unit}）")
        if problems:
            title = values.get("title") or clean(fields.get("title"))[:20] or None
            report.errors.append(LessonNote(number, source.unit, title, "；".join(problems)))
            continue
        if code is not None:
            codes[code] = number
        urls[url] = number
        rows.append((number, values))
    return rows


def _parse(fields: dict[str, object], orgs: OrgNames | None) -> tuple[dict[str, object], list[str]]:
    """One row's values by stored field, and its problems in column order."""
    values: dict[str, object] = {}
    problems: dict[str, str] = {}
    parsers = {"code": parse_code, "title": parse_title, "category": parse_category, "url": parse_url,
               "summary": parse_summary, "duration": parse_duration, "tags": parse_tags,
               "published_on": parse_published}
    for column, parse in parsers.items():
        try:
            values[COLUMN_FIELDS[column]] = parse(fields.get(column))
        except CellError as exc:
            problems[column] = str(exc)
    try:
        values["media_type"] = parse_media_type(fields.get("media_type"), values.get("duration_seconds"))
    except CellError as exc:
        problems["media_type"] = str(exc)
    if orgs is not None:
        try:
            values["targets"] = set(orgs.ids(parse_list(fields.get("targets"))))
        except CellError as exc:
            problems["targets"] = str(exc)
    return values, [problems[c] for c in COLUMN_FIELDS if c in problems]


def _match(rows: list[tuple[int, dict[str, object]]], stored: list[Lesson],
           report: LessonImportReport) -> list[Lesson | None]:
    """The stored lesson each row is (``None``: a new one), by 编号, else by link."""
    by_code = {lesson.code: lesson for lesson in stored if lesson.code}
    by_url: dict[str, Lesson] = {}
    for lesson in stored:
        by_url.setdefault(lesson.url, lesson)
    taken: dict[int, int] = {}
    matched: list[Lesson | None] = []
    for number, values in rows:
        code, url = values["code"], values["url"]
        lesson = by_code.get(code) if code else None
        if lesson is None and url in by_url:
            other = by_url[url]
            if code and other.code:  # a stored lesson with another 编号: not this row's lesson
                report.errors.append(LessonNote(number, report.unit, values["title"],
                                                f"链接已是编号“{other.code}”{book_title(other.title)}的链接；"
                                                f"同一篇资料请用同一个编号"))
                matched.append(None)
                continue
            lesson = other
        if lesson is not None and lesson.id in taken:
            report.errors.append(LessonNote(number, report.unit, values["title"],
                                            f"与第{taken[lesson.id]}{report.unit}是系统里的同一篇资料"
                                            f"{book_title(lesson.title)}（编号或链接相同）"))
        elif lesson is not None:
            taken[lesson.id] = number
        matched.append(lesson)
    return matched


def _apply(lesson: Lesson, values: dict[str, object], fields: set[str]) -> list[str]:
    """Set ``fields`` of ``lesson`` from ``values``; the fields that changed, in report order."""
    changed = []
    for name in FIELD_NAMES:
        if name not in fields:
            continue
        if name == "targets":
            kept = {t.org_id: t for t in lesson.targets}
            if set(kept) != values["targets"]:
                # the rows kept stay the same objects: a row removed and added again is no change
                lesson.targets = [kept.get(org_id) or LessonTarget(org_id=org_id)
                                  for org_id in sorted(values["targets"])]
                changed.append(name)
        elif getattr(lesson, name) != values[name]:
            setattr(lesson, name, values[name])
            changed.append(name)
    return changed
