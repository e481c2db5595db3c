"""Reading and checking village boundary files.

``read_villages`` takes a file as a commune officer has it (shapefile, zipped shapefile,
GeoJSON, GeoPackage, KML) and returns the villages in EPSG:4326 with every problem found.
Errors reject the whole file (``InvalidBoundary``); warnings and notes travel with the
result so the import report can show them.
"""

from __future__ import annotations

import re
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely
from shapely.geometry.base import BaseGeometry

from geo.crs import METRIC_CRS, CrsChoice, choose_crs
from geo.errors import InvalidBoundary, Problem
from geo.readers.files import FORMATS, find_layer_file, read_layer, unpack_zip

NAME_FIELDS = ("name", "ten", "ten_thon", "tenthon", "thon", "ten_xom", "village")
CODE_FIELDS = ("code", "ma", "ma_thon", "mathon", "village_code")
HOUSEHOLD_FIELDS = ("households", "so_ho", "soho", "sohogd", "ho")
POPULATION_FIELDS = ("population", "dan_so", "danso", "nhan_khau", "nhankhau", "so_dan")
COLUMNS = ["code", "name", "households", "population", "synthetic", "geometry"]


@dataclass
class Limits:
    """Bounds on what a file may be: tolerances for slivers, sizes for archives."""

    sliver_m2: float = 25.0  # overlaps, gaps, outside parts smaller than this: ignored
    overlap_share: float = 0.01  # overlap above this share of the smaller village: error
    outside_share: float = 0.5  # village more than this share outside the commune: error
    max_zip_entries: int = 200
    max_unzipped_bytes: int = 500_000_000


@dataclass
class BoundaryResult:
    """Villages read from a file, how they were read, and the non-fatal problems."""

    villages: gpd.GeoDataFrame
    crs: CrsChoice
    encoding: str | None
    problems: list[Problem] = field(default_factory=list)


def read_villages(
    path: str | Path,
    *,
    outline: BaseGeometry | None = None,
    name_field: str | None = None,
    code_field: str | None = None,
    crs: str | None = None,
    province_epsg: int = 5897,
    limits: Limits | None = None,
) -> BoundaryResult:
    """Read and check a village boundary file.

    Parameters
    ----------
    path : path of a ``.shp``, ``.zip`` (holding one layer), ``.geojson``, ``.gpkg`` or ``.kml``.
    outline : the commune outline in EPSG:4326, to choose a CRS and find gaps and overlaps.
    name_field, code_field : attribute names; found among common names when not given.
    crs : a CRS to use whatever the file says (``"EPSG:5897"``).
    province_epsg : the province's VN-2000 TM-3 zone, first guess for files without a CRS.

    Returns
    -------
    BoundaryResult
        ``villages`` has columns code, name, households, population, synthetic, geometry.

    Raises
    ------
    InvalidBoundary
        With every error found, when the file cannot be imported as it is.
    """
    path = Path(path)
    limits = limits or Limits()
    raw = _read(path, limits)
    frame = raw.frame
    problems: list[Problem] = []
    if frame.empty:
        raise InvalidBoundary(path.name, [Problem("no_features", "error")])
    fields = _resolve_fields(frame, name_field, code_field, problems)
    table = _attributes(frame, fields, problems) if fields else None
    geometries = _geometries(frame.geometry, problems)
    if table is not None:
        problems += _duplicates(table)
    _raise_on_errors(path, problems)
    choice = choose_crs(gpd.GeoDataFrame(geometry=geometries), given=crs,
                        declared=raw.declared_crs, outline=outline,
                        province_epsg=province_epsg)
    if choice is None:
        bounds = [round(v) for v in frame.total_bounds]
        _raise_on_errors(path, [Problem("unknown_crs", "error", {"bounds": bounds})])
    villages = gpd.GeoDataFrame(table, geometry=list(geometries), crs=choice.crs)
    villages = villages.to_crs("EPSG:4326")[COLUMNS]
    problems.append(_crs_note(choice))
    if raw.encoding:
        problems.append(Problem("encoding", "note",
                                {"encoding": raw.encoding, "source": raw.encoding_source}))
    problems += check_topology(villages, outline, limits)
    _raise_on_errors(path, problems)
    return BoundaryResult(villages, choice, raw.encoding, problems)


def _raise_on_errors(path: Path, problems: list[Problem]) -> None:
    if any(p.severity == "error" for p in problems):
        raise InvalidBoundary(path.name, problems)


