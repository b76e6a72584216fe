"""Reading a branch's member ledger (台账): the parsing rules for one cell and one row.

Pure functions, no database: the importer (``models.ledger_import``) calls them. Every parse
function returns the stored value or raises :class:`CellError` whose message is the Chinese
reason shown to the branch ("手机号应为11位数字"). Ledgers arrive as branches keep them:
headers with line breaks and spaces, full-width digits, phones as numbers or with dashes,
dates like ``2023.3``, ``2023年3月``, ``2023/03/15``, ``2023-3``, Excel serials or real dates.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from models.member import mask_phone
from models.places import clean, normalise_city, normalise_province, split_destination

# Headers that start like one of ours but name something else (支部书记 is not 所属党支部,
# 紧急联系人电话 is not the member's phone); such a column is ignored.
# 流入地党组织 names the receiving party organisation, not the member's whereabouts.
NOT_OURS = ("支部书记", "党组织书记", "书记", "紧急联系", "家属", "入党介绍人", "序号", "编号",
            "流入地党组织", "流入地党支部", "所在地党组织", "所在地党支部")
# Ignored columns the report need not name: they only number the rows.
ROW_NUMBERS = ("序号", "编号")
# Columns an export adds for reading and an --errors file adds for the reason: read by staff,
# never imported, and not named as unrecognised (an exported file imports without a remark).
READ_ONLY_HEADERS = ("状态", "最近核实", "最近联系", "积分", "组织关系转接", "问题",
                     "最近思想汇报", "党费", "组织生活")
# How ledgers name the member's red liaison (联系人 alone is left out: it is often a relative).
LIAISON_WORDS = ("红色联络员", "联络员", "联系人联络员", "联络人", "结对联络员", "结对联系人")
PHONE_WORDS = ("手机号码", "手机号", "联系电话", "联系方式", "电话号码", "移动电话", "联系手机",
               "本人电话", "本人手机", "手机", "电话")

# Whereabouts headers; followed by 省 / 市 (as in ``流动去向（市）``) they name that part only.
# Not 地址 / 住址 alone, nor 户籍地 / 家庭住址: those are the member's home.
DESTINATION_WORDS = ("流动去向", "流动地点", "流动地", "流入地", "外出地点", "外出地", "外出务工地",
                     "现居住地", "现住址", "现居地", "居住地", "现所在地", "目前所在地", "所在地",
                     "现在在哪", "现在何处", "现在哪里", "工作地", "务工地", "打工地", "去向", "流向")

# Column -> header words that name it; a header cell names a column when, after ``clean`` and
# dropping brackets, it starts with one of the words (keys are checked in this order, so the
# liaison's phone comes before the liaison and the province before the whole destination).
HEADER_WORDS: dict[str, tuple[str, ...]] = {
    "liaison_phone": tuple(who + what for who in LIAISON_WORDS for what in PHONE_WORDS),
    "liaison": LIAISON_WORDS,
    "name": ("姓名", "名字", "党员姓名", "党员名字"),
    "gender": ("性别",),
    "phone": PHONE_WORDS,
    "branch": ("所属党支部", "所属党组织", "所属支部", "所在党支部", "所在党组织", "所在支部",
               "党支部", "党组织", "支部", "组织关系所在"),
    "joined_party_on": ("入党时间", "入党日期", "入党年月", "入党年份"),
    "away_since": ("外出时间", "流出时间", "外出日期", "外出年月", "流出日期", "流出年月",
                   "外出务工时间", "离开时间"),
    "province": ("去向省份", "流入省份", "所在省份", "省份",
                 *(w + "省" for w in DESTINATION_WORDS)),
    "city": ("去向城市", "流入城市", "所在城市", "工作城市", "务工城市", "打工城市", "城市",
             *(w + suffix for w in DESTINATION_WORDS for suffix in ("市", "城市"))),
    # Not 所在地区 / 流动地区: those name the whole destination.
    "district": (*(w + "区县" for w in DESTINATION_WORDS), "区县", "所在区县"),
    "destination": DESTINATION_WORDS,
    "away_reason": ("外出原因", "流动原因", "外出事由", "流出原因"),
    "employer": ("工作单位", "务工单位", "现工作单位", "就业单位", "单位"),
    "note": ("备注",),
}
REQUIRED = ("name", "phone", "branch")
# Required columns as the report names them.
COLUMN_NAMES = {"name": "姓名", "phone": "手机号", "branch": "所属党支部"}

# 外出原因 as ledgers write it -> GLOSSARY away_reason code.
AWAY_REASON_WORDS: dict[str, tuple[str, ...]] = {
    "work": ("务工", "打工", "上班", "就业", "工作"),
    "business": ("经商", "做生意", "创业", "个体"),
    "study": ("求学", "上学", "读书", "学习", "进修", "升学"),
    "family": ("随迁", "探亲", "投亲", "照顾", "陪读", "随子女", "随配偶", "家庭"),
}

# Rows after the data that are not members: totals and sign-offs (合计：64人, 填表人：某某).
FOOTER_WORDS = ("合计", "总计", "小计", "填表人", "审核人", "制表人", "负责人签字", "填报人")

# Excel's day 0 for serial dates (1900 date system, including its 1900-02-29 bug).
EXCEL_EPOCH = dt.date(1899, 12, 30)
MOBILE = re.compile(r"1[3-9]\d{9}")
# What an .xlsx cannot hold (openpyxl's ILLEGAL_CHARACTERS_RE): C0 controls but tab and line breaks.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
MOBILE_IN_TEXT = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


class CellError(ValueError):
    """A cell that cannot be stored; ``str(err)`` is the reason in Chinese."""


def quoted(text: object) -> str:
    """A cell's text as a reason quotes it, mobile numbers masked (138****1234): the report is a
    list printed and passed around, and the row number already finds the cell."""
    return MOBILE_IN_TEXT.sub(lambda m: mask_phone(m.group()), str(text))


def header_key(cell: object) -> str | None:
    """The column a header cell names (``"流动去向\\n（省）"`` → ``"province"``), or ``None``."""
    text = re.sub(r"[()（）【】\[\]:：*]", "", clean(cell))
    if not text or text.startswith(NOT_OURS):
        return None
    for key, words in HEADER_WORDS.items():
        if text.startswith(words):
            return key
    return None


def find_header(rows: Sequence[Sequence[object]], scan: int = 20) -> tuple[int, dict[int, str]]:
    """Locate the header row among the first ``scan`` rows: the first row naming 姓名 and another
    column, or three columns (a sign-off line like ``单位：… 电话：…`` names two). Returns (0-based row index, {column index: key}); of two columns naming the same
    key the first counts.

    Raises :class:`CellError` when no such row exists, or when it lacks a column of
    :data:`REQUIRED` (the message names the missing columns)."""
    for index, row in enumerate(rows[:scan]):
        columns: dict[int, str] = {}
        for col, cell in enumerate(row):
            key = header_key(cell)
            if key and key not in columns.values():
                columns[col] = key
        if len(columns) < (2 if "name" in columns.values() else 3):
            continue
        missing = [COLUMN_NAMES[k] for k in REQUIRED if k not in columns.values()]
        if missing:
            named = "、".join(f"“{m}”" for m in missing)
            raise CellError(f"第{index + 1}行是表头，但缺少{named}列（请在表头加上、每人填好后重新导入）")
        return index, columns
    raise CellError("找不到表头：前20行里没有写着“姓名”“手机号”“所属党支部”的一行")


def parse_name(cell: object) -> str:
    """A person's name without spaces; raises CellError when empty or implausible."""
    name = clean(cell)
    if not name:
        raise CellError("姓名为空")
    if len(name) > 20 or re.search(r"\d", name):
        raise CellError(f"姓名“{quoted(name)}”看起来不对")
    return name


