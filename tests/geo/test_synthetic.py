"""Tests for geo.demo.villages and the demo files shipped in boundaries/."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
import unicodedata
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import Polygon, box

from geo.demo.villages import _check_overlaps, apportion, commune_outline, synthetic_villages

REPO = Path(__file__).resolve().parents[2]
BOUNDARIES = REPO / "boundaries"
SHARED = REPO.parent / "shared" / "data" / "boundaries"
SHIPPED = [
    "cam_tan_15178_commune.geojson",
    "cam_tan_15178_villages.geojson",
    "cam_thuy_communes_2019.geojson",
]
METRIC = "EPSG:32648"
TO_METRIC = Transformer.from_crs("EPSG:4326", METRIC, always_xy=True)
X0, Y0 = TO_METRIC.transform(105.5, 20.1)


def to_wgs84(geom: Polygon) -> Polygon:
    """Project a metric geometry to EPSG:4326 and round to 7 decimals."""
    out = gpd.GeoSeries([geom], crs=METRIC).to_crs("EPSG:4326").iloc[0]
    return shapely.transform(out, lambda c: np.round(c, 7))


def metric_area(geom: Polygon) -> float:
    """Area in m² of an EPSG:4326 geometry."""
    return float(gpd.GeoSeries([geom], crs="EPSG:4326").to_crs(METRIC).area.iloc[0])


@pytest.fixture(scope="module")
def square() -> Polygon:
    """A 2 km square near 20.1 N, 105.5 E, in EPSG:4326."""
    return to_wgs84(box(X0, Y0, X0 + 2000, Y0 + 2000))


@pytest.fixture(scope="module")
def comb() -> Polygon:
    """A 3 x 2 km outline with two deep notches (Voronoi cells get cut)."""
    outer = box(X0, Y0, X0 + 3000, Y0 + 2000)
    notches = [
        box(X0 + 700, Y0 + 500, X0 + 1000, Y0 + 2000),
        box(X0 + 2000, Y0 + 500, X0 + 2300, Y0 + 2000),
    ]
    return to_wgs84(outer.difference(shapely.union_all(notches)))


def assert_tessellates(villages: gpd.GeoDataFrame, outline: Polygon) -> None:
    """Cells are valid Polygons, do not overlap and cover ``outline``."""
    assert villages.crs.to_epsg() == 4326
    assert villages.is_valid.all()
    assert (villages.geom_type == "Polygon").all()
    cells = villages.to_crs(METRIC).geometry.tolist()
    for a, b in itertools.combinations(cells, 2):
        assert a.intersection(b).area < 1.0
    target = gpd.GeoSeries([outline], crs="EPSG:4326").to_crs(METRIC).iloc[0]
    union = shapely.union_all(cells)
    assert abs(union.area - target.area) / target.area < 1e-3
    assert target.difference(union).area / target.area < 1e-3
    coords = shapely.get_coordinates(villages.geometry.values)
    assert np.array_equal(coords, np.round(coords, 7))


def test_square_villages_columns_and_population(square: Polygon) -> None:
    v = synthetic_villages(square, n=10, seed=1)
    assert list(v.columns) == ["code", "name", "households", "population", "synthetic", "geometry"]
    assert v["code"].tolist() == [f"T{i:02d}" for i in range(1, 11)]
    assert v["name"].tolist() == [f"Thôn {i}" for i in range(1, 11)]
    assert all(unicodedata.is_normalized("NFC", s) for s in v["name"])
    assert v["synthetic"].astype(bool).all()
    assert int(v["population"].sum()) == 5991
    assert (v["households"] >= 1).all()
    assert (np.abs(v["households"] - v["population"] / 3.8) <= 0.5 + 1e-9).all()
    assert_tessellates(v, square)
    areas = v.to_crs(METRIC).area
    assert areas.max() / areas.min() < 2.0  # Lloyd relaxation evens out the cells


def test_population_roughly_proportional_to_area(square: Polygon) -> None:
    v = synthetic_villages(square, n=10, seed=2, total_population=100_000)
    density = v["population"] / v.to_crs(METRIC).area
    # noise is uniform in [0.7, 1.3], so densities differ by at most 1.3 / 0.7
    assert density.max() / density.min() < 1.3 / 0.7 + 0.01
    assert density.max() / density.min() > 1.01  # the noise is really there


def test_deterministic_for_seed_and_different_for_other_seed(square: Polygon) -> None:
    a = synthetic_villages(square, seed=7)
    b = synthetic_villages(square, seed=7)
    c = synthetic_villages(square, seed=8)
    assert a.drop(columns="geometry").equals(b.drop(columns="geometry"))
    assert all(shapely.equals_exact(a.geometry.values, b.geometry.values, tolerance=0))
    assert not all(shapely.equals_exact(a.geometry.values, c.geometry.values, tolerance=1e-6))


def test_numbering_runs_in_rows_from_north_west(square: Polygon) -> None:
    v = synthetic_villages(square, n=10, seed=3).to_crs(METRIC)
    x, y = v.centroid.x.to_numpy(), v.centroid.y.to_numpy()
    assert x[0] < np.median(x) and y[0] > np.median(y)  # Thôn 1 in the NW
    rows = [slice(0, 4), slice(4, 7), slice(7, 10)]  # sqrt(10) -> 3 rows: 4, 3, 3
    for row in rows:
        assert np.all(np.diff(x[row]) > 0)  # west to east
    for upper, lower in itertools.pairwise(rows):
        assert y[upper].min() >= y[lower].max()  # north to south


@pytest.mark.parametrize("seed", [0, 4, 5, 9])
@pytest.mark.parametrize("iterations", [0, 12])
def test_non_convex_outline_gives_single_polygons(
    comb: Polygon, seed: int, iterations: int
) -> None:
    v = synthetic_villages(comb, n=10, seed=seed, lloyd_iterations=iterations)
    assert_tessellates(v, comb)
    assert int(v["population"].sum()) == 5991


def test_invalid_arguments(square: Polygon) -> None:
    with pytest.raises(ValueError):
        synthetic_villages(square, n=0)
    with pytest.raises(ValueError):
        synthetic_villages(square, n=10, total_population=9)
    with pytest.raises(ValueError):
        synthetic_villages(Polygon(), n=3)


def test_apportion_exact_sum() -> None:
    parts = apportion([1.0, 1.0, 1.0], 10)
    assert parts.sum() == 10 and sorted(parts.tolist()) == [3, 3, 4]
    parts = apportion([1000.0, 1e-6], 50)
    assert parts.tolist() == [49, 1]
    with pytest.raises(ValueError):
        apportion([1.0, 0.0], 10)


def test_overlap_guard() -> None:
    _check_overlaps([box(0, 0, 10, 10), box(10, 0, 20, 10)])  # touching is fine
    with pytest.raises(RuntimeError):
        _check_overlaps([box(0, 0, 10, 10), box(9, 0, 20, 10)])


def _communes() -> gpd.GeoDataFrame:
    """Three hand-made communes: A and B 10 m apart (A has two holes), C far."""
    small = box(X0 + 100, Y0 + 100, X0 + 180, Y0 + 180)  # 0.64 ha
    large = box(X0 + 500, Y0 + 500, X0 + 700, Y0 + 700)  # 4 ha
    a = Polygon(
        box(X0, Y0, X0 + 1000, Y0 + 1000).exterior,
        holes=[small.exterior, large.exterior],
    )
    b = box(X0 + 1010, Y0, X0 + 2000, Y0 + 1000)
    c = box(X0 + 5000, Y0, X0 + 6000, Y0 + 1000)
    return gpd.GeoDataFrame(
        {"name": ["Xã A", "Xã B", "Xã C"]}, geometry=[a, b, c], crs=METRIC
    ).to_crs("EPSG:4326")


def test_commune_outline_closes_gap_and_small_holes() -> None:
    outline = commune_outline(_communes(), ["Xã A", "Xã B"])
    assert isinstance(outline, Polygon) and outline.is_valid
    assert len(outline.interiors) == 1  # 0.64 ha hole dropped, 4 ha hole kept
    hole_m2 = metric_area(Polygon(outline.interiors[0]))
    assert abs(hole_m2 - 40_000) < 10
    # 2 km x 1 km minus the 4 ha hole; the 10 m gap and 0.64 ha hole are filled
    assert abs(metric_area(outline) - (2_000_000 - 40_000)) < 50
    coords = shapely.get_coordinates(outline)
    assert np.array_equal(coords, np.round(coords, 7))


def test_commune_outline_rejects_bad_names_and_disjoint_parts() -> None:
    communes = _communes()
    with pytest.raises(ValueError):
        commune_outline(communes, ["Xã A", "Xã Z"])
    with pytest.raises(ValueError):
        commune_outline(communes, [])
    with pytest.raises(ValueError):
        commune_outline(communes, ["Xã A", "Xã C"])


def test_shipped_files() -> None:
    for name in SHIPPED:
        text = (BOUNDARIES / name).read_text(encoding="utf-8")
        assert unicodedata.is_normalized("NFC", text), name
        assert json.loads(text)["type"] == "FeatureCollection"
    commune = gpd.read_file(BOUNDARIES / SHIPPED[0])
    villages = gpd.read_file(BOUNDARIES / SHIPPED[1])
    district = gpd.read_file(BOUNDARIES / SHIPPED[2])
    assert len(commune) == 1 and len(villages) == 10 and len(district) == 20
    row = commune.iloc[0]
    assert (row["code"], row["name"], row["population"]) == ("15178", "Cẩm Tân", 5991)
    assert commune.geom_type.iloc[0] == "Polygon" and commune.is_valid.all()
    # T10's figure is blank on purpose; the nine others keep their synthetic share
    assert villages["population"].isna().tolist() == [False] * 9 + [True]
    assert int(villages["population"].sum()) == 5991 - 614
    assert villages["synthetic"].astype(bool).all()
    assert villages["code"].tolist() == [f"T{i:02d}" for i in range(1, 11)]
    assert_tessellates(villages, commune.geometry.iloc[0])
    areas = villages.to_crs(METRIC).area
    assert areas.max() / areas.min() < 2.0


@pytest.mark.skipif(not (SHARED / "cam_thuy_communes.geojson").exists(), reason="no shared data")
def test_build_script_reproduces_shipped_files(tmp_path: Path) -> None:
    cmd = [
        sys.executable,
        str(BOUNDARIES / "build_demo.py"),
        "--shared",
        str(SHARED),
        "--out",
        str(tmp_path),
    ]
    subprocess.run(cmd, check=True, capture_output=True)
    for name in SHIPPED:
        assert (tmp_path / name).read_bytes() == (BOUNDARIES / name).read_bytes(), name