def _read(path: Path, limits: Limits):
    suffix = path.suffix.lower()
    if not path.exists():
        raise InvalidBoundary(path.name, [Problem("file_missing", "error")])
    if suffix not in FORMATS:
        raise InvalidBoundary(path.name, [Problem("unsupported_format", "error",
                                                  {"suffix": suffix or "?"})])
    with tempfile.TemporaryDirectory() as tmp:
        layer = path
        if suffix == ".zip":
            problems = unpack_zip(path, Path(tmp), max_entries=limits.max_zip_entries,
                                  max_bytes=limits.max_unzipped_bytes)
            if not problems:
                layer, problems = find_layer_file(Path(tmp))
            if problems:
                raise InvalidBoundary(path.name, problems)
        try:
            return read_layer(layer)
        except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError,
                pyogrio.errors.FieldError, ValueError) as exc:
            raise InvalidBoundary(path.name, [Problem("unreadable", "error",
                                                      {"detail": str(exc)[:300]})]) from exc


def _find_field(frame: pd.DataFrame, wanted: str | None, aliases: tuple[str, ...]) -> str | None:
    by_key = {_field_key(c): c for c in frame.columns if c != "geometry"}
    if wanted is not None:
        return by_key.get(_field_key(wanted))
    return next((by_key[a] for a in aliases if a in by_key), None)


