"""The station list back out (``kiteline export stations FILE.xlsx``): one row per station under
the headers ``models.stations.sheet`` reads, so a file exported and imported again changes
nothing, and staff keep the list in Excel."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.ledger_files import SheetWriter
from models.stations.record import Station

HEADER = ("驿站名称", "省份", "城市", "区县", "地址", "经度", "纬度", "咨询热线", "服务时间", "服务内容")


def export_stations(session: Session, path: str | Path) -> int:
    """Write every station, by province and city, to the .xlsx ``path``; coordinates as numbers
    (GCJ-02 decimal degrees). Returns how many were written. Raises ``OSError`` when the file
    cannot be written."""
    writer = SheetWriter(path, "阳光驿站")
    writer.append(HEADER)
    count = 0
    for s in session.scalars(select(Station).order_by(Station.province, Station.city, Station.id)):
        writer.append((s.name, s.province, s.city, s.district, s.address, s.longitude, s.latitude, s.hotline,
                       s.hours or None, s.services))
        count += 1
    writer.save()
    return count
