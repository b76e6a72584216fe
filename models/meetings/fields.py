"""A meeting's fields as staff write them — on the command line (``kiteline meeting add``) or in
a sheet (``kiteline import meetings``): the kind in its usual names, the start as a date and a
time of day in Beijing time (``2026-12-20 19:30``, ``2026年12月20日 晚上7点半``, an Excel date
and time), the 4-digit check-in code with full-width digits. Each parser raises
:class:`models.ledger.CellError` with the reason in Chinese."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata

from models.clock import SHANGHAI
from models.ledger import EXCEL_EPOCH, CellError, parse_text, quoted
from models.meetings.meeting import CODE_LENGTH, KIND_NAMES
from models.org_tree import BranchResolver
from models.places import clean

# Words naming each kind, tried longest first so 支部党员大会 is not read as a 党员大会 of
# another kind and 专题组织生活会 is 组织生活会.
KIND_WORDS: dict[str, tuple[str, ...]] = {
    "branch_assembly": ("支部党员大会", "党员大会", "支部大会", "党员会"),
    "committee": ("支部委员会", "支委会议", "支委会", "委员会"),
    "group": ("党小组会", "党小组", "小组会"),
    "lesson": ("党课",),
    "theme_day": ("主题党日", "党日"),
    "life_meeting": ("组织生活会", "民主评议", "民主生活会"),
}
_BY_WORD = sorted(((word, kind) for kind, words in KIND_WORDS.items() for word in words),
                  key=lambda pair: -len(pair[0]))
DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?")
TIME = re.compile(r"(凌晨|早上|上午|中午|下午|傍晚|晚上)?\s*(\d{1,2})\s*(?:[:点时]\s*(半|\d{1,2})?\s*分?)")
AFTERNOON = ("下午", "傍晚", "晚上")
TITLE_LIMIT, PLACE_LIMIT, LINK_LIMIT = 100, 200, 300


def branches(session) -> BranchResolver:
    """A resolver for :func:`find_branch` (it never creates an organisation: only checks)."""
    return BranchResolver(session, "", create_orgs=True)


def find_branch(resolver: BranchResolver, cell: object) -> int:
    """The id of the branch ``cell`` names, as the ledger import finds it (its name, or with its
    township before it); never created — a meeting is for a branch already on file."""
    org_id = resolver.branch_id(cell, dry_run=True)
    if org_id is None:
        raise CellError(f"党支部“{quoted(clean(cell))}”在系统中找不到，请写台账上的名称（如“红柳镇白杨村党支部”），"
                        "或先导入组织架构、台账")
    return org_id


def parse_kind(cell: object) -> str:
    """The kind (``theme_day`` …) a cell names: an identifier or any of :data:`KIND_WORDS`
    within it (主题党日活动 → ``theme_day``)."""
    text = _plain(cell).replace(" ", "")
    if not text:
        raise CellError("会议类型为空")
    if text in KIND_NAMES:
        return text
    for word, kind in _BY_WORD:
        if word in text:
            return kind
    raise CellError(f"会议类型“{quoted(text)}”看不懂，请写" + "、".join(KIND_NAMES.values()) + "之一")


def parse_start(cell: object, time_cell: object = None) -> dt.datetime:
    """The start, aware UTC, from a date and time in Beijing time: one cell holding both (text,
    an Excel date-time or its serial number), or a date cell and a separate ``time_cell``."""
    if isinstance(cell, dt.datetime) and time_cell is None:
        return _aware(cell.replace(tzinfo=None))
    day = _date(cell)
    if time_cell is not None and _plain(time_cell):
        at = _time(time_cell)
    elif isinstance(cell, dt.datetime):
        at = cell.time()
    elif isinstance(cell, (int, float)) and not isinstance(cell, bool) and cell % 1:
        at = (dt.datetime.min + dt.timedelta(days=cell % 1, seconds=30)).time().replace(second=0, microsecond=0)
    else:
        rest = DATE.sub("", _plain(cell), count=1).strip(" ,，T")
        if not rest:
            raise CellError(f"开始时间“{quoted(_plain(cell))}”没写几点，请写成 2026-12-20 19:30")
        at = _time(rest)
    return _aware(dt.datetime.combine(day, at))


def parse_code(cell: object) -> str | None:
    """A check-in code: exactly four digits (full-width too; an Excel number 4821.0 as well);
    ``None`` for an empty cell."""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    text = _plain(cell).replace(" ", "")
    if not text:
        return None
    if not re.fullmatch(rf"\d{{{CODE_LENGTH}}}", text):
        raise CellError(f"签到码“{quoted(text)}”应为{CODE_LENGTH}位数字，如 4821（不填则自动生成）")
    return text


def parse_title(cell: object, kind: str) -> str:
    """The title, or the kind's name when the cell is empty."""
    return parse_text(cell, TITLE_LIMIT) or KIND_NAMES[kind]


def parse_where(place: object, link: object) -> tuple[str | None, str | None]:
    """``(place, link)``: where members meet, the online meeting's link or number; at least one."""
    where, online = parse_text(place, PLACE_LIMIT), parse_text(link, LINK_LIMIT)
    if where is None and online is None:
        raise CellError("没写会议地点，也没写线上会议链接（至少写一项，流动党员要知道在哪参加）")
    return where, online


def _date(cell: object) -> dt.date:
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    if isinstance(cell, (int, float)) and not isinstance(cell, bool) and 3000 < cell < 100000:
        return EXCEL_EPOCH + dt.timedelta(days=int(cell))
    text = _plain(cell)
    if not text:
        raise CellError("开始时间为空")
    match = DATE.search(text)
    if match is None:
        raise CellError(f"日期“{quoted(text)}”看不懂，请写成 2026-12-20 19:30（年月日都要写）")
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        raise CellError(f"日期“{quoted(text)}”的月份或日子不对") from None


def _time(cell: object) -> dt.time:
    if isinstance(cell, dt.time):
        return cell.replace(second=0, microsecond=0)
    if isinstance(cell, dt.datetime):
        return cell.time().replace(second=0, microsecond=0)
    if isinstance(cell, float) and 0 <= cell < 1:
        return (dt.datetime.min + dt.timedelta(days=cell, seconds=30)).time().replace(second=0, microsecond=0)
    text = _plain(cell)
    match = TIME.fullmatch(text.strip())
    if match is None:
        raise CellError(f"时间“{quoted(text)}”看不懂，请写成 19:30")
    period, hour, minute = match.group(1), int(match.group(2)), match.group(3)
    minutes = 30 if minute == "半" else int(minute or 0)
    if period in AFTERNOON and hour < 12:
        hour += 12
    if hour > 23 or minutes > 59:
        raise CellError(f"时间“{quoted(text)}”不对（0:00 到 23:59）")
    return dt.time(hour, minutes)


def _plain(cell: object) -> str:
    """The cell as text, full-width to half-width, spaces kept (a date and time stay apart)."""
    if cell is None:
        return ""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", str(cell))).strip()


def _aware(local: dt.datetime) -> dt.datetime:
    return local.replace(tzinfo=SHANGHAI).astimezone(dt.UTC)
