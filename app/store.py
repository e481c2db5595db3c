"""Queries: load tables for ``geo`` and write what it returns, each write all or nothing."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import BoundaryImport, Commune, Village
from geo.errors import UnknownCommune
from geo.join import natural_key
from geo.readers.boundaries import BoundaryResult

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
VILLAGE_FIELDS = ("name", "households", "population", "synthetic")


def today() -> dt.date:
    return dt.datetime.now(TZ).date()


def local_time(moment: dt.datetime) -> dt.datetime:
    """A stored moment in Asia/Ho_Chi_Minh (SQLite hands back the local time it stored,
    without its zone)."""
    return moment.astimezone(TZ) if moment.tzinfo else moment.replace(tzinfo=TZ)


def get_commune(session: Session, code: str) -> Commune:
    commune = session.get(Commune, code)
    if commune is None:
        raise UnknownCommune(code)
    return commune


def commune_outline(commune: Commune) -> BaseGeometry:
    return shapely.from_wkb(commune.geometry)


def save_communes(session: Session, communes: gpd.GeoDataFrame) -> int:
    """Insert or update communes from a frame with code, name, ... and geometry (4326)."""
    for row in communes.to_crs("EPSG:4326").itertuples():
        commune = session.get(Commune, str(row.code)) or Commune(code=str(row.code))
        commune.name = row.name
        commune.unit_type = getattr(row, "unit_type", None) or "Xã"
        commune.district = getattr(row, "district", None)
        commune.province = getattr(row, "province", None)
        province_code = getattr(row, "province_code", None)
        commune.province_code = None if pd.isna(province_code) else str(province_code)
        population = getattr(row, "population", None)
        commune.population = None if pd.isna(population) else int(population)
        commune.metric_epsg = int(getattr(row, "metric_epsg", None) or 5897)
        commune.geometry = shapely.to_wkb(row.geometry)
        commune.source = getattr(row, "source", None)
        session.add(commune)
    return len(communes)


@dataclass
class ImportSummary:
    import_id: int
    added: int
    changed: int
    unchanged: int
    closed: int


def save_villages(session: Session, commune: Commune, result: BoundaryResult,
                  file_name: str) -> ImportSummary:
    """Make the file's villages the commune's current ones, keeping history.

    A village whose code is already current and identical stays; a changed one is closed
    (``valid_to`` today) and a new version opened; current villages missing from the file
    are closed.
    """
    day = today()
    record = BoundaryImport(
        commune_code=commune.code, file_name=file_name,
        imported_at=dt.datetime.now(TZ), crs=result.crs.crs, encoding=result.encoding,
        report=json.dumps([p.as_dict() for p in result.problems], ensure_ascii=False))
    session.add(record)
    session.flush()
    current = {v.code: v for v in _current(session, commune.code)}
    added = changed = unchanged = 0
    for row in result.villages.itertuples():
        values = _village_values(row)
        old = current.pop(row.code, None)
        if old is not None and _same(old, values):
            unchanged += 1
            continue
        if old is not None:
            changed += 1
            _close(session, old, day)
        else:
            added += 1
        session.add(Village(commune_code=commune.code, code=row.code, valid_from=day,
                            import_id=record.id, **values))
    for old in current.values():
        _close(session, old, day)
    return ImportSummary(record.id, added, changed, unchanged, len(current))


def _close(session: Session, village: Village, day: dt.date) -> None:
    if village.valid_from == day:  # replaced the same day: no history worth a row
        session.delete(village)
    else:
        village.valid_to = day
    session.flush()


def _village_values(row) -> dict:
    return {
        "name": row.name,
        "households": None if pd.isna(row.households) else int(row.households),
        "population": None if pd.isna(row.population) else int(row.population),
        "synthetic": bool(row.synthetic),
        "geometry": shapely.to_wkb(row.geometry),
    }


def _same(village: Village, values: dict) -> bool:
    if any(getattr(village, k) != values[k] for k in VILLAGE_FIELDS):
        return False
    return shapely.from_wkb(village.geometry).equals(shapely.from_wkb(values["geometry"]))


def _current(session: Session, commune_code: str) -> list[Village]:
    query = (select(Village).where(Village.commune_code == commune_code,
                                   Village.valid_to.is_(None)).order_by(Village.id))
    return list(session.scalars(query))


def current_villages(session: Session, commune_code: str) -> list[Village]:
    """The commune's current villages in code order ("T2" before "T10")."""
    return sorted(_current(session, commune_code), key=lambda v: natural_key(v.code))


def load_villages(session: Session, commune_code: str) -> gpd.GeoDataFrame:
    """The commune's current villages: code, name, households, population, synthetic."""
    villages = _current(session, commune_code)
    frame = gpd.GeoDataFrame(
        {
            "code": [v.code for v in villages],
            "name": [v.name for v in villages],
            "households": pd.array([v.households for v in villages], dtype="Int64"),
            "population": pd.array([v.population for v in villages], dtype="Int64"),
            "synthetic": [v.synthetic for v in villages],
        },
        geometry=[shapely.from_wkb(v.geometry) for v in villages],
        crs="EPSG:4326",
    )
    return frame.sort_values("code", key=lambda codes: codes.map(natural_key)
                             ).reset_index(drop=True)


def count_communes(session: Session) -> int:
    return len(session.scalars(select(Commune.code)).all())