def parse_phone(cell: object) -> str:
    """An 11-digit mainland mobile number from a cell: full-width digits, dashes, spaces, a
    +86 prefix or a number-typed cell (``13800001234.0``) are all accepted."""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    text = clean(cell)
    digits = re.sub(r"[-－—.·()（）]", "", text)
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if not digits:
        raise CellError("手机号为空")
    if not digits.isdigit() or len(digits) != 11:
        raise CellError(f"手机号应为11位数字（表中是“{quoted(text)}”）")
    if not MOBILE.fullmatch(digits):
        raise CellError(f"“{text}”不是手机号（应为1开头的11位手机号）")
    return digits


def parse_liaison(cell: object, phone_cell: object = None) -> tuple[str, str | None] | None:
    """The red liaison a row names: ``(name, phone or None)`` from ``李某``, ``李某 13900001111``,
    ``李某(139-0000-1111)`` or ``李某，电话13900001111``; the phone may instead come from a
    separate 联络员电话 column (``phone_cell``). ``None`` when both are empty.

    Raises :class:`CellError` (in Chinese) for a cell that is not a name (and phone)."""
    text = clean(cell)
    if not text:
        if clean(phone_cell):
            raise CellError("写了联络员电话，但没写联络员姓名")
        return None
    shown = str(cell).strip()
    # ``clean`` made the punctuation half-width (，→, （→( ).
    number = re.search(r"\+?\d[\d\-—.]*", text)
    if number and text[number.end():] not in ("", ")"):
        raise CellError(f"联络员“{quoted(shown)}”看不懂，请写成“李某 13900001111”")
    head = text[:number.start()] if number else text
    head = re.sub(r"(?:[(:,、/;]|电话|手机号?|联系方式)*$", "", head)
    try:
        name = parse_name(head)
        phone = parse_phone(number.group()) if number else None
        if phone is None and clean(phone_cell):
            phone = parse_phone(phone_cell)
    except CellError as exc:
        raise CellError(f"联络员“{quoted(shown)}”：{exc}") from None
    return name, phone


