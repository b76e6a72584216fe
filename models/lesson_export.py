"""The lesson library back out (``kiteline export lessons FILE``): an .xlsx under the headers
``models.lesson_file`` reads, or a YAML list with its English keys, in library order — so a file
exported and imported again changes nothing, and staff can edit the library in Excel."""
from __future__ import annotations

from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models.ledger_files import SheetWriter
from models.lesson import CATEGORY_NAMES, MEDIA_NAMES, Lesson
from models.lesson_orgs import OrgNames

HEADER = ("编号", "标题", "类别", "简介", "链接", "类型", "时长", "标签", "发布日期", "面向组织")


def export_lessons(session: Session, path: str | Path) -> int:
    """Write every lesson to ``path``: YAML for a ``.yaml``/``.yml`` name, else an .xlsx.
    Returns how many. Raises ``OSError`` when the file cannot be written."""
    lessons = list(session.scalars(select(Lesson).options(selectinload(Lesson.targets))
                                   .order_by(Lesson.sequence, Lesson.id)))
    orgs = OrgNames(session)
    path = Path(path)
    if path.suffix.lower() in (".yaml", ".yml"):
        items = [_item(lesson, orgs) for lesson in lessons]
        path.write_text(yaml.safe_dump({"lessons": items}, allow_unicode=True, sort_keys=False), encoding="utf-8")
        return len(lessons)
    writer = SheetWriter(path, "学习资料")
    writer.append(HEADER)
    for lesson in lessons:
        writer.append((lesson.code, lesson.title, CATEGORY_NAMES[lesson.category], lesson.summary or None,
                       lesson.url, MEDIA_NAMES[lesson.media_type], duration_text(lesson.duration_seconds),
                       "、".join(lesson.tags) or None, lesson.published_on,
                       "、".join(orgs.name(t.org_id) for t in lesson.targets) or None))
    writer.save()
    return len(lessons)


def duration_text(seconds: int | None) -> str | None:
    """``330`` → ``5分30秒``, ``300`` → ``5分钟``, ``3725`` → ``1小时2分5秒``; ``None`` stays."""
    if not seconds:
        return None
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    text = (f"{hours}小时" if hours else "") + (f"{minutes}分" if minutes else "") + (f"{secs}秒" if secs else "")
    return text + "钟" if text.endswith("分") and not hours else text


def _item(lesson: Lesson, orgs: OrgNames) -> dict[str, object]:
    """One lesson as a YAML mapping; empty fields left out."""
    item = {"code": lesson.code, "title": lesson.title, "category": lesson.category,
            "summary": lesson.summary or None, "url": lesson.url, "media_type": lesson.media_type,
            "duration": duration_text(lesson.duration_seconds), "tags": list(lesson.tags) or None,
            "published_on": lesson.published_on,
            "targets": [orgs.name(t.org_id) for t in lesson.targets] or None}
    return {key: value for key, value in item.items() if value is not None}
