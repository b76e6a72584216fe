"""Storing a station list (``kiteline import stations FILE``): each station the file names is
added, or — known by its name and city — updated to what the file says.

All or nothing: every bad row is named and, while there is one, nothing is stored (the caller
rolls back). A file imported again changes nothing and says so. A station the file does not name
is left as it is, and the report counts it.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.ledger_report import RowNote
from models.stations.record import Station
from models.stations.sheet import ListedStation, read_station_sheet


@dataclass
class StationImportReport:
    """What one import did: stations ``created``, ``updated`` (their names) and ``unchanged``;
    ``untouched``: stations stored before that the file does not name; ``errors``: rows that
    stopped the import (nothing stored); ``warnings``: rows imported with a remark (coordinates
    swapped); ``unused_columns``: headers not read."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    untouched: int = 0
    errors: list[RowNote] = field(default_factory=list)
    warnings: list[RowNote] = field(default_factory=list)
    unused_columns: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """The report printed to staff, in Chinese."""
        if self.errors:
            return "\n".join([f"阳光驿站没有导入：有问题的行 {len(self.errors)} 行。为免只导入一半，其他行也没有写入；"
                              "请改正以下各行后重新导入：", *(f"  {note}" for note in self.errors)])
        lines = [f"阳光驿站导入完成：新增 {len(self.created)} 个，更新 {len(self.updated)} 个，无变化 {self.unchanged} 个。"]
        if not (self.created or self.updated):
            lines.append("没有变化：文件与系统中的驿站一致。")
        if self.updated:
            lines.append("已更新：" + "、".join(self.updated))
        if self.untouched:
            lines.append(f"系统中另有 {self.untouched} 个驿站不在这个文件里，没有改动。")
        if self.warnings:
            lines.append(f"请核对以下 {len(self.warnings)} 行（已导入）：")
            lines += [f"  {note}" for note in self.warnings]
        if self.unused_columns:
            lines.append("未识别的列（未导入）：" + "、".join(self.unused_columns)
                         + "；可导入的列：驿站名称、省份、城市、区县、地址、经度、纬度、咨询热线、服务时间、服务内容")
        return "\n".join(lines)


def import_stations(session: Session, rows: Sequence[Sequence[object]]) -> StationImportReport:
    """Read ``rows`` (``models.org_file.read_org_rows``) and store them. Returns the report; with
    ``errors`` in it nothing was written and the caller must roll back anyway (it stays one
    transaction). Raises :class:`models.ledger.CellError` for an empty file or one without a
    usable header."""
    sheet = read_station_sheet(rows)
    report = StationImportReport(errors=sheet.errors, warnings=sheet.warnings, unused_columns=sheet.unused_columns)
    if report.errors:
        return report
    stored = {(s.name, s.city): s for s in session.scalars(select(Station))}
    for listed in sheet.stations:
        station = stored.pop((listed.name, listed.city), None)
        values = _values(listed)
        if station is None:
            session.add(Station(name=listed.name, city=listed.city, **values))
            report.created.append(listed.name)
        elif any(getattr(station, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(station, key, value)
            report.updated.append(listed.name)
        else:
            report.unchanged += 1
    report.untouched = len(stored)
    session.flush()
    return report


def _values(listed: ListedStation) -> dict[str, object]:
    """The stored columns of ``listed`` besides its key (name, city)."""
    return {"province": listed.province, "district": listed.district, "address": listed.address,
            "hotline": listed.hotline, "hours": listed.hours, "services": listed.services,
            "latitude": listed.point.latitude, "longitude": listed.point.longitude}
