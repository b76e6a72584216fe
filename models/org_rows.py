"""An org file's rows read into townships and branches (``models.org_file.OrgFile``), every row
checked: a branch without a township, a phone that is not one, a branch listed twice with
different details, two contacts for one township. Pure: nothing is stored here.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from models.ledger import (
    FOOTER_WORDS,
    CellError,
    header_text,
    is_footer,
    parse_phone,
    quoted,
    unused_headers,
)
from models.ledger_report import RowNote
from models.liaisons.people import parse_people
from models.org_file import (
    BranchEntry,
    OrgFile,
    Person,
    TownshipEntry,
    branch_name,
    find_header,
    parse_office_phone,
    township_name,
)
from models.places import clean

# What a second header row writes under a merged 书记 / 乡镇联系人 cell.
SUB_HEADERS = ("姓名", "名字", "电话", "手机", "联系电话", "联系方式", "手机号", "手机号码")
# Columns as a reason names them when the file has no such header.
COLUMN_NAMES = {"secretary": "书记", "secretary_phone": "书记电话", "contact": "乡镇联系人",
                "contact_phone": "乡镇联系电话", "branch_phone": "支部电话", "liaison": "红色联络员",
                "liaison_phone": "联络员电话"}
# A phone written in the name cell: 张某 13800001234, 张某(138-0000-1234), 张某，电话13800001234.
NAME_AND_PHONE = re.compile(r"(.+?)[(:,、/;]*(?:电话|手机号?|联系方式)?:?(\+?\d[\d\-—]{9,})\)?")


def read_org_file(rows: Sequence[Sequence[object]], district: str) -> OrgFile:
    """Every row of an org file (as ``models.org_file.read_org_rows`` gives them) read and
    checked; ``district`` is dropped where a branch cell starts with it. Row problems are in
    ``errors`` (the caller stores nothing while there is one). Raises :class:`CellError` for an
    empty file, no header, a header without 乡镇（街道） or 党支部, or no row below it."""
    header_index, columns = find_header(rows)
    header = list(rows[header_index])
    first_data = header_index + 1
    if first_data < len(rows) and _is_sub_header(rows[first_data]):
        header, columns = _two_level(header, rows[first_data])
        first_data += 1
    result = OrgFile(unused_columns=unused_headers(header, columns))
    headers = {key: header_text(header[col]) for col, key in columns.items()}
    headers = {**COLUMN_NAMES, **headers}
    for number, cells in enumerate(rows[first_data:], start=first_data + 1):
        fields = {key: cells[col] for col, key in columns.items() if col < len(cells)}
        # 小计 under a township merged down beside it is a total too
        if is_footer(cells) or clean(fields.get("branch")).startswith(FOOTER_WORDS):
            continue
        try:
            _read_row(result, number, fields, headers, district)
        except CellError as exc:
            label = clean(fields.get("branch")) or clean(fields.get("township")) or None
            result.errors.append(RowNote(number, label, str(exc)))
    if not result.townships and not result.errors:
        raise CellError(f"第{header_index + 1}行是表头，但下面没有任何乡镇（街道）或党支部")
    return result


def _is_sub_header(cells: Sequence[object]) -> bool:
    return any(clean(c) in SUB_HEADERS for c in cells)


def _two_level(top: list[object], sub: Sequence[object]) -> tuple[list[object], dict[int, str]]:
    """A header over two rows (书记 merged over 姓名 | 电话) as one: 书记姓名 | 书记电话."""
    header = list(top)
    for col, cell in enumerate(sub):
        if col < len(header) and clean(cell) and clean(cell) != clean(header[col]):
            header[col] = f"{header_text(header[col])}{header_text(cell)}"
    _, columns = find_header([header])
    return header, columns


def _read_row(result: OrgFile, number: int, fields: dict[str, object], headers: dict[str, str],
              district: str) -> None:
    township = township_name(fields.get("township"), district)
    branch = branch_name(fields.get("branch"), township, district)
    problems: list[str] = []
    secretary = _person(fields, "secretary", "secretary_phone", headers, problems)
    contact = _person(fields, "contact", "contact_phone", headers, problems)
    liaisons = _liaisons(fields, headers, problems)
    try:
        phone = parse_office_phone(fields.get("branch_phone"), headers["branch_phone"])
    except CellError as exc:
        problems.append(str(exc))
        phone = None
    if not township:
        if branch:
            problems.insert(0, f"“{branch}”的{headers['township']}是空的，不知道它属于哪个乡镇（街道）")
        elif problems or contact or secretary or phone or liaisons:
            problems.insert(0, f"没有写{headers['township']}")
        else:
            return  # a row with nothing we read (a note beside the table)
    if not branch and (secretary or phone):
        problems.append(f"写了{headers['secretary']}或{headers['branch_phone']}，但没写{headers['branch']}")
    if not branch and liaisons:
        problems.append(f"写了{headers['liaison']}，但没写{headers['branch']}")
    if problems:
        raise CellError("；".join(problems))
    entry = result.townships.get(township)
    if contact is not None and entry is not None and entry.contact not in (None, contact):
        contact = _same_contact(entry, contact, headers["contact"])
    if branch:
        _add_branch(result, BranchEntry(township, branch, number, secretary, phone, liaisons), headers)
    if entry is None:
        entry = result.townships[township] = TownshipEntry(township, number)
    if contact is not None and entry.contact != contact:
        entry.contact, entry.contact_row = contact, entry.contact_row or number


def _same_contact(entry: TownshipEntry, contact: Person, header: str) -> Person:
    """One contact a township's rows agree on (a phone on one row only is that contact's), or a
    CellError naming both."""
    known = entry.contact
    if known.name == contact.name and None in (known.phone, contact.phone):
        return Person(known.name, known.phone or contact.phone)
    raise CellError(f"{entry.name}的{header}在第{entry.contact_row}行是{known}，这一行是{contact}，"
                    "一个乡镇（街道）只能有一位，请改成一致")


def _add_branch(result: OrgFile, branch: BranchEntry, headers: dict[str, str]) -> None:
    key = (branch.township, branch.name)
    seen = result.branches.get(key)
    if seen is None:
        result.branches[key] = branch
        return
    if (seen.secretary, seen.phone) == (branch.secretary, branch.phone):
        # One liaison a row is a way to list several: they add up.
        more = tuple(p for p in branch.liaisons if p not in seen.liaisons)
        if more:
            seen.liaisons += more
        else:
            result.notes.append(RowNote(branch.row, branch.name, f"与第{seen.row}行重复，按一行导入"))
        return
    differences = []
    if seen.secretary != branch.secretary:
        differences.append(f"{headers['secretary']} {_shown(seen.secretary)} / {_shown(branch.secretary)}")
    if seen.phone != branch.phone:
        differences.append(f"{headers['branch_phone']} {_shown(seen.phone)} / {_shown(branch.phone)}")
    raise CellError(f"{branch.township}的“{branch.name}”在第{seen.row}行已经列过，两行不一致（"
                    + "；".join(differences) + "），请只留一行")


def _shown(value: Person | str | None) -> str:
    return "（空）" if value is None else quoted(value)


def _liaisons(fields: dict[str, object], headers: dict[str, str], problems: list[str]) -> tuple[Person, ...]:
    """The red liaisons a row names (``张某 13800001234、李某``); the 联络员电话 column's phone is
    the phone of a lone liaison written without one. A problem is added to ``problems``."""
    phone_cell = fields.get("liaison_phone")
    try:
        people = parse_people(fields.get("liaison"), "联络员")
    except CellError as exc:
        problems.append(f"{headers['liaison']}：{exc}")
        return ()
    if clean(phone_cell):
        if len(people) != 1:
            problems.append(f"写了{headers['liaison_phone']}，但{headers['liaison']}"
                            + ("是空的" if not people else "不止一人：请把手机号写在每位联络员姓名后面，如“张某 13900001111”"))
            return ()
        try:
            phone = parse_phone(phone_cell)
        except CellError as exc:
            problems.append(f"{headers['liaison_phone']}：{exc}")
            return ()
        if people[0][1] not in (None, phone):
            problems.append(f"联络员{people[0][0]}写了两个不同的手机号，请只留一个")
            return ()
        people = [(people[0][0], phone)]
    return tuple(Person(name, phone) for name, phone in people)


def _person(fields: dict[str, object], name_key: str, phone_key: str, headers: dict[str, str],
            problems: list[str]) -> Person | None:
    """The secretary or contact a row names (name, and phone from its column or the name
    cell); ``None`` when both cells are empty. A problem is added to ``problems``."""
    name, phone_cell = clean(fields.get(name_key)), fields.get(phone_key)
    if not name:
        if clean(phone_cell):
            problems.append(f"写了{headers[phone_key]}，但没写{headers[name_key]}")
        return None
    written = NAME_AND_PHONE.fullmatch(name)
    if written and not clean(phone_cell):
        name, phone_cell = written.group(1), written.group(2)
    if len(name) > 20 or re.search(r"\d", name):
        problems.append(f"{headers[name_key]}“{quoted(name)}”看起来不是姓名")
        return None
    if not clean(phone_cell):
        return Person(name, None)
    try:
        return Person(name, parse_phone(phone_cell))
    except CellError as exc:
        problems.append(f"{headers[phone_key]}：{exc}")
        return None
