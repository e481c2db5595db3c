"""Imports of files into the database, each all or nothing."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app import store
from app.db import transaction
from app.models import Commune
from app.records.messages import cell_problem_text
from app.records.schema import BY_NAME, RecordType
from app.records.service import CellProblem, Context, check_rows
from app.records.writers import SaveSummary, save_rows
from app.settings import Settings
from geo.demo.records import demo_records
from geo.readers.boundaries import BoundaryResult, Limits, read_villages
from geo.readers.communes import OPTIONAL_FIELDS, CommuneFile, read_communes

DEMO_COMMUNE = "15178"
DEMO_SEED = 15178


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
    result = read_villages(path, outline=outline, name_field=name_field,
                           code_field=code_field, crs=crs, province_epsg=epsg,
                           limits=limits_of(settings))
    with transaction(sessions) as session:
        commune = store.get_commune(session, commune_code)
        summary = store.save_villages(session, commune, result, Path(path).name)
    return BoundaryImportOutcome(result, summary)


@dataclass
class CommuneImportOutcome:
    read: CommuneFile
    added: list[str]  # codes
    updated: list[str]


def limits_of(settings: Settings) -> Limits:
    """The archive and tolerance limits of the settings."""
    return Limits(max_zip_entries=settings.max_zip_entries,
                  max_unzipped_bytes=settings.max_unzipped_mb * 1_000_000)


def import_communes(sessions: sessionmaker[Session], path: Path, *,
                    code_field: str | None = None, name_field: str | None = None,
                    crs: str | None = None,
                    limits: Limits | None = None) -> CommuneImportOutcome:
    """Load commune outlines (code, name, district, province, ...) from a vector file, all
    or nothing. Raises ``InvalidBoundary`` before anything is written. A column the file
    lacks keeps what is stored (a commune's population is not erased by a file without
    one)."""
    read = read_communes(path, code_field=code_field, name_field=name_field, crs=crs,
                         limits=limits)
    communes = read.communes.drop(columns="feature")
    with transaction(sessions) as session:
        stored = {c.code: c for c in session.scalars(select(Commune).where(
            Commune.code.in_(list(communes["code"]))))}
        for column in OPTIONAL_FIELDS:
            if column not in communes:
                communes[column] = pd.Series([getattr(stored.get(code), column, None)
                                              for code in communes["code"]],
                                             index=communes.index, dtype=object)
        store.save_communes(session, communes)
    codes = list(communes["code"])
    return CommuneImportOutcome(read, [c for c in codes if c not in stored],
                                [c for c in codes if c in stored])


def load_demo(sessions: sessionmaker[Session], settings: Settings, *,
              records: bool = True) -> BoundaryImportOutcome:
    """The demo commune (Cẩm Tân, 15178), its synthetic villages from ``boundaries/`` and,
    unless ``records`` is false, its synthetic monitoring records (``geo.demo.records``)."""
    folder = settings.boundaries_dir
    import_communes(sessions, folder / "cam_tan_15178_commune.geojson",
                    limits=limits_of(settings))
    outcome = import_boundaries(sessions, settings,
                                folder / "cam_tan_15178_villages.geojson", DEMO_COMMUNE)
    if records:
        load_demo_records(sessions, DEMO_COMMUNE, DEMO_SEED)
    return outcome


class DemoRecordsRefused(ValueError):
    """The synthetic records failed the checks real input goes through (a bug)."""

    def __init__(self, record_type: str, problems: list[CellProblem]):
        self.record_type, self.problems = record_type, problems
        rt = BY_NAME[record_type]
        super().__init__("; ".join(cell_problem_text(p, rt, "en", sheet=record_type)
                                   for p in problems[:5]))


def load_demo_records(sessions: sessionmaker[Session], commune_code: str,
                      seed: int) -> dict[str, SaveSummary]:
    """Generate the synthetic records for a commune's current villages and save them
    through the same checks and change log as an import, all in one transaction.

    Loading again with the same seed changes nothing. A person's states are saved in
    date order, one batch per state, because a file may hold a person only once.
    """
    summaries: dict[str, SaveSummary] = {}
    with transaction(sessions) as session:
        ctx = Context.load(session, commune_code)
        frames = demo_records(ctx.villages, ctx.outline, seed=seed)
        for name, frame in frames.items():
            rt = BY_NAME[name]
            summary = summaries.setdefault(name, SaveSummary())
            for batch in _demo_batches(rt, frame):
                rows, problems = check_rows(rt, batch, ctx)
                if problems:
                    raise DemoRecordsRefused(name, problems)
                saved = save_rows(session, rt, rows, ctx, actor="demo", source="synthetic demo")
                summary.created += saved.created
                summary.updated += saved.updated
                summary.unchanged += saved.unchanged
    return summaries


def _demo_batches(rt: RecordType, frame) -> list[list[tuple[int, dict]]]:
    """Raw rows (numbered as sheet rows, from 2), split so that no person appears twice in
    a batch: the k-th state of every person goes in batch k (the frame is in date order)."""
    keys = [f.key for f in rt.fields if f.key in frame.columns]
    cells = frame[keys].astype(object).where(frame[keys].notna(), None)
    batches: list[list[tuple[int, dict]]] = []
    states: dict[str, int] = {}
    for number, raw in enumerate(cells.to_dict("records"), start=2):
        k = 0
        if rt.name == "persons":
            k = states[raw["code"]] = states.get(raw["code"], -1) + 1
        if k == len(batches):
            batches.append([])
        batches[k].append((number, raw))
    return batches