def parse_month(cell: object) -> dt.date | None:
    """A date from a ledger cell; a month without a day is stored as the 1st of the month.

    Accepts real dates, Excel serial numbers, ``2023.3`` (text or number), ``2023年3月(5日)``,
    ``2023/03/15``, ``2023-3``, ``202303``. ``None`` for an empty cell. Raises CellError for
    anything else, including month 13 or a year before 1921 (the party's founding). A cell
    typed as the number 2013.1 reads as January: Excel keeps 2013.10 as 2013.1 too, and
    nothing in the cell tells them apart."""
    if cell is None or clean(cell) == "":
        return None
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    if isinstance(cell, (int, float)) and not isinstance(cell, bool) and cell > 3000:
        return EXCEL_EPOCH + dt.timedelta(days=int(cell))
    text = clean(cell)
    match = (re.fullmatch(r"(\d{4})[.\-/年](\d{1,2})(?:[.\-/月](\d{1,2})日?|月)?", text)
             or re.fullmatch(r"(\d{4})(\d{2})(\d{2})?", text))
    if not match:
        raise CellError(f"日期“{quoted(text)}”看不懂，请写成 2023.3 或 2023年3月")
    year, month, day = int(match.group(1)), int(match.group(2)), int(match.group(3) or 1)
    if not 1921 <= year <= 2100:
        raise CellError(f"日期“{quoted(text)}”的年份不对")
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise CellError(f"日期“{quoted(text)}”的月份或日子不对") from None


def parse_gender(cell: object) -> str | None:
    """男 / 女 (also 男性 / 女性, M / F); ``None`` when empty."""
    text = clean(cell).upper()
    if not text:
        return None
    if text in ("男", "男性", "M"):
        return "男"
    if text in ("女", "女性", "F"):
        return "女"
    raise CellError(f"性别“{quoted(text)}”应填男或女")


