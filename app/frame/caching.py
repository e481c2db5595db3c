"""The village frame, cached: the record tables of a commune (the point layers' tip boxes,
venues, schools and tips among them) loaded and prepared once per data version, and the frame of a
month computed from them once per version *of that month*.

What is computed from the records is also kept by their content, for the whole process
(:data:`SHARED`): two databases of one process holding the same records (the test suite's
many apps on copies of one demo database; a change saved and undone) prepare the tables and
compute a month's frame once. The content key is a digest of everything the frame is
computed from (the tables as read, the villages, the commune's population, the task marks,
the plan files): equal digests, equal frames.

Every record change writes a ChangeLog row; a change of a dated record (a test, a tip, an
inspection…) touches only the months from its earliest date on, so a test entered for
03/2025 leaves the cached frames of 01/2025 and 02/2025 in place. Any other change (a
person, a venue, a village, a boundary file, a task mark) touches every month.

:mod:`app.frame.view` shapes a frame for who asks; nothing here knows about roles.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import pickle
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd
from sqlalchemy import bindparam, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from app import store
from app.frame import loading
from app.models import (
    Baseline,
    BoundaryImport,
    ChangeLog,
    DrugTest,
    Incident,
    Inspection,
    OutreachEvent,
    Pledge,
    Tip,
)
from geo.engine.frame import FrameResult, village_frame
from geo.engine.plans import plans_key, shipped_plans
from geo.engine.tables import Tables

# record type -> (model, its dated columns): such a record counts from its dates on
BOUNDED = {"drug_tests": (DrugTest, ("date",)), "outreach": (OutreachEvent, ("date",)),
           "pledges": (Pledge, ("as_of",)),
           "tips": (Tip, ("received", "settled_date", "unfounded_date")),
           "inspections": (Inspection, ("date",)), "incidents": (Incident, ("date",)),
           "baselines": (Baseline, ("as_of",))}
EVERY_MONTH = ""  # sorts before any "YYYY-MM": the change touches every month


class LruCache:
    """The last ``size`` values made, by key. Thread-safe; a value is made outside the
    cache's lock, once: a request wanting a value being made waits for it rather than
    making it again (twenty requests arriving after a change build one frame, not twenty).
    Keys carry the data version, so a changed record or boundary makes new keys, never
    stale values."""

    def __init__(self, size: int = 32):
        self.size = size
        self._values: OrderedDict[tuple, object] = OrderedDict()
        self._making: dict[tuple, threading.Lock] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple, make: Callable[[], object]):
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
            making = self._making.setdefault(key, threading.Lock())
        with making:  # one maker per key; the others wait, then find the value
            with self._lock:
                if key in self._values:
                    return self._values[key]
            try:
                value = make()
            except BaseException:
                with self._lock:
                    self._making.pop(key, None)
                raise
            with self._lock:
                self._values[key] = value
                self._making.pop(key, None)
                while len(self._values) > self.size:
                    self._values.popitem(last=False)
        return value

    def keys(self) -> list[tuple]:
        with self._lock:
            return list(self._values)

    def __len__(self) -> int:
        return len(self._values)


@dataclass(frozen=True)
class Frame:
    """A month's frame with what it was computed from: the record tables (the point
    layers are drawn from them) and the current villages."""

    result: FrameResult
    tables: dict[str, pd.DataFrame]
    villages: gpd.GeoDataFrame
    version: tuple
    content: tuple  # what the result was computed from (:func:`frame`): its SHARED key


@dataclass(frozen=True)
class Loaded:
    """What a commune's frames are computed from, read once per data version: the record
    tables as read, the villages, the commune's population and task marks; the tables
    prepared for the engine; the digest of all of it (:func:`content_digest`)."""

    tables: dict[str, pd.DataFrame]
    villages: gpd.GeoDataFrame
    population: float | None
    marks: dict
    prepared: Tables
    digest: str


@dataclass
class _Changes:
    """The ChangeLog of one commune as far as read: per row, the first month it touches."""

    seen: tuple = (None, 0)  # (largest id, count) read so far
    firsts: dict[int, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


class Caches:
    """The caches of one database (one engine): tables, frames, views, answers."""

    def __init__(self):
        self.tables = LruCache(8)  # by commune and data version
        self.frames = LruCache(48)  # by commune, month and month version
        self.views = LruCache(128)  # app.frame.view: by commune, month, role, language, version
        self.answers = LruCache(256)  # finished answers (bytes), same keys and more
        self.months = LruCache(32)  # the month lists, by commune, data version and day
        self.month_versions = LruCache(512)  # by commune, month and data version
        self._changes: dict[str, _Changes] = {}
        self._lock = threading.Lock()

    def changes(self, commune: str) -> _Changes:
        with self._lock:
            return self._changes.setdefault(commune, _Changes())


# By content, for every database of the process: ("tables", digest) -> prepared Tables,
# ("frame", digest, month, plan files) -> FrameResult (see the module's docstring).
SHARED = LruCache(64)

_CACHES: weakref.WeakKeyDictionary[Engine, Caches] = weakref.WeakKeyDictionary()
_CACHES_LOCK = threading.Lock()


def caches(session: Session) -> Caches:
    """The caches of the database ``session`` reads (they live as long as its engine)."""
    engine = session.get_bind()
    engine = getattr(engine, "engine", engine)
    with _CACHES_LOCK:
        found = _CACHES.get(engine)
        if found is None:
            found = _CACHES[engine] = Caches()
        return found


def _version_query():
    commune = bindparam("commune")
    boundary = select(func.max(BoundaryImport.id)).where(
        BoundaryImport.commune_code == commune).scalar_subquery()
    return select(func.max(ChangeLog.id), func.count(ChangeLog.id), boundary).where(
        ChangeLog.commune_code == commune)


_VERSION = _version_query()  # made once: every request asks it


def data_version(session: Session, commune: str) -> tuple:
    """Changes whenever a record or a boundary of the commune changes (every record
    change writes a ChangeLog row, every boundary file a BoundaryImport row). The count
    as well as the largest id: on PostgreSQL two writers can commit out of id order, and
    the later commit of the smaller id must still make a new version. One query."""
    return tuple(session.execute(_VERSION, {"commune": commune}).one())


def month_version(session: Session, commune: str, month: str, version: tuple) -> tuple:
    """What the frame of ``month`` depends on: the boundary files and the changes that
    touch the month (see the module's docstring), as (boundary, count, largest id)."""
    def make() -> tuple:
        touching = [i for i, first in _read_changes(session, commune, version).items()
                    if first <= month]
        return version[2], len(touching), max(touching, default=None)

    return caches(session).month_versions.get((commune, month, version), make)


def _read_changes(session: Session, commune: str, version: tuple) -> dict[int, str]:
    """Per ChangeLog row of the commune, the first month it touches (read once a row)."""
    state = caches(session).changes(commune)
    with state.lock:
        largest, count = version[0], version[1]
        if state.seen != (largest, count):
            query = select(ChangeLog.id, ChangeLog.record_type, ChangeLog.record_id,
                           ChangeLog.changes).where(ChangeLog.commune_code == commune)
            rows = session.execute(query.where(
                ChangeLog.id > max(state.firsts, default=0))).all()
            if len(state.firsts) + len(rows) != count:  # a row committed out of id order
                state.firsts.clear()
                rows = session.execute(query).all()
            state.firsts.update(_first_months(session, rows))
            state.seen = (largest, count)
        return dict(state.firsts)


def _first_months(session: Session, rows) -> dict[int, str]:
    """The first month each logged change touches: the month of the earliest date its
    record has now or had before; every month for a record that is not a dated event."""
    wanted: dict[str, set[int]] = {}
    for _ident, record_type, record_id, _changes in rows:
        if record_type in BOUNDED and record_id is not None:
            wanted.setdefault(record_type, set()).add(record_id)
    now: dict[tuple[str, int], list[dt.date]] = {}
    for record_type, ids in wanted.items():
        model, columns = BOUNDED[record_type]
        ordered = sorted(ids)
        for start in range(0, len(ordered), 500):
            for ident, *days in session.execute(select(
                    model.id, *(getattr(model, c) for c in columns)).where(
                    model.id.in_(ordered[start:start + 500]))):
                now[(record_type, ident)] = [d for d in days if d is not None]
    return {ident: _first(record_type, now.get((record_type, record_id)), changes)
            for ident, record_type, record_id, changes in rows}


def _first(record_type: str, days: list[dt.date] | None, changes: str) -> str:
    if record_type not in BOUNDED or days is None:
        return EVERY_MONTH
    days = list(days)
    try:
        logged = json.loads(changes or "{}")
    except ValueError:
        return EVERY_MONTH
    for column in BOUNDED[record_type][1]:
        values = logged.get(column) if isinstance(logged, dict) else None
        for value in values if isinstance(values, list) else ():
            try:
                days.append(dt.date.fromisoformat(str(value)[:10]))
            except ValueError:
                continue
    if not days:
        return EVERY_MONTH
    first = min(days)
    return f"{first.year:04d}-{first.month:02d}"


def frame(session: Session, commune: str, month: str, version: tuple | None = None) -> Frame:
    """The frame of ``month``: from the cache unless a change touched the month."""
    version = version or data_version(session, commune)
    key = (commune, month, month_version(session, commune, month, version))

    def make() -> Frame:
        loaded = _loaded(session, commune, version)
        content = ("frame", loaded.digest, month, plans_key())
        result = SHARED.get(content, lambda: village_frame(
            loaded.prepared, loaded.villages, month, shipped_plans(), commune=commune,
            population=loaded.population, done_marks=loaded.marks))
        return Frame(result, loaded.tables, loaded.villages, version, content)

    return caches(session).frames.get(key, make)


def tables(session: Session, commune: str, version: tuple | None = None
           ) -> dict[str, pd.DataFrame]:
    """The commune's record tables as read now (the data version ``version``, read here
    when not given), read once per data version. Shared: treat them as read-only."""
    return _loaded(session, commune, version or data_version(session, commune)).tables


def _loaded(session: Session, commune: str, version: tuple) -> Loaded:
    """:func:`_load`, once per data version."""
    return caches(session).tables.get((commune, version), lambda: _load(session, commune))


def _load(session: Session, commune: str) -> Loaded:
    """What the commune's frames are computed from, with the tables prepared for the engine
    (:class:`geo.engine.tables.Tables`: its person-state runs and placed tests are derived
    once per content, then shared by every month's frame)."""
    tables = loading.load_tables(session, commune)
    villages = store.load_villages(session, commune)
    population = store.get_commune(session, commune).population
    marks = loading.task_marks(session, commune)
    digest = content_digest(commune, tables, villages, population, marks)
    prepared = SHARED.get(("tables", digest), lambda: Tables(tables))
    return Loaded(tables, villages, population, marks, prepared, digest)


def content_digest(*parts) -> str:
    """A digest of ``parts`` (DataFrames, dicts, numbers…) by their pickled bytes: parts
    that differ in any value, type or order give different digests. (Equal parts pickled
    differently, which pickle allows, only cost a computation: never a wrong frame.)"""
    digest = hashlib.blake2b(digest_size=20)
    for part in parts:
        if isinstance(part, dict):
            part = sorted(part.items(), key=lambda item: str(item[0]))
        digest.update(pickle.dumps(part, protocol=pickle.HIGHEST_PROTOCOL))
    return digest.hexdigest()


def months(session: Session, commune: str, version: tuple, today: dt.date) -> list[str]:
    """:func:`app.frame.loading.record_months`, once per data version and day."""
    return caches(session).months.get(
        (commune, version, today), lambda: loading.record_months(session, commune, today))
