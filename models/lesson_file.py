"""Reading a lesson list (学习资料清单) as a district keeps it: an Excel or CSV sheet with Chinese
headers, or a YAML file. Pure: no database (``models.lesson_import`` stores what is read here).

Read as forgivingly as the member ledger (``models.ledger``): the header row found wherever it
is in the first 20 rows, headers in their usual variants (标题 / 资料名称, 简介 / 摘要, 链接 /
网址), full-width characters, GB18030 CSV, dates as 2026-11-03 / 2026.11 / 2026年11月3日 / Excel
serials, durations as 5分30秒 / 05:30 / 330 / 5分钟. Every parse function returns the stored value
or raises :class:`~models.ledger.CellError` with the reason in Chinese, naming the column.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from models.ledger import (
    CONTROL_CHARACTERS,
    CellError,
    header_text,
    is_footer,
    parse_month,
    quoted,
)
from models.ledger_files import TableError, read_table
from models.lesson import CATEGORY_NAMES, MEDIA_NAMES
from models.places import clean

HEADER_SCAN = 20
# Column -> how a sheet heads it (a header names the column when, cleaned and without brackets,
# it starts with one of the words; keys are tried in this order) and the YAML key.
HEADER_WORDS: dict[str, tuple[str, ...]] = {
    "code": ("资料编号", "课程编号", "编号", "代码"),
    "title": ("标题", "题目", "资料名称", "课程名称", "名称", "篇名"),
    "category": ("类别", "分类", "栏目", "资料类别", "类目"),
    "summary": ("简介", "摘要", "内容简介", "内容摘要", "简要介绍", "说明"),
    "url": ("链接", "网址", "网页链接", "地址", "url"),
    "media_type": ("类型", "形式", "媒体类型", "资料类型", "资料形式"),
    "duration": ("时长", "视频时长", "播放时长"),
    "tags": ("标签", "关键词", "关键字"),
    "published_on": ("发布日期", "发布时间", "发布", "日期"),
    "targets": ("面向组织", "面向", "推送范围", "适用组织", "发送范围", "范围"),
}
# YAML keys in English, as ``kiteline export lessons FILE.yaml`` writes them (Chinese headers work too).
YAML_KEYS = {"code": "code", "title": "title", "category": "category", "summary": "summary", "url": "url",
             "link": "url", "media_type": "media_type", "type": "media_type", "duration": "duration",
             "duration_seconds": "duration", "tags": "tags", "published_on": "published_on",
             "date": "published_on", "targets": "targets", "orgs": "targets"}
COLUMN_NAMES = {"code": "编号", "title": "标题", "category": "类别", "summary": "简介", "url": "链接",
                "media_type": "类型", "duration": "时长", "tags": "标签", "published_on": "发布日期",
                "targets": "面向组织"}
REQUIRED = ("title", "category", "url")
# What branches write in 类别 -> category (GLOSSARY.md); the Chinese names and the keys count too.
CATEGORY_WORDS: dict[str, tuple[str, ...]] = {
    "policy": ("政策", "政策解读", "文件", "政策法规", "党规党纪"),
    "news": ("家乡新闻", "家乡动态", "新闻", "动态", "家乡发展", "家乡"),
    "exemplary": ("优秀党员", "党员故事", "先进典型", "典型", "榜样", "故事"),
    "law": ("法律", "普法", "法治", "法律知识"),
    "psychology": ("心理", "心理疏导", "心理健康教育"),
    "skills": ("技能", "技能培训", "职业培训", "培训"),
}
CATEGORY_LOOKUP = {word: key for key, words in CATEGORY_WORDS.items() for word in words}
CATEGORY_LOOKUP.update({name: key for key, name in CATEGORY_NAMES.items()} | {key: key for key in CATEGORY_NAMES})
# 法律微课, 心理类: the kind before a suffix names the category.
CATEGORY_SUFFIXES = ("微视频课", "微视频", "微课", "课程", "资料", "类", "课")
MEDIA_WORDS = {"article": ("图文", "文章", "文字", "图文消息", "article"),
               "video": ("微视频", "视频", "微课", "短视频", "微视频课", "video")}
MEDIA_LOOKUP = {word: key for key, words in MEDIA_WORDS.items() for word in words}
# 标签 / 面向组织 cells list several values: 、 , ， ; ； or spaces between them.
LIST_SEPARATORS = re.compile(r"[、,，;；\s]+")
CLOCK = re.compile(r"(\d+):(\d{1,2})(?::(\d{1,2}))?")
WORDS_DURATION = re.compile(r"(?:(\d+)(?:小时|时|h))?(?:(\d+)(?:分钟|分|min|m|'))?(?:(\d+)(?:秒钟|秒|s|\"))?")
MAX_DURATION = 24 * 3600
TITLE_LIMIT, SUMMARY_LIMIT, URL_LIMIT, CODE_LIMIT, TAG_LIMIT = 100, 1000, 500, 40, 20


@dataclass
class LessonFile:
    """What a file holds: ``rows`` as ``(number, {key: cell})`` — the sheet row number staff see
    in Excel, or the item's place in a YAML list; ``None`` for a YAML item that is not a mapping —
    ``unit`` (行 or 条) for naming them,
    ``columns`` the keys the file has, ``unused_columns`` headers not read."""

    rows: list[tuple[int, dict[str, object] | None]]
    unit: str
    columns: set[str]
    unused_columns: list[str] = field(default_factory=list)


def read_lesson_file(path: str | Path) -> LessonFile:
    """The lessons of an .xlsx, .csv or .yaml/.yml file. Raises :class:`TableError` for another
    format, a file that cannot be read, a YAML file of another shape, or a sheet without a
    header naming 标题, 类别 and 链接; ``OSError`` when it cannot be opened."""
    path = Path(path)
    if path.suffix.lower() in (".yaml", ".yml"):
        return _read_yaml(path.read_text(encoding="utf-8-sig"))
    if path.suffix.lower() not in (".xlsx", ".xlsm", ".csv"):
        raise TableError("只支持 .xlsx、.csv 或 .yaml 文件。老的 .xls 请用 Excel 或 WPS 打开后“另存为”.xlsx 再导入")
    return read_sheet(read_table(path))


def header_key(cell: object) -> str | None:
    """The column a header cell names (``"资料标题"`` is not one, ``"标题"`` is), or ``None``."""
    text = re.sub(r"[()（）【】\[\]:：*]", "", clean(cell)).lower()
    if not text:
        return None
    for key, words in HEADER_WORDS.items():
        if text.startswith(words):
            return key
    return None


def read_sheet(rows: Sequence[Sequence[object]]) -> LessonFile:
    """A sheet's rows (as ``models.ledger_files.read_table`` gives them) as a :class:`LessonFile`:
    the header is the first of the first 20 rows naming three of our columns. Raises
    :class:`TableError` when there is none or it lacks 标题, 类别 or 链接."""
    for index, row in enumerate(rows[:HEADER_SCAN]):
        columns: dict[int, str] = {}
        for col, cell in enumerate(row):
            key = header_key(cell)
            if key and key not in columns.values():
                columns[col] = key
        if len(columns) < 3:
            continue
        missing = [COLUMN_NAMES[k] for k in REQUIRED if k not in columns.values()]
        if missing:
            named = "、".join(f"“{m}”" for m in missing)
            raise TableError(f"第{index + 1}行是表头，但缺少{named}列（请加上这一列、填好后重新导入）")
        unused = [header_text(c) for col, c in enumerate(row)
                  if col not in columns and header_text(c) and not clean(c).startswith("序号")]
        found = [(number, {key: cells[col] for col, key in columns.items() if col < len(cells)})
                 for number, cells in enumerate(rows[index + 1:], start=index + 2) if not is_footer(cells)]
        return LessonFile(found, "行", set(columns.values()), unused)
    raise TableError("找不到表头：前20行里没有写着“标题”“类别”“链接”的一行")


def _read_yaml(text: str) -> LessonFile:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第{mark.line + 1}行附近" if mark else ""
        raise TableError(f"YAML 格式有误{where}，请检查缩进和冒号") from None
    if isinstance(data, dict) and "lessons" in data:
        data = data["lessons"]
    if not isinstance(data, list):
        raise TableError("YAML 文件应是一串学习资料（每篇以“- title: …”开头），或写在“lessons:”下面")
    rows, columns, unused = [], set(), []
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            rows.append((number, None))
            continue
        fields = {}
        for name, value in item.items():
            key = YAML_KEYS.get(str(name).strip().lower()) or header_key(name)
            if key is not None:
                fields[key] = value
            elif str(name) not in unused:
                unused.append(str(name))
        columns |= set(fields)
        rows.append((number, fields))
    return LessonFile(rows, "条", columns, unused)


def parse_code(cell: object) -> str | None:
    """编号 as text (a number-typed ``12`` or ``12.0`` is ``"12"``), or ``None`` when empty."""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    text = clean(cell)
    if len(text) > CODE_LIMIT:
        raise CellError(f"编号“{quoted(text[:10])}…”太长（最多{CODE_LIMIT}个字符）")
    return text or None


def parse_title(cell: object) -> str:
    """标题, trimmed; raises CellError when empty or too long."""
    text = _text(cell)
    if not text:
        raise CellError("标题为空（每篇资料都要有标题）")
    if len(text) > TITLE_LIMIT:
        raise CellError(f"标题“{quoted(text[:10])}…”太长（最多{TITLE_LIMIT}个字）")
    return text


def parse_category(cell: object) -> str:
    """类别 → a ``LESSON_CATEGORIES`` key: the Chinese name, its common variants (法律, 心理,
    技能, 家乡新闻) or the key itself. Raises CellError listing the categories otherwise."""
    text = clean(cell).lower()
    key = CATEGORY_LOOKUP.get(text)
    for suffix in CATEGORY_SUFFIXES:
        if key is None and text.endswith(suffix) and len(text) > len(suffix):
            key = CATEGORY_LOOKUP.get(text[: -len(suffix)])
    if key is not None:
        return key
    valid = "、".join(CATEGORY_NAMES.values())
    if not text:
        raise CellError(f"类别为空，请填：{valid}")
    raise CellError(f"类别“{quoted(clean(cell))}”不认识，请填：{valid}（家乡新闻即发展动态）")


def parse_summary(cell: object) -> str:
    """简介: free text, ``""`` when empty; raises CellError when too long."""
    text = _text(cell)
    if len(text) > SUMMARY_LIMIT:
        raise CellError(f"简介太长（最多{SUMMARY_LIMIT}个字）")
    return text


def parse_url(cell: object) -> str:
    """链接: a whole http(s) address (members tap it in WeChat). Raises CellError otherwise."""
    text = clean(cell)
    if not text:
        raise CellError("链接为空（请填资料的网址，以 https:// 开头）")
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise CellError(f"链接“{quoted(text[:60])}”不是网址，请填以 http:// 或 https:// 开头的完整链接")
    if len(text) > URL_LIMIT:
        raise CellError(f"链接太长（最多{URL_LIMIT}个字符）")
    return text


def parse_media_type(cell: object, duration: int | None) -> str:
    """类型 → ``article`` (图文/文章) or ``video`` (微视频/视频/微课); an empty cell is a video
    when a 时长 is given, else an article."""
    text = clean(cell).lower()
    if not text:
        return "video" if duration else "article"
    if text in MEDIA_LOOKUP:
        return MEDIA_LOOKUP[text]
    raise CellError(f"类型“{quoted(clean(cell))}”应填{MEDIA_NAMES['article']}或{MEDIA_NAMES['video']}")


def parse_duration(cell: object) -> int | None:
    """时长 in seconds: ``5分30秒``, ``5分钟``, ``1小时2分``, ``05:30`` (minutes:seconds),
    ``1:02:03``, a number of seconds (``330``) or an Excel time. A micro-video is minutes long,
    so a time Excel made of ``05:30`` typed (05:30 in the morning) reads as 5分30秒. ``None``
    when empty; raises CellError otherwise."""
    if cell is None or (isinstance(cell, str) and not clean(cell)):
        return None
    if isinstance(cell, dt.timedelta):
        seconds = int(cell.total_seconds())
    elif isinstance(cell, dt.time):
        seconds = (cell.hour * 60 + cell.minute if not cell.second else
                   cell.hour * 3600 + cell.minute * 60 + cell.second)
    elif isinstance(cell, (int, float)) and not isinstance(cell, bool):
        seconds = round(cell)
    else:
        seconds = _duration_text(clean(cell).lower())
    if seconds is None or not 0 < seconds <= MAX_DURATION:
        raise CellError(f"时长“{quoted(clean(cell))}”看不懂，请写成 5分30秒、05:30 或秒数 330")
    return seconds


def _duration_text(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    clock = CLOCK.fullmatch(text)
    if clock:
        first, second, third = (int(g) if g else None for g in clock.groups())
        return first * 60 + second if third is None else first * 3600 + second * 60 + third
    words = WORDS_DURATION.fullmatch(text)
    if words and any(words.groups()):
        hours, minutes, seconds = (int(g or 0) for g in words.groups())
        return hours * 3600 + minutes * 60 + seconds
    return None


def parse_list(cell: object) -> list[str]:
    """标签 / 面向组织: several values in one cell (separated by 、，; or spaces) or a YAML
    list, each cleaned, repeats dropped, in order."""
    items = cell if isinstance(cell, (list, tuple)) else LIST_SEPARATORS.split(str(cell or "").strip())
    found: list[str] = []
    for item in items:
        text = clean(item)
        if text and text not in found:
            found.append(text)
    return found


def parse_tags(cell: object) -> list[str]:
    """标签 as a list of short words; raises CellError for one over 20 characters."""
    tags = parse_list(cell)
    for tag in tags:
        if len(tag) > TAG_LIMIT:
            raise CellError(f"标签“{quoted(tag[:10])}…”太长（每个最多{TAG_LIMIT}个字，多个标签用“、”隔开）")
    return tags


def parse_published(cell: object) -> dt.date | None:
    """发布日期: 2026-11-03, 2026.11 (the 1st), 2026年11月3日, an Excel serial or date."""
    try:
        return parse_month(cell)
    except CellError:
        raise CellError(f"发布日期“{quoted(clean(cell))}”不对，请写成 2026-11-03、2026.11 或 2026年11月3日") from None


def _text(cell: object) -> str:
    return CONTROL_CHARACTERS.sub("", str(cell)).strip() if cell is not None else ""
