"""Synthetic village (thôn) polygons for demo communes.

No public village boundaries exist for Vietnam, so the demo map splits a
commune outline into seeded random Voronoi cells and gives them invented
names, households and population. Everything produced by
:func:`synthetic_villages` is fake and is flagged ``synthetic=True``.

The functions are pure. The public ones take and return geometries in
EPSG:4326 and do their metric work in a projected CRS (UTM 48N by default).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import MultiPoint, MultiPolygon, Point, Polygon
from shapely.geometry.base import BaseGeometry

from geo.crs import METRIC_CRS

WGS84 = "EPSG:4326"
DEFAULT_METRIC_CRS = METRIC_CRS  # UTM 48N: all of Vietnam west of 108°E
DECIMALS = 7  # RFC 7946 files are written with 7 decimals (about 1 cm)
HOUSEHOLD_SIZE = 3.8  # people per household used to derive households
MIN_HOLE_M2 = 10_000.0  # 1 ha: smaller holes and parts are artefacts
SIMPLIFY_M = 0.01  # drops float-noise vertices left by overlay operations


def _project(geom: BaseGeometry, src: str, dst: str) -> BaseGeometry:
    """Reproject a shapely geometry from ``src`` to ``dst`` (lon/lat order)."""
    tr = Transformer.from_crs(src, dst, always_xy=True)

    def _xy(coords: np.ndarray) -> np.ndarray:
        x, y = tr.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geom, _xy)


def _polygon_parts(geom: BaseGeometry) -> list[Polygon]:
    """Return the non-empty Polygon parts of any geometry (lines dropped)."""
    parts = shapely.get_parts(geom)
    out: list[Polygon] = []
    for part in parts:
        if isinstance(part, Polygon) and not part.is_empty and part.area > 0:
            out.append(part)
        elif isinstance(part, MultiPolygon) or part.geom_type == "GeometryCollection":
            out.extend(_polygon_parts(part))
    return out


def _round_polygon(geom: BaseGeometry) -> Polygon | MultiPolygon:
    """Round coordinates to :data:`DECIMALS` and repair if that broke validity.

    Parameters
    ----------
    geom : Polygon or MultiPolygon
        Geometry in EPSG:4326.

    Returns
    -------
    Polygon or MultiPolygon
        Valid geometry whose coordinates lie on the 1e-7 degree grid.
    """
    rounded = shapely.transform(geom, lambda c: np.round(c, DECIMALS))
    rounded = shapely.remove_repeated_points(rounded)
    if rounded.is_valid:
        return rounded
    parts = _polygon_parts(shapely.make_valid(rounded))
    fixed = shapely.set_precision(shapely.union_all(parts), 10.0**-DECIMALS)
    parts = _polygon_parts(fixed)
    if not parts:
        raise ValueError("geometry collapsed when rounded to the 1e-7 degree grid")
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)


def _single_polygon(geom: BaseGeometry, min_area: float) -> Polygon:
    """Drop parts and holes below ``min_area``; require exactly one part left.

    Parameters
    ----------
    geom : BaseGeometry
        Polygonal geometry in a metric CRS.
    min_area : float
        Area threshold in square metres.

    Returns
    -------
    Polygon
        The one remaining part, without small holes.

    Raises
    ------
    ValueError
        If no part or more than one part is at least ``min_area``.
    """
    parts = [p for p in _polygon_parts(geom) if p.area >= min_area]
    if len(parts) != 1:
        raise ValueError(f"expected one polygon, got {len(parts)} parts >= {min_area} m²")
    poly = parts[0]
    holes = [r for r in poly.interiors if Polygon(r).area >= min_area]
    return Polygon(poly.exterior, holes)


def commune_outline(
    communes: gpd.GeoDataFrame,
    names: list[str],
    metric_crs: str = DEFAULT_METRIC_CRS,
    sliver_width_m: float = 25.0,
) -> Polygon:
    """Union named communes into one clean outline.

    The source polygons were simplified one by one, so neighbours leave thin
    gaps. A morphological closing (mitre buffer ``+w`` then ``-w`` in the
    metric CRS) fills gaps narrower than ``2 * w`` while keeping the vertices.

    Parameters
    ----------
    communes : geopandas.GeoDataFrame
        Communes with a ``name`` column, in any CRS.
    names : list of str
        Values of ``name`` to merge; each must match exactly one row.
    metric_crs : str, default :data:`geo.crs.METRIC_CRS`
        Projected CRS used for buffering and areas.
    sliver_width_m : float, default 25.0
        Closing radius ``w`` in metres.

    Returns
    -------
    shapely.Polygon
        Valid polygon in EPSG:4326, 7-decimal coordinates, no hole < 1 ha.

    Raises
    ------
    ValueError
        If ``names`` is empty, a name matches zero or several rows, or the
        union does not form a single polygon.
    """
    if not names:
        raise ValueError("names must not be empty")
    wanted = [unicodedata.normalize("NFC", n) for n in names]
    column = communes["name"].map(lambda s: unicodedata.normalize("NFC", str(s)))
    counts = column.value_counts()
    bad = [n for n in wanted if counts.get(n, 0) != 1]
    if bad:
        raise ValueError(f"names must match exactly one commune each: {bad}")
    metric = communes[column.isin(wanted)].to_crs(metric_crs)
    merged = shapely.union_all(metric.geometry.values)
    closed = merged.buffer(sliver_width_m, join_style="mitre", mitre_limit=10.0)
    closed = closed.buffer(-sliver_width_m, join_style="mitre", mitre_limit=10.0)
    closed = shapely.simplify(shapely.union(merged, closed), SIMPLIFY_M)
    poly = _single_polygon(closed, MIN_HOLE_M2)
    result = _round_polygon(_project(poly, metric_crs, WGS84))
    if not isinstance(result, Polygon):
        raise ValueError("outline split into several parts after rounding")
    return result


def _sample_points(area: Polygon, n: int, rng: np.random.Generator) -> np.ndarray:
    """Draw ``n`` uniform random points inside ``area`` by rejection sampling."""
    xmin, ymin, xmax, ymax = area.bounds
    shapely.prepare(area)
    found = np.empty((0, 2))
    for _ in range(1000):
        cand = rng.uniform((xmin, ymin), (xmax, ymax), size=(max(64, 4 * n), 2))
        inside = cand[shapely.contains_xy(area, cand[:, 0], cand[:, 1])]
        found = np.vstack([found, inside])
        if len(found) >= n:
            return found[:n]
    raise ValueError("could not place points inside the outline")


def _raw_cells(area: Polygon, points: np.ndarray) -> list[BaseGeometry]:
    """Voronoi cells of ``points`` clipped to ``area``, in point order."""
    if len(points) == 1:
        return [area]
    diagram = shapely.voronoi_polygons(MultiPoint(points), extend_to=area.envelope, ordered=True)
    return [shapely.intersection(cell, area) for cell in diagram.geoms]


def _lloyd(area: Polygon, points: np.ndarray, iterations: int) -> np.ndarray:
    """Move each point to its clipped cell's centroid ``iterations`` times.

    This evens out cell sizes (Lloyd relaxation). A centroid that falls
    outside ``area`` is replaced by a point on the cell's largest part.
    """
    for _ in range(iterations):
        moved = []
        for cell in _raw_cells(area, points):
            centre = cell.centroid
            if not area.contains(centre):
                centre = max(_polygon_parts(cell), key=lambda p: p.area).point_on_surface()
            moved.append((centre.x, centre.y))
        points = np.array(moved)
    return points


def _clean_cells(cells: list[BaseGeometry], points: np.ndarray) -> list[BaseGeometry]:
    """Give detached fragments of a cell to the neighbour sharing most border.

    Clipping a Voronoi cell to a non-convex outline can leave a fragment cut
    off from its seed. Each fragment is merged into the cell (other than its
    own) that overlaps the fragment's 1 m neighbourhood most, so cells stay
    contiguous.
    """
    mains: list[BaseGeometry] = []
    fragments: list[tuple[int, Polygon]] = []
    for owner, (cell, (x, y)) in enumerate(zip(cells, points, strict=True)):
        parts = sorted(_polygon_parts(cell), key=lambda p: -p.area)
        seed = Point(x, y)
        main = next((p for p in parts if p.covers(seed)), parts[0])
        mains.append(main)
        fragments.extend((owner, p) for p in parts if p is not main)
    for owner, frag in fragments:
        zone = frag.buffer(1.0)
        shared = [zone.intersection(m).area if i != owner else -1.0 for i, m in enumerate(mains)]
        best = int(np.argmax(shared))
        mains[best] = shapely.union(mains[best], frag)
    cleaned = [_polygon_parts(m) for m in mains]
    return [p[0] if len(p) == 1 else MultiPolygon(p) for p in cleaned]


def _row_major_order(cells: list[BaseGeometry], bounds: tuple[float, ...]) -> np.ndarray:
    """Index order reading cells in rows: north to south, west to east.

    The number of rows follows the outline's aspect ratio so that rows hold
    about as many cells as they are tall; cells are split into rows by the
    northing of their centroids, then sorted by easting within each row.
    """
    xy = np.array([(c.centroid.x, c.centroid.y) for c in cells])
    width, height = bounds[2] - bounds[0], bounds[3] - bounds[1]
    n_rows = int(np.clip(round(np.sqrt(len(cells) * height / width)), 1, len(cells)))
    by_north = np.argsort(-xy[:, 1], kind="stable")
    rows = np.array_split(by_north, n_rows)
    return np.concatenate([row[np.argsort(xy[row, 0], kind="stable")] for row in rows])


def apportion(weights: Sequence[float], total: int) -> np.ndarray:
    """Split an integer ``total`` in proportion to ``weights``, each part >= 1.

    Parameters
    ----------
    weights : sequence of float
        Positive weights.
    total : int
        Integer to split; must be at least ``len(weights)``.

    Returns
    -------
    numpy.ndarray
        Integers summing exactly to ``total`` (largest-remainder method).
    """
    w = np.asarray(weights, dtype=float)
    if total < len(w) or (w <= 0).any():
        raise ValueError("need total >= len(weights) and positive weights")
    raw = w / w.sum() * (total - len(w))
    parts = np.floor(raw).astype(int) + 1
    short = total - int(parts.sum())
    parts[np.argsort(-(raw - np.floor(raw)), kind="stable")[:short]] += 1
    return parts


def _attributes(areas: Sequence[float], total: int, rng: np.random.Generator) -> dict:
    """Codes, names, households and population for cells of the given areas.

    Population is split in proportion to ``area * noise`` with noise uniform in
    [0.7, 1.3]; households are population / :data:`HOUSEHOLD_SIZE`, rounded, >= 1.
    """
    n = len(areas)
    noise = rng.uniform(0.7, 1.3, size=n)
    population = apportion(np.asarray(areas, dtype=float) * noise, total)
    households = np.maximum(1, np.floor(population / HOUSEHOLD_SIZE + 0.5)).astype(int)
    width = max(2, len(str(n)))
    return {
        "code": [f"T{i:0{width}d}" for i in range(1, n + 1)],
        "name": [unicodedata.normalize("NFC", f"Thôn {i}") for i in range(1, n + 1)],
        "households": households,
        "population": population,
        "synthetic": True,
    }


def _check_overlaps(cells: list[BaseGeometry], max_m2: float = 0.01) -> None:
    """Raise if any two (metric) cells overlap by more than ``max_m2``.

    Rounding moves vertices by at most about 1 cm and neighbours share their
    vertices, so any real overlap means a bug rather than rounding noise.
    """
    tree = shapely.STRtree(cells)
    left, right = tree.query(cells, predicate="intersects")
    for i, j in zip(left, right, strict=True):
        if i < j and cells[i].intersection(cells[j]).area > max_m2:
            raise RuntimeError(f"cells {i} and {j} overlap after rounding")


def synthetic_villages(
    outline: Polygon | MultiPolygon,
    n: int = 10,
    seed: int = 0,
    total_population: int = 5991,
    metric_crs: str = DEFAULT_METRIC_CRS,
    lloyd_iterations: int = 12,
) -> gpd.GeoDataFrame:
    """Split a commune outline into ``n`` synthetic villages (thôn).

    Seeded random points are spread inside the outline (rejection sampling
    plus Lloyd relaxation), their Voronoi cells are clipped to the outline,
    and the cells are numbered in rows from the north-west ("Thôn 1") to the
    south-east. Population is split roughly by area with seeded noise.

    Parameters
    ----------
    outline : shapely.Polygon or shapely.MultiPolygon
        Commune outline in EPSG:4326.
    n : int, default 10
        Number of villages.
    seed : int, default 0
        Seed for ``numpy.random.default_rng``; same seed, same output.
    total_population : int, default 5991
        Commune population; village populations sum to exactly this.
    metric_crs : str, default :data:`geo.crs.METRIC_CRS`
        Projected CRS for the geometry work.
    lloyd_iterations : int, default 12
        Relaxation steps; more gives more even cell sizes.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, columns ``code``, ``name``, ``households``, ``population``,
        ``synthetic`` and ``geometry``; coordinates rounded to 7 decimals.

    Raises
    ------
    ValueError
        If ``n < 1``, ``total_population < n`` or the outline is empty or
        invalid.
    """
    if n < 1 or total_population < n:
        raise ValueError("need n >= 1 and total_population >= n")
    area = _project(outline, WGS84, metric_crs)
    if area.is_empty or not area.is_valid:
        raise ValueError("outline must be a valid, non-empty (Multi)Polygon")
    rng = np.random.default_rng(seed)
    points = _lloyd(area, _sample_points(area, n, rng), lloyd_iterations)
    cells = _clean_cells(_raw_cells(area, points), points)
    cells = [cells[i] for i in _row_major_order(cells, area.bounds)]
    table = _attributes([c.area for c in cells], total_population, rng)
    geometry = [_round_polygon(_project(c, metric_crs, WGS84)) for c in cells]
    _check_overlaps([_project(g, WGS84, metric_crs) for g in geometry])
    return gpd.GeoDataFrame(table, geometry=geometry, crs=WGS84)
