"""From the database to the village frame: load the record tables of a commune and compute
the frame with ``geo.frame.village_frame`` (cached per commune, month and data version).
:mod:`app.shaping` shapes it for who asks."""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import queries, store
from app.models import (
    BoundaryImport,
    ChangeLog,
    Person,
)
from app.records.values import EARLIEST
from geo.frame import FrameResult, village_frame
from geo.plans import shipped_plans


def load_tables(session: Session, commune: str) -> dict[str, pd.DataFrame]:
    """Every record table of ``commune`` as the plain DataFrames ``geo`` reads (the
    queries are derived from the table contract: :mod:`app.queries`)."""
    return queries.load_tables(session, commune)


def record_months(session: Session, commune: str, today: dt.date) -> list[str]:
    """Every month ("YYYY-MM") from the commune's first dated record (``geo.tables.DATED``)
    to its last one, never after ``today`` nor before 1900 (a slip stored before dates
    were checked): the months the month pickers offer."""
    firsts, lasts = [], []
    for column, owner in queries.dated_columns():
        query = select(func.min(column), func.max(column)).select_from(column.class_)
        if owner is not column.class_:
            query = query.join(owner)
        lo, hi = session.execute(query.where(owner.commune_code == commune,
                                             column >= EARLIEST, column <= today)).one()
        if lo is not None:
            firsts.append(lo)
            lasts.append(hi)
    if not firsts:
        return []
    return [str(p) for p in pd.period_range(min(firsts), max(lasts), freq="M")]


def data_version(session: Session, commune: str) -> tuple:
    """Changes whenever a record or a boundary of the commune changes (every record
    change writes a ChangeLog row, every boundary file a BoundaryImport row). The count
    as well as the largest id: on PostgreSQL two writers can commit out of id order, and
    the later commit of the smaller id must still make a new version."""
    logged = session.execute(select(func.max(ChangeLog.id), func.count(ChangeLog.id)).where(
        ChangeLog.commune_code == commune)).one()
    return (*logged, session.scalar(select(func.max(BoundaryImport.id)).where(
        BoundaryImport.commune_code == commune)))


class LruCache:
    """The last ``size`` values made, by key. Thread-safe; a value is made outside the
    lock (two requests may both make it: the same value, the last one kept). Keys carry
    the data version, so a changed record or boundary makes new keys, never stale
    values."""

    def __init__(self, size: int = 32):
        self.size = size
        self._values: OrderedDict[tuple, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple, make: Callable[[], object]):
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
        value = make()
        with self._lock:
            self._values[key] = value
            while len(self._values) > self.size:
                self._values.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._values)


class FrameCache:
    """The last few frames computed, by (commune, month, data version)."""

    def __init__(self, size: int = 32):
        self._cache = LruCache(size)

    def get(self, session: Session, commune: str, month: str,
            version: tuple | None = None) -> FrameResult:
        """``version``: the commune's :func:`data_version`, when the caller has it."""
        key = (commune, month, version or data_version(session, commune))
        return self._cache.get(key, lambda: compute(session, commune, month))


def compute(session: Session, commune: str, month: str) -> FrameResult:
    villages = store.load_villages(session, commune)
    return village_frame(load_tables(session, commune), villages, month, shipped_plans(),
                         commune=commune,
                         population=store.get_commune(session, commune).population,
                         done_marks=task_marks(session, commune))


def task_marks(session: Session, commune: str) -> dict[str, dict[str, dt.date]]:
    """plan id -> task id -> the day a manual task was marked done."""
    return queries.task_marks(session, commune)


def current_month(today: dt.date | None = None) -> str:
    today = today or store.today()
    return f"{today.year:04d}-{today.month:02d}"


def previous_month(month: str) -> str:
    year, number = map(int, month.split("-"))
    return f"{year - 1:04d}-12" if number == 1 else f"{year:04d}-{number - 1:02d}"


def person_codes(session: Session, commune: str) -> set[str]:
    return set(session.scalars(select(Person.code).where(Person.commune_code == commune)))
