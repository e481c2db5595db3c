"""Build the demo boundary files in ``boundaries/`` from the shared source data.

Usage::

    .venv/bin/python boundaries/build_demo.py [--shared PATH] [--out DIR]

Writes, as RFC 7946 GeoJSON (EPSG:4326, 7 decimals, UTF-8, NFC):

- ``cam_tan_15178_commune.geojson``: Xã Cẩm Tân as of Nov 2024, drawn as the
  union of the 2008-2019 "Cẩm Tân" and "Phúc Do" polygons (merged in 2019).
- ``cam_tan_15178_villages.geojson``: 10 SYNTHETIC villages (thôn); T10 has no
  population figure, on purpose (see ``NO_POPULATION``).
- ``cam_thuy_communes_2019.geojson``: the 20 district communes, byte copy.

The output is deterministic: running the script twice gives identical bytes.
See ``boundaries/README.md`` and the source's ``SOURCE.md`` for caveats.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import unicodedata
from pathlib import Path

import geopandas as gpd
import pyogrio
from shapely.geometry import Polygon

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from geo.demo.villages import DEFAULT_METRIC_CRS, commune_outline, synthetic_villages  # noqa: E402

DEFAULT_SHARED = REPO_ROOT.parent / "shared" / "data" / "boundaries"
DEFAULT_OUT = REPO_ROOT / "boundaries"
SOURCE_FILE = "cam_thuy_communes.geojson"

SEED = 38  # fixed; 38 is Thanh Hóa's province code
N_VILLAGES = 10
COMMUNE_CODE = "15178"
COMMUNE_NAME = "Cẩm Tân"
MERGED_PARTS = ["Cẩm Tân", "Phúc Do"]  # merged by NQ 786/NQ-UBTVQH14 (2019)
POPULATION_2018 = 5991
OFFICIAL_AREA_KM2 = 15.02
# Villages whose population is left blank on purpose, as in a real boundary file where a
# village's figure is missing: the demo shows how the app treats it ("not known"). The
# commune's own figure (5,991) stays known; the other villages keep their synthetic share.
NO_POPULATION = ("T10",)

SOURCE_TEXT = (
    "censusVN2009 R package data/communes.rda (low-res), MIT, (c) 2017 Marc Choisy; "
    "union of Cẩm Tân + Phúc Do by boundaries/build_demo.py; see boundaries/README.md"
)
GEOJSON_OPTIONS = {"RFC7946": "YES", "COORDINATE_PRECISION": "7", "WRITE_BBOX": "NO"}


def nfc(text: str) -> str:
    """Return ``text`` in Unicode NFC."""
    return unicodedata.normalize("NFC", text)


def write_geojson(gdf: gpd.GeoDataFrame, path: Path) -> None:
    """Write ``gdf`` as RFC 7946 GeoJSON via a temporary file, then rename."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.unlink(missing_ok=True)
    pyogrio.write_dataframe(
        gdf.to_crs("EPSG:4326"),
        tmp,
        driver="GeoJSON",
        layer=path.stem,
        layer_options=GEOJSON_OPTIONS,
    )
    os.replace(tmp, path)


def commune_frame(communes: gpd.GeoDataFrame, outline: Polygon) -> gpd.GeoDataFrame:
    """One-row GeoDataFrame for the demo commune with its properties.

    Parameters
    ----------
    communes : geopandas.GeoDataFrame
        The district communes (source of district and province names).
    outline : shapely.Polygon
        Commune outline in EPSG:4326.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, one feature.
    """
    parts = communes[communes["name"].isin([nfc(n) for n in MERGED_PARTS])]
    (district,) = set(parts["district"])
    (province,) = set(parts["province"])
    area_km2 = gpd.GeoSeries([outline], crs="EPSG:4326").to_crs(DEFAULT_METRIC_CRS).area
    vintage = (
        "2008-2019 polygons of Cẩm Tân + Phúc Do (merged 2019-12-01 by NQ "
        "786/NQ-UBTVQH14), standing in for the 2019-2025 commune; thôn Phác Lê "
        f"is missing: {area_km2.iloc[0] / 1e6:.2f} km2 vs official {OFFICIAL_AREA_KM2} km2"
    )
    props = {
        "code": COMMUNE_CODE,
        "name": COMMUNE_NAME,
        "unit_type": "Xã",
        "district": district,
        "province": province,
        "province_code": "38",
        "population": POPULATION_2018,
        "boundary_vintage": vintage,
        "source": SOURCE_TEXT,
    }
    props = {k: nfc(v) if isinstance(v, str) else v for k, v in props.items()}
    return gpd.GeoDataFrame([props], geometry=[outline], crs="EPSG:4326")


def build(shared: Path, out: Path) -> dict[str, gpd.GeoDataFrame]:
    """Build the three demo files from ``shared`` into ``out``.

    Parameters
    ----------
    shared : pathlib.Path
        Folder holding ``cam_thuy_communes.geojson`` (see its ``SOURCE.md``).
    out : pathlib.Path
        Output folder; existing files are overwritten.

    Returns
    -------
    dict of str to geopandas.GeoDataFrame
        The commune and village frames that were written.
    """
    source = shared / SOURCE_FILE
    communes = gpd.read_file(source)
    if len(communes) != 20:
        raise ValueError(f"expected 20 communes in {source}, found {len(communes)}")
    out.mkdir(parents=True, exist_ok=True)
    outline = commune_outline(communes, MERGED_PARTS)
    commune = commune_frame(communes, outline)
    villages = synthetic_villages(
        outline, n=N_VILLAGES, seed=SEED, total_population=POPULATION_2018
    )
    population = villages["population"].astype("Int64")
    villages["population"] = population.mask(villages["code"].isin(NO_POPULATION))
    write_geojson(commune, out / f"cam_tan_{COMMUNE_CODE}_commune.geojson")
    write_geojson(villages, out / f"cam_tan_{COMMUNE_CODE}_villages.geojson")
    shutil.copyfile(source, out / "cam_thuy_communes_2019.geojson")
    return {"commune": commune, "villages": villages}


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; prints a short summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    frames = build(args.shared, args.out)
    metric = frames["villages"].to_crs(DEFAULT_METRIC_CRS)
    km2 = metric.area / 1e6
    print(f"commune: {frames['commune'].to_crs(DEFAULT_METRIC_CRS).area.iloc[0] / 1e6:.3f} km2")
    print(
        f"villages: {len(metric)}, {km2.min():.3f}-{km2.max():.3f} km2, "
        f"population {metric['population'].sum()} (not known in "
        f"{metric['population'].isna().sum()}), households {metric['households'].sum()}"
    )
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