def parse_away_reason(cell: object) -> str | None:
    """外出原因 → ``work`` / ``business`` / ``study`` / ``family`` / ``other``; empty → ``None``.

    Words not in :data:`AWAY_REASON_WORDS` count as ``other`` (the ledger's 其他)."""
    text = clean(cell)
    if not text:
        return None
    for code, words in AWAY_REASON_WORDS.items():
        if any(w in text for w in words):
            return code
    return "other"


def parse_text(cell: object, limit: int) -> str | None:
    """Free text (工作单位, 备注): trimmed, control characters dropped (a CSV may hold them; an
    .xlsx cannot, so an exported ledger could not give them back), ``None`` when empty; raises
    CellError over ``limit``."""
    if cell is None:
        return None
    text = CONTROL_CHARACTERS.sub("", str(cell)).strip()
    if len(text) > limit:
        raise CellError(f"“{quoted(text[:10])}…”太长（最多{limit}个字）")
    return text or None


def is_footer(values: Sequence[object]) -> bool:
    """True for rows that close a ledger (合计、填表人) or are blank."""
    cells = [clean(v) for v in values if clean(v)]
    return not cells or any(cells[0].startswith(w) for w in FOOTER_WORDS)


def parse_destination(fields: dict[str, object]) -> dict[str, str | None]:
    """Province, city and district from the 流动去向 column(s): either separate 省/市(/区县)
    columns or one column holding ``广东省深圳市``. A 市 cell that also names the province or a
    district (``广东深圳``, ``深圳市南山区``) is split; its province fills an empty 省 cell. A
    sheet with both kinds reads the whole-destination cell only when the 市 cell is empty. A
    区县 cell (as the export writes it) names the district, as written."""
    parts = _destination_parts(fields)
    district = clean(fields.get("district"))
    return {**parts, "current_district": district} if district else parts


def _destination_parts(fields: dict[str, object]) -> dict[str, str | None]:
    province = normalise_province(fields.get("province"))
    parts = _split_city_cell(province, clean(fields.get("city")))
    whole = clean(fields.get("destination"))
    if parts["current_city"] is not None or not whole:
        return parts
    found_province, city, district = split_destination(whole)
    # A cell naming only a province (广东省) has no city; other unknown text is kept as the city.
    return {"current_province": province or found_province,
            "current_city": city or (None if found_province else normalise_city(whole)),
            "current_district": district}


def _split_city_cell(province: str | None, city_text: str) -> dict[str, str | None]:
    found_province, city, district = split_destination(city_text) if city_text else (None, None, None)
    # Split only when the cell says more than a city: 吉林市 must stay the city 吉林, 深圳 alone
    # keeps an empty 省 cell empty as before.
    if city is None or not (district or city_text.startswith(found_province or "\0")):
        return {"current_province": province, "current_city": normalise_city(city_text)}
    return {"current_province": province or found_province, "current_city": city,
            "current_district": district}


def unused_headers(header: Sequence[object], columns: dict[int, str]) -> list[str]:
    """The header cells of ``header`` (the row :func:`find_header` found) whose columns are not
    imported, as written without spaces and in sheet order: headers not recognised, and a second
    column naming what an earlier one does. Row-number columns (序号) are left out."""
    names = []
    for col, cell in enumerate(header):
        text = header_text(cell)
        if text and col not in columns and not clean(text).startswith(ROW_NUMBERS + READ_ONLY_HEADERS):
            names.append(text)
    return names


def header_text(cell: object) -> str:
    """A header cell as the report shows it: as written, line breaks and spaces dropped
    (``"流动去向\\n（省）"`` → ``"流动去向（省）"``); full-width brackets stay as staff typed them."""
    return re.sub(r"\s+", "", str(cell)) if cell is not None else ""
