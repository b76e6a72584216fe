"""Sunshine stations (阳光驿站): service points with a hotline for mobile members."""
from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, intpk


class Station(Base):
    __tablename__ = "stations"

    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(String(100))
    province: Mapped[str] = mapped_column(String(32))
    city: Mapped[str] = mapped_column(String(32), index=True)
    address: Mapped[str] = mapped_column(String(200))
    hotline: Mapped[str] = mapped_column(String(20))
    hours: Mapped[str] = mapped_column(String(64))
