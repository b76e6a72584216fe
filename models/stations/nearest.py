"""Which sunshine stations are nearest: to a point (a location the member sent) or to a city (the
member's city on the roster, or one named in the message), by straight-line distance.

Stations are read as plain rows (a station's columns as attributes) in one statement, run on the
driver (``models.driver_statements``): 驿站 is one of the messages members send most, and a
district has tens of stations, not thousands.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.driver_statements import DriverStatement
from models.places import city_centre
from models.stations.geo import distance_km
from models.stations.record import Station

_STATIONS = DriverStatement(select(Station.__table__).order_by(Station.id), {})
_ANY = DriverStatement(select(Station.__table__.c.id).limit(1), {})
NEAREST = 3


@dataclass(frozen=True)
class Nearby:
    """One station in an answer: its row, the distance in km (``None`` when it cannot be told:
    a station stored without coordinates, or a city without a known centre) and whether it is in
    the city asked about."""

    station: tuple  # the station's columns by name: station.name, station.hotline …
    km: float | None
    same_city: bool = False


def any_station(session: Session) -> bool:
    """Whether any station is registered (a Core statement built once: asked on the way to
    every 驿站 answer that found none nearby)."""
    return _ANY.first(session, {}) is not None


def nearest_to_point(session: Session, latitude: float, longitude: float, count: int = NEAREST) -> list[Nearby]:
    """The ``count`` stations nearest (``latitude``, ``longitude``) — GCJ-02 decimal degrees —
    nearest first; stations without coordinates are left out."""
    found = [Nearby(row, distance_km(latitude, longitude, row.latitude, row.longitude))
             for row in _STATIONS.all(session, {}) if row.latitude is not None and row.longitude is not None]
    return sorted(found, key=lambda n: n.km)[:count]


def nearest_to_city(session: Session, city: str, count: int = NEAREST) -> list[Nearby]:
    """The ``count`` stations nearest the city ``city`` (short name, 深圳): the city's own first
    (``same_city``; nearest its centre first), then the others by their distance from its centre
    (``models.places.city_centre``). For a city without a known centre only its own stations,
    without distances."""
    centre = city_centre(city)
    found = []
    for row in _STATIONS.all(session, {}):
        placed = centre is not None and row.latitude is not None and row.longitude is not None
        km = distance_km(*centre, row.latitude, row.longitude) if placed else None
        if row.city == city or km is not None:
            found.append(Nearby(row, km, row.city == city))
    far = float("inf")
    return sorted(found, key=lambda n: (not n.same_city, far if n.km is None else n.km))[:count]
