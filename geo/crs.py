"""Deciding the coordinate reference system of a file that does not say it.

Vietnamese cadastral files often come without a ``.prj``. Their coordinates are then
VN-2000, but in which projection? The province's TM-3 zone (Thanh Hóa: central meridian
105°00', EPSG:5897), VN-2000 / UTM 48N (EPSG:3405, same datum, other scale factor: about
600 m apart in northing here) or even WGS 84 / UTM 48N (EPSG:32648, other datum). When the
commune outline is known, each candidate is tried and the one whose result fits the
outline best is kept.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import shapely
from shapely.geometry.base import BaseGeometry

METRIC_CRS = "EPSG:32648"  # WGS 84 / UTM 48N, for areas and distances in this region
# VN-2000 projections tried when a file gives none: the province's own zone first.
VN2000_CANDIDATES = (5897, 3405, 32648, 5896, 5898, 5899, 9210)
MIN_FIT = 0.5  # below this share of overlap, no candidate is taken to fit


@dataclass(frozen=True)
class CrsChoice:
    """The CRS used to read a file and why it was chosen."""

    crs: str
    reason: str  # "given", "declared", "degrees", "best_fit", "assumed"
    fit: float | None = None  # intersection over union with the commune outline
    others: tuple[tuple[str, float], ...] = ()  # the other candidates and their fit


def looks_like_degrees(bounds: tuple[float, float, float, float]) -> bool:
    minx, miny, maxx, maxy = bounds
    return -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90


def looks_like_vn2000(bounds: tuple[float, float, float, float]) -> bool:
    """Metric eastings/northings in the range VN-2000 projections give in Vietnam."""
    minx, miny, maxx, maxy = bounds
    return 100_000 <= minx <= maxx <= 900_000 and 900_000 <= miny <= maxy <= 2_700_000


def fit(frame: gpd.GeoDataFrame, crs: str | int, outline: BaseGeometry) -> float:
    """Intersection over union of the file's polygons, read as ``crs``, with ``outline``.

    ``outline`` is in EPSG:4326; both are compared in a metric CRS.
    """
    shapes = frame.set_crs(crs, allow_override=True).to_crs(METRIC_CRS)
    union = shapely.union_all(shapely.make_valid(shapes.geometry.values))
    target = gpd.GeoSeries([outline], crs="EPSG:4326").to_crs(METRIC_CRS).iloc[0]
    both = union.union(target).area
    return float(union.intersection(target).area / both) if both else 0.0


def choose_crs(
    frame: gpd.GeoDataFrame,
    *,
    given: str | None,
    declared: str | None,
    outline: BaseGeometry | None,
    province_epsg: int = 5897,
) -> CrsChoice | None:
    """Pick the CRS to read ``frame`` in, or ``None`` when it cannot be told.

    Parameters
    ----------
    frame : GeoDataFrame
        The layer as read; its own CRS is ignored (``declared`` says what the file said).
    given : str or None
        A CRS the user gave (``--crs``); always wins.
    declared : str or None
        The CRS the file declares (``.prj``, GeoJSON, GeoPackage).
    outline : shapely geometry or None
        The commune outline in EPSG:4326, used to test candidates.
    province_epsg : int
        The province's VN-2000 TM-3 zone, tried first and assumed without an outline.
    """
    if given:
        return CrsChoice(given, "given")
    if declared:
        return CrsChoice(declared, "declared")
    bounds = tuple(frame.total_bounds)
    if looks_like_degrees(bounds):
        return CrsChoice("EPSG:4326", "degrees")
    if not looks_like_vn2000(bounds):
        return None
    candidates = [province_epsg] + [c for c in VN2000_CANDIDATES if c != province_epsg]
    if outline is None:
        return CrsChoice(f"EPSG:{province_epsg}", "assumed")
    scored = sorted(((fit(frame, c, outline), c) for c in candidates), reverse=True)
    best_fit, best = scored[0]
    if best_fit < MIN_FIT:
        return None
    others = tuple((f"EPSG:{c}", round(f, 3)) for f, c in scored[1:3])
    return CrsChoice(f"EPSG:{best}", "best_fit", round(best_fit, 3), others)
