"""Imports of files into the database, each all or nothing."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
from sqlalchemy.orm import Session, sessionmaker

from app import store
from app.db import transaction
from app.settings import Settings
from geo.boundaries import BoundaryResult, Limits, read_villages


@dataclass
class BoundaryImportOutcome:
    result: BoundaryResult
    summary: store.ImportSummary


def import_boundaries(sessions: sessionmaker[Session], settings: Settings, path: Path,
                      commune_code: str, *, name_field: str | None = None,
                      code_field: str | None = None,
                      crs: str | None = None) -> BoundaryImportOutcome:
    """Read, check and store a village boundary file for a commune.

    Raises ``UnknownCommune`` or ``InvalidBoundary`` before anything is written.
    """
    with sessions() as session:
        commune = store.get_commune(session, commune_code)
        outline, epsg = store.commune_outline(commune), commune.metric_epsg
    limits = Limits(max_zip_entries=settings.max_zip_entries,
                    max_unzipped_bytes=settings.max_unzipped_mb * 1_000_000)
    result = read_villages(path, outline=outline, name_field=name_field,
                           code_field=code_field, crs=crs, province_epsg=epsg, limits=limits)
    with transaction(sessions) as session:
        commune = store.get_commune(session, commune_code)
        summary = store.save_villages(session, commune, result, Path(path).name)
    return BoundaryImportOutcome(result, summary)


def import_communes(sessions: sessionmaker[Session], path: Path) -> int:
    """Load commune outlines (code, name, district, province, ...) from a vector file."""
    communes = gpd.read_file(path)
    with transaction(sessions) as session:
        return store.save_communes(session, communes)


def load_demo(sessions: sessionmaker[Session], settings: Settings) -> BoundaryImportOutcome:
    """The demo commune (Cẩm Tân, 15178) and its synthetic villages, from ``boundaries/``."""
    folder = settings.boundaries_dir
    import_communes(sessions, folder / "cam_tan_15178_commune.geojson")
    return import_boundaries(sessions, settings, folder / "cam_tan_15178_villages.geojson",
                             "15178")
