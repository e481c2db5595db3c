"""Reading commune outline files (``xkmt communes import``).

The fields are found by their usual names, as for villages: the code is ``code``, or
``gso_code``, ``ma_xa``... (the statistics office's code), the name ``name`` or ``ten_xa``...
A feature without a code is left out with a warning (a commune merged away keeps its
outline in old files but has no code any more); everything else that is wrong rejects
the whole file (``InvalidBoundary``) with every problem, by feature.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyproj
import shapely

from geo.crs import looks_like_degrees
from geo.errors import InvalidBoundary, Problem
from geo.readers.boundaries import Limits, _field_key, _find_field, _polygonal, _read, _text

CODE_FIELDS = ("code", "gso_code", "ma_xa", "maxa", "ma_dvhc", "commune_code", "ma")
NAME_FIELDS = ("name", "ten", "ten_xa", "tenxa", "commune", "xa")
OPTIONAL_FIELDS = {  # column of the commune table: names it goes by in files
    "unit_type": ("unit_type", "loai", "loai_dvhc", "cap"),
    "district": ("district", "huyen", "ten_huyen"),
    "province": ("province", "tinh", "ten_tinh"),
    "province_code": ("province_code", "ma_tinh", "matinh"),
    "population": ("population", "dan_so", "danso"),  # not "population_pkg": see README
    "metric_epsg": ("metric_epsg",),
    "source": ("source", "nguon"),
}
WHOLE_NUMBERS = ("population", "metric_epsg")
CODE_DIGITS = 5  # GSO commune codes: 5 digits, leading zeros kept (Hà Nội's are 00001…)
MAX_CODE = 10  # characters of the code column
MAX_TEXT = {"name": 200, "unit_type": 40, "district": 200, "province": 200,
            "province_code": 10}


@dataclass
class CommuneFile:
    """The communes read (code, name, the optional columns found, geometry in EPSG:4326),
    the file's field used for each, and the warnings and notes."""

    communes: gpd.GeoDataFrame
    fields: dict[str, str]
    problems: list[Problem] = field(default_factory=list)


def read_communes(path: str | Path, *, code_field: str | None = None,
                  name_field: str | None = None, crs: str | None = None,
                  limits: Limits | None = None) -> CommuneFile:
    """Read and check a commune outline file; raises ``InvalidBoundary``."""
    path = Path(path)
    raw = _read(path, limits or Limits())
    frame = raw.frame
    if frame.empty:
        raise InvalidBoundary(path.name, [Problem("no_communes", "error")])
    problems: list[Problem] = []
    fields = _fields(frame, code_field, name_field, problems)
    _raise_on_errors(path, problems)
    rows, geometries = [], []
    for number, (_index, record) in enumerate(frame.iterrows(), start=1):
        row = _row(record, fields, number, problems)
        if row is not None:
            rows.append(row)
            geometries.append(_shape(record.geometry, number, problems))
    if not rows:
        problems.append(Problem("no_communes", "error"))
    problems += _duplicates(rows)
    _raise_on_errors(path, problems)
    declared = crs or raw.declared_crs
    if declared is None:
        if not looks_like_degrees(tuple(frame.total_bounds)):
            bounds = [round(v) for v in frame.total_bounds]
            _raise_on_errors(path, [Problem("unknown_crs", "error", {"bounds": bounds})])
        declared = "EPSG:4326"
    try:
        communes = gpd.GeoDataFrame(pd.DataFrame(rows, dtype=object), geometry=geometries,
                                    crs=declared).to_crs("EPSG:4326")
    except pyproj.exceptions.CRSError:
        raise InvalidBoundary(path.name, [Problem("bad_crs", "error",
                                                  {"crs": str(declared)[:80]})]) from None
    if not looks_like_degrees(tuple(communes.total_bounds)):  # metres said to be degrees
        bounds = [round(v) for v in frame.total_bounds]
        _raise_on_errors(path, [Problem("unknown_crs", "error", {"bounds": bounds})])
    notes = [Problem("field_used", "note", {"role": role, "field": fields[role]})
             for role in ("code", "name") if _field_key(fields[role]) != role]
    return CommuneFile(communes, fields, problems + notes)


