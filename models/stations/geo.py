"""Distances on the ground, computed here: no online geocoder is asked.

Coordinates are decimal degrees, (latitude, longitude). Stations, city centres and the location
a member sends in WeChat are all GCJ-02; GCJ-02 shifts WGS-84 by a few hundred metres at most,
so distances in kilometres read the same in either.
"""
from __future__ import annotations

import math

# Mean Earth radius (IUGG), km.
EARTH_RADIUS_KM = 6371.0088
# Where a station can be: mainland China, Hong Kong, Macau and the South China Sea islands.
# Latitude 3–54 (曾母暗沙 to 漠河), longitude 73–136 (帕米尔 to 黑瞎子岛). The two ranges do not
# overlap, so a latitude and longitude written the wrong way round are told apart by value alone.
LATITUDE_RANGE = (3.0, 54.0)
LONGITUDE_RANGE = (73.0, 136.0)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle distance in km between two points (haversine formula, spherical Earth:
    within 0.5 % of the ellipsoid, plenty for "which station is nearest")."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, a)))


def is_latitude(value: float) -> bool:
    """Whether ``value`` is a latitude a station can have (:data:`LATITUDE_RANGE`)."""
    return LATITUDE_RANGE[0] <= value <= LATITUDE_RANGE[1]


def is_longitude(value: float) -> bool:
    """Whether ``value`` is a longitude a station can have (:data:`LONGITUDE_RANGE`)."""
    return LONGITUDE_RANGE[0] <= value <= LONGITUDE_RANGE[1]


def in_service_area(lat: float, lon: float) -> bool:
    """Whether (``lat``, ``lon``) lies in the area stations serve."""
    return is_latitude(lat) and is_longitude(lon)
