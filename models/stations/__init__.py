"""Sunshine stations (阳光驿站): service points with a hotline for mobile members — the stored
station (``record``), which are nearest a place (``nearest``, ``geo``), and the station list a
district keeps in Excel (``sheet``, ``sheet_import``, ``export``)."""
from models.stations.nearest import (
    Nearby,
    any_station,
    nearest_to_city,
    nearest_to_point,
)
from models.stations.record import Station

__all__ = ["Nearby", "Station", "any_station", "nearest_to_city", "nearest_to_point"]
