"""The sunshine station (阳光驿站) as stored: a service point with a hotline for mobile members."""
from __future__ import annotations

from sqlalchemy import Float, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, intpk


class Station(Base):
    """One station. ``city`` and ``province`` are short names as ``models.places`` stores them
    (深圳, 广东); ``district`` is as written (龙华区) or ``None``. ``latitude`` / ``longitude`` are
    decimal degrees in GCJ-02 — the datum of Chinese maps (AMap, Tencent Maps) and of the location
    a member sends in WeChat — ``None`` only for a station stored before coordinates were kept.
    ``services`` lists what it offers, items joined by 、 (政策咨询、法律援助), or ``None``;
    ``hours`` is free text, ``""`` when unknown. A station is known by its name within its city:
    the import matches on (name, city), so a file imported again updates it."""

    __tablename__ = "stations"
    __table_args__ = (UniqueConstraint("name", "city"),)

    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(String(100))
    province: Mapped[str] = mapped_column(String(32))
    city: Mapped[str] = mapped_column(String(32), index=True)
    address: Mapped[str] = mapped_column(String(200))
    hotline: Mapped[str] = mapped_column(String(20))
    hours: Mapped[str] = mapped_column(String(64))
    district: Mapped[str | None] = mapped_column(String(32))
    services: Mapped[str | None] = mapped_column(Text)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