def _fields(frame: pd.DataFrame, code_field: str | None, name_field: str | None,
            problems: list[Problem]) -> dict[str, str]:
    """The file's field for each column; a missing code or name field is an error."""
    available = ", ".join(c for c in frame.columns if c != "geometry") or "—"
    found = {"code": _find_field(frame, code_field, CODE_FIELDS),
             "name": _find_field(frame, name_field, NAME_FIELDS)}
    for role, wanted, aliases in (("code", code_field, CODE_FIELDS),
                                  ("name", name_field, NAME_FIELDS)):
        if found[role] is None and wanted is not None:
            problems.append(Problem("missing_field", "error", {
                "role": role, "field": wanted, "available": available}))
        elif found[role] is None:
            problems.append(Problem("field_not_found", "error", {
                "role": role, "names": ", ".join(aliases), "available": available,
                "option": f"--{role}-field"}))
    found.update({column: _find_field(frame, None, aliases)
                  for column, aliases in OPTIONAL_FIELDS.items()})
    return {role: name for role, name in found.items() if name is not None}


def _row(record: pd.Series, fields: dict[str, str], number: int,
         problems: list[Problem]) -> dict | None:
    """One commune's attributes, or None when it has no code (left out, with a warning)."""
    code = _code(record[fields["code"]])
    name = _text(record[fields["name"]])
    if not code:
        problems.append(Problem("commune_without_code", "warning",
                                {"name": name or "—", "field": fields["code"]},
                                feature=number))
        return None
    if len(code) > MAX_CODE:
        problems.append(Problem("long_value", "error", {
            "field": fields["code"], "value": code[:40], "limit": MAX_CODE}, feature=number))
    if not name:
        problems.append(Problem("empty_value", "error", {"field": fields["name"]},
                                feature=number))
    row = {"code": code, "name": name, "feature": number}
    for column in OPTIONAL_FIELDS:
        if column in fields:
            row[column] = _value(record[fields[column]], column, fields[column], number,
                                 problems)
    for column, limit in MAX_TEXT.items():
        if isinstance(row.get(column), str) and len(row[column]) > limit:
            problems.append(Problem("long_value", "error", {
                "field": fields[column], "value": row[column][:40] + "…", "limit": limit},
                feature=number))
    return row


def _code(value) -> str:
    """A code as text; a number read from a numeric field gets back its leading zeros.

    >>> _code(15178.0), _code(4), _code(" 15178 "), _code(None)
    ('15178', '00004', '15178', '')
    """
    if isinstance(value, int | float) and not isinstance(value, bool) and not pd.isna(value) \
            and float(value).is_integer():
        return f"{int(value):0{CODE_DIGITS}d}"
    return _text(value)


def _value(value, column: str, field_name: str, number: int, problems: list[Problem]):
    text = _text(value)
    if column not in WHOLE_NUMBERS:
        return text or None
    if not text:
        return None
    digits = text.replace(".", "").replace(",", "").replace(" ", "")
    if not digits.isascii() or not digits.isdigit() or len(digits) > 9:
        problems.append(Problem("not_a_count", "error", {"field": field_name, "value": text},
                                feature=number))
        return None
    if column == "metric_epsg" and not _metric(int(digits)):
        problems.append(Problem("not_metric_crs", "error", {"field": field_name,
                                                            "value": text}, feature=number))
        return None
    return int(digits)


def _metric(epsg: int) -> bool:
    """Whether EPSG:``epsg`` is a projected system in metres (VN-2000 / TM-3, UTM...).

    >>> _metric(5897), _metric(4326), _metric(1)
    (True, False, False)
    """
    try:
        found = pyproj.CRS.from_epsg(epsg)
    except pyproj.exceptions.CRSError:
        return False
    return found.is_projected and found.axis_info[0].unit_name == "metre"


def _shape(geom, number: int, problems: list[Problem]):
    if geom is None or geom.is_empty:
        problems.append(Problem("commune_no_shape", "error", feature=number))
        return None
    geom = shapely.force_2d(geom)
    if geom.geom_type not in ("Polygon", "MultiPolygon"):
        problems.append(Problem("not_polygon", "error", {"type": geom.geom_type},
                                feature=number))
        return None
    if not geom.is_valid:
        reason = shapely.is_valid_reason(geom)
        geom = _polygonal(shapely.make_valid(geom))
        problems.append(Problem("repaired", "warning", {"reason": reason}, feature=number))
    return geom


def _duplicates(rows: list[dict]) -> list[Problem]:
    features: dict[str, list[int]] = {}
    for row in rows:
        features.setdefault(row["code"], []).append(row["feature"])
    return [Problem("duplicate_commune", "error", {
        "value": code, "features": ", ".join(map(str, numbers))})
        for code, numbers in features.items() if len(numbers) > 1]


def _raise_on_errors(path: Path, problems: list[Problem]) -> None:
    if any(p.severity == "error" for p in problems):
        raise InvalidBoundary(path.name, problems)
