"""Placing points (tip boxes, venues, schools, incidents, tips) in their village.

The rule, stated once for every record type:

1. A point inside a village belongs to it.
2. A point on the border between villages belongs to the village whose code sorts first
   (``T2`` before ``T10``), so the answer never depends on the order of rows.
3. A point inside the commune outline but in no village (a sliver between village
   polygons) belongs to the nearest village.
4. A point outside the commune outline is refused; the distance to the outline is given.
"""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import Transformer
from shapely.geometry.base import BaseGeometry

from geo.crs import METRIC_CRS


def natural_key(code: str) -> tuple:
    """Sort key for codes with numbers: ``T2`` before ``T10``."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", str(code)))


def lonlat_from_xy(x: np.ndarray, y: np.ndarray, epsg: int) -> tuple[np.ndarray, np.ndarray]:
    """VN-2000 x/y (easting, northing in metres, ``epsg``) to WGS 84 lon/lat.

    Uses pyproj's best transformation, which includes the VN-2000 datum shift.
    """
    transformer = Transformer.from_crs(epsg, 4326, always_xy=True)
    lon, lat = transformer.transform(np.asarray(x, float), np.asarray(y, float))
    return np.asarray(lon), np.asarray(lat)


def assign_villages(points: pd.DataFrame, villages: gpd.GeoDataFrame,
                    outline: BaseGeometry) -> pd.DataFrame:
    """The village of every point, by the rule in this module's docstring.

    Parameters
    ----------
    points : DataFrame with ``lat`` and ``lon`` (EPSG:4326), any index.
    villages : GeoDataFrame in EPSG:4326 with ``code``.
    outline : the commune outline in EPSG:4326.

    Returns
    -------
    DataFrame on the same index with ``village_code`` (None when refused), ``rule``
    ("inside", "border", "nearest" or "outside") and ``outside_m`` (distance to the
    outline in metres for refused points, else 0).

    Examples
    --------
    >>> from shapely.geometry import box
    >>> v = gpd.GeoDataFrame({"code": ["T1", "T2"]}, geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)],
    ...                      crs="EPSG:4326")
    >>> p = pd.DataFrame({"lat": [0.5, 0.5, 0.5], "lon": [0.5, 1.0, 3.0]})
    >>> assign_villages(p, v, box(0, 0, 2, 1))["village_code"].tolist()
    ['T1', 'T1', None]
    """
    out = pd.DataFrame({"village_code": None, "rule": None, "outside_m": 0.0},
                       index=points.index, dtype=object)
    if points.empty:
        return out
    # Inside/border is decided in lon/lat, exactly as the files define the borders;
    # distances are measured in metres.
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(points["lon"], points["lat"]),
                           index=points.index, crs="EPSG:4326")
    ordered = villages[["code", "geometry"]].iloc[sorted(
        range(len(villages)), key=lambda i: natural_key(villages["code"].iloc[i]))]
    ordered = ordered.reset_index(drop=True)
    _inside_or_border(pts, ordered, out)
    _nearest_or_outside(pts.to_crs(METRIC_CRS), ordered.to_crs(METRIC_CRS), outline, out)
    return out


def _inside_or_border(pts: gpd.GeoDataFrame, ordered: gpd.GeoDataFrame,
                      out: pd.DataFrame) -> None:
    # "intersects" catches points on a border too; the first village in code order wins.
    hits = gpd.sjoin(pts, ordered, how="inner", predicate="intersects")
    hits = hits.reset_index(names="point").sort_values(["point", "index_right"])
    counts = hits.groupby("point").size()
    first = hits.drop_duplicates("point").set_index("point")
    out.loc[first.index, "village_code"] = first["code"]
    out.loc[first.index, "rule"] = np.where(counts.loc[first.index] > 1, "border", "inside")


def _nearest_or_outside(pts: gpd.GeoDataFrame, metric: gpd.GeoDataFrame,
                        outline: BaseGeometry, out: pd.DataFrame) -> None:
    rest = pts[out["village_code"].isna()]
    if rest.empty:
        return
    target = gpd.GeoSeries([outline], crs="EPSG:4326").to_crs(METRIC_CRS).iloc[0]
    inside = rest.within(target) | rest.touches(target)
    if inside.any():
        near = gpd.sjoin_nearest(rest[inside], metric, how="left")
        near = near[~near.index.duplicated(keep="first")]
        out.loc[near.index, "village_code"] = near["code"]
        out.loc[near.index, "rule"] = "nearest"
    outside = rest[~inside]
    out.loc[outside.index, "rule"] = "outside"
    out.loc[outside.index, "outside_m"] = outside.distance(target).round(0)
