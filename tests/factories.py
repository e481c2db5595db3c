"""Test data built in the tests themselves: outlines, villages, files."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pyogrio
from shapely.geometry import Polygon, box

ROOT = Path(__file__).resolve().parent.parent
DEMO_COMMUNE = ROOT / "boundaries" / "cam_tan_15178_commune.geojson"
DEMO_VILLAGES = ROOT / "boundaries" / "cam_tan_15178_villages.geojson"


def demo_outline() -> Polygon:
    return gpd.read_file(DEMO_COMMUNE).geometry.iloc[0]


def demo_villages() -> gpd.GeoDataFrame:
    return gpd.read_file(DEMO_VILLAGES)


def make_villages(names: list[str], *, x0: float = 105.52, y0: float = 20.12,
                  size: float = 0.01) -> gpd.GeoDataFrame:
    """A row of square villages side by side, in EPSG:4326."""
    shapes = [box(x0 + i * size, y0, x0 + (i + 1) * size, y0 + size) for i in range(len(names))]
    return gpd.GeoDataFrame({
        "code": [f"T{i + 1:02d}" for i in range(len(names))], "name": names,
        "households": [100 + i for i in range(len(names))],
        "population": [400 + i for i in range(len(names))]},
        geometry=shapes, crs="EPSG:4326")


def write_shapefile(frame: gpd.GeoDataFrame, path: Path, *, prj: bool = True,
                    cpg: bool = True, encoding: str | None = None) -> Path:
    """Write a shapefile; optionally drop the .prj and .cpg as legacy files do."""
    pyogrio.write_dataframe(frame, path, driver="ESRI Shapefile", encoding=encoding)
    if not prj:
        path.with_suffix(".prj").unlink(missing_ok=True)
    if not cpg:
        path.with_suffix(".cpg").unlink(missing_ok=True)
    return path


def write_geojson(frame: gpd.GeoDataFrame, path: Path) -> Path:
    path.write_text(frame.to_json(ensure_ascii=False), encoding="utf-8")
    return path


def write_raw_geojson(features: list[dict], path: Path) -> Path:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}),
                    encoding="utf-8")
    return path


def save_records(sessions, name: str, rows: list[dict], commune: str = "15178") -> list:
    """Check and save raw rows of a record type as an import would (rows numbered from 2,
    as in a sheet); returns the problems (nothing is saved when there are any)."""
    from app.db import transaction
    from app.records.schema import BY_NAME
    from app.records.service import Context, check_rows
    from app.records.writers import save_rows

    with transaction(sessions) as session:
        ctx = Context.load(session, commune)
        clean, problems = check_rows(BY_NAME[name], list(enumerate(rows, 2)), ctx)
        if not problems:
            save_rows(session, BY_NAME[name], clean, ctx, actor="test", source="test")
    return problems