def _field_key(name: str) -> str:
    ascii_name = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
    ascii_name = "".join(ch for ch in ascii_name if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")


def _resolve_fields(frame: pd.DataFrame, name_field: str | None, code_field: str | None,
                    problems: list[Problem]) -> dict[str, str | None] | None:
    available = ", ".join(c for c in frame.columns if c != "geometry") or "—"
    fields = {
        "name": _find_field(frame, name_field, NAME_FIELDS),
        "code": _find_field(frame, code_field, CODE_FIELDS),
        "households": _find_field(frame, None, HOUSEHOLD_FIELDS),
        "population": _find_field(frame, None, POPULATION_FIELDS),
        "synthetic": _find_field(frame, None, ("synthetic",)),
    }
    for role, wanted in (("name", name_field), ("code", code_field)):
        if fields[role] is None and (wanted is not None or role == "name"):
            problems.append(Problem("missing_field", "error", {
                "role": role, "field": wanted or "", "available": available}))
    if fields["name"] is None or (code_field is not None and fields["code"] is None):
        return None
    if fields["code"] is None:
        problems.append(Problem("codes_from_names", "note"))
    return fields


def _attributes(frame: pd.DataFrame, fields: dict[str, str | None],
                problems: list[Problem]) -> pd.DataFrame:
    rows = []
    for number, (_, record) in enumerate(frame.iterrows(), start=1):
        name = _text(record[fields["name"]])
        if not name:
            problems.append(Problem("empty_value", "error",
                                    {"field": fields["name"]}, feature=number))
        code = _text(record[fields["code"]]) if fields["code"] else _slug(name)
        if fields["code"] and not code:
            problems.append(Problem("empty_value", "error",
                                    {"field": fields["code"]}, feature=number))
        counts = {role: _count(record, fields[role], number, problems)
                  for role in ("households", "population")}
        synthetic = bool(fields["synthetic"] and _truthy(record[fields["synthetic"]]))
        rows.append({"code": code, "name": name, **counts, "synthetic": synthetic,
                     "feature": number})
    table = pd.DataFrame(rows)
    for role in ("households", "population"):
        table[role] = table[role].astype("Int64")
    return table


def _text(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFC", str(value)).strip()


def _slug(name: str) -> str:
    return _field_key(name).upper().replace("_", "-")


def _truthy(value) -> bool:
    return str(value).strip().lower() in {"1", "true", "yes", "co", "có", "t", "y"}


def _count(record: pd.Series, column: str | None, number: int,
           problems: list[Problem]) -> int | None:
    if column is None:
        return None
    text = _text(record[column]).replace(".", "").replace(",", "").replace(" ", "")
    if not text:
        problems.append(Problem("count_not_known", "warning", {"field": column},
                                feature=number))
        return None
    if not text.isdigit():
        problems.append(Problem("not_a_count", "error",
                                {"field": column, "value": _text(record[column])},
                                feature=number))
        return None
    return int(text)


def _geometries(series: gpd.GeoSeries, problems: list[Problem]) -> list[BaseGeometry | None]:
    out: list[BaseGeometry | None] = []
    for number, geom in enumerate(series, start=1):
        if geom is None or geom.is_empty:
            problems.append(Problem("no_geometry", "error", feature=number))
            out.append(None)
            continue
        geom = shapely.force_2d(geom)
        if geom.geom_type not in ("Polygon", "MultiPolygon"):
            problems.append(Problem("not_polygon", "error", {"type": geom.geom_type},
                                    feature=number))
            out.append(None)
            continue
        if not geom.is_valid:
            reason = shapely.is_valid_reason(geom)
            geom = _polygonal(shapely.make_valid(geom))
            problems.append(Problem("repaired", "warning", {"reason": reason}, feature=number))
        out.append(geom)
    return out


def _polygonal(geom: BaseGeometry) -> BaseGeometry:
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def _duplicates(table: pd.DataFrame) -> list[Problem]:
    problems = []
    for column in ("name", "code"):
        keys = table[column].str.casefold()
        for _, group in table[keys.duplicated(keep=False) & (keys != "")].groupby(keys):
            features = group["feature"].tolist()
            problems.append(Problem("duplicate", "error", {
                "field": column, "value": group[column].iloc[0],
                "features": ", ".join(map(str, features))}, feature=features[1]))
    return problems


def _crs_note(choice: CrsChoice) -> Problem:
    params = {"crs": choice.crs, "reason": choice.reason, "fit": choice.fit,
              "others": "; ".join(f"{c}: {f:.3f}" for c, f in choice.others)}
    return Problem("crs_used", "note", params)


def check_topology(villages: gpd.GeoDataFrame, outline: BaseGeometry | None,
                   limits: Limits | None = None) -> list[Problem]:
    """Overlaps between villages, gaps inside the commune, parts outside it (areas in m²).

    ``villages`` (EPSG:4326) must have ``name`` and ``feature`` numbers or a plain index.
    """
    limits = limits or Limits()
    metric = villages.to_crs(METRIC_CRS)
    problems = _overlaps(metric, limits)
    if outline is not None:
        target = gpd.GeoSeries([outline], crs="EPSG:4326").to_crs(METRIC_CRS).iloc[0]
        problems += _outside(metric, target, limits)
        problems += _gaps(metric, target, limits)
    return problems


def _overlaps(metric: gpd.GeoDataFrame, limits: Limits) -> list[Problem]:
    problems = []
    left, right = metric.sindex.query(metric.geometry, predicate="intersects")
    for i, j in zip(left, right, strict=True):
        if i >= j:
            continue
        a, b = metric.geometry.iloc[i], metric.geometry.iloc[j]
        area = a.intersection(b).area
        if area <= limits.sliver_m2:
            continue
        share = area / min(a.area, b.area)
        severity = "error" if share > limits.overlap_share else "warning"
        problems.append(Problem("overlap", severity, {
            "a": metric["name"].iloc[i], "b": metric["name"].iloc[j],
            "area_m2": round(area), "percent": round(100 * share, 1)}, feature=j + 1))
    return problems


def _outside(metric: gpd.GeoDataFrame, target: BaseGeometry, limits: Limits) -> list[Problem]:
    problems = []
    for i, geom in enumerate(metric.geometry):
        area = geom.difference(target).area
        if area <= limits.sliver_m2:
            continue
        share = area / geom.area
        severity = "error" if share > limits.outside_share else "warning"
        problems.append(Problem("outside", severity, {
            "name": metric["name"].iloc[i], "area_m2": round(area),
            "percent": round(100 * share, 1)}, feature=i + 1))
    return problems


def _gaps(metric: gpd.GeoDataFrame, target: BaseGeometry, limits: Limits) -> list[Problem]:
    uncovered = target.difference(shapely.union_all(metric.geometry.values))
    parts = [p for p in shapely.get_parts(uncovered) if p.area > limits.sliver_m2]
    if not parts:
        return []
    largest = max(parts, key=lambda p: p.area)
    where = gpd.GeoSeries([largest.representative_point()], crs=METRIC_CRS).to_crs(4326)
    return [Problem("gaps", "warning", {
        "count": len(parts), "area_m2": round(sum(p.area for p in parts)),
        "largest_m2": round(largest.area),
        "lat": round(where.y.iloc[0], 5), "lon": round(where.x.iloc[0], 5)})]
