"""Opening boundary files: formats, zipped shapefiles, legacy Vietnamese encodings."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import geopandas as gpd
import pandas as pd
import pyogrio

from geo.errors import Problem
from geo.readers import vnencodings

FORMATS = {".shp": "shapefile", ".geojson": "geojson", ".json": "geojson",
           ".gpkg": "geopackage", ".kml": "kml", ".zip": "zip"}


@dataclass
class RawLayer:
    """A layer as read, before any check: its frame, declared CRS and text encoding."""

    frame: gpd.GeoDataFrame
    declared_crs: str | None
    encoding: str | None
    encoding_source: str | None  # "cpg", "detected" or None (format is UTF-8)


def unpack_zip(path: Path, into: Path, *, max_entries: int, max_bytes: int) -> list[Problem]:
    """Extract ``path`` into ``into`` safely, or return the errors that forbid it.

    Refuses archives with too many entries, too large an unpacked size (zip bombs), and
    entry names that are absolute or climb out of the folder (``../``).
    """
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        return [Problem("bad_zip", "error")]
    with archive:
        entries = archive.infolist()
        if len(entries) > max_entries:
            return [Problem("zip_too_many_entries", "error",
                            {"count": len(entries), "limit": max_entries})]
        total = sum(e.file_size for e in entries)
        if total > max_bytes:
            return [Problem("zip_too_large", "error",
                            {"mb": round(total / 1e6, 1), "limit_mb": round(max_bytes / 1e6)})]
        for entry in entries:
            name = PurePosixPath(entry.filename.replace("\\", "/"))
            if name.is_absolute() or ".." in name.parts or ":" in entry.filename:
                return [Problem("zip_unsafe_name", "error", {"name": entry.filename})]
        for entry in entries:
            if not entry.is_dir():
                _extract_bounded(archive, entry, into, max_bytes)
    return []


def _extract_bounded(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, into: Path,
                     max_bytes: int) -> None:
    # The sizes in the directory can lie: count the bytes actually written as well.
    target = into / PurePosixPath(entry.filename.replace("\\", "/"))
    target.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with archive.open(entry) as src, open(target, "wb") as dst:
        while chunk := src.read(1 << 20):
            written += len(chunk)
            if written > max_bytes:
                raise ValueError("zip entry larger than declared")
            dst.write(chunk)


def find_layer_file(folder: Path) -> tuple[Path | None, list[Problem]]:
    """The one readable layer file in an unpacked archive."""
    found = sorted(p for p in folder.rglob("*")
                   if p.suffix.lower() in FORMATS and p.suffix.lower() != ".zip"
                   and not p.name.startswith("._"))
    if len(found) == 1:
        return found[0], []
    if not found:
        return None, [Problem("zip_no_layer", "error")]
    return None, [Problem("zip_many_layers", "error",
                          {"names": ", ".join(p.name for p in found)})]


def read_layer(path: Path) -> RawLayer:
    """Read a vector file with pyogrio, fixing legacy encodings of shapefile text."""
    if path.suffix.lower() == ".shp":
        return _read_shapefile(path)
    frame = pyogrio.read_dataframe(path)
    return RawLayer(frame, _crs_string(frame), None, None)


def _read_shapefile(path: Path) -> RawLayer:
    cpg = _sidecar(path, ".cpg")
    if cpg is not None:
        encoding = cpg.read_text(encoding="ascii", errors="replace").strip() or "utf-8"
        frame = pyogrio.read_dataframe(path, encoding=_python_codec(encoding))
        return RawLayer(frame, _crs_string(frame), encoding, "cpg")
    # No .cpg: read bytes through latin-1 (lossless) and decide the encoding ourselves.
    frame = pyogrio.read_dataframe(path, encoding="latin1")
    encoding = _fix_text_columns(frame)
    return RawLayer(frame, _crs_string(frame), encoding, "detected")


def _fix_text_columns(frame: pd.DataFrame) -> str | None:
    samples: list[bytes] = []
    columns = [c for c in frame.columns if c != "geometry"
               and (pd.api.types.is_string_dtype(frame[c]) or frame[c].dtype == object)]
    for column in columns:
        samples += [v.encode("latin1") for v in frame[column] if isinstance(v, str) and v]
    if not samples:
        return None
    encoding = vnencodings.detect(samples)
    for column in columns:
        frame[column] = [vnencodings.decode(v.encode("latin1"), encoding)
                         if isinstance(v, str) else v for v in frame[column]]
    return encoding


def _python_codec(cpg: str) -> str:
    aliases = {"ansi 1252": "cp1252", "ansi 1258": "cp1258", "utf8": "utf-8"}
    lowered = cpg.lower()
    if lowered.isdigit():
        return f"cp{lowered}"
    return aliases.get(lowered, lowered)


def _sidecar(path: Path, suffix: str) -> Path | None:
    for candidate in path.parent.iterdir():
        if candidate.stem == path.stem and candidate.suffix.lower() == suffix:
            return candidate
    return None


def _crs_string(frame: gpd.GeoDataFrame) -> str | None:
    if frame.crs is None:
        return None
    epsg = frame.crs.to_epsg()
    return f"EPSG:{epsg}" if epsg else frame.crs.to_wkt()
