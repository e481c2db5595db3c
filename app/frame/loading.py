"""From the database to the village frame: load the record tables of a commune and compute
the frame with ``geo.engine.frame.village_frame``; the months with records. :mod:`app.frame.caching`
caches what is computed here, :mod:`app.frame.view` shapes it for who asks."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import func, select, union_all
from sqlalchemy.orm import Session

from app import store
from app.frame import record_tables
from app.models import (
    Person,
)
from app.records.values import EARLIEST
from geo.engine.frame import FrameResult, village_frame
from geo.engine.plans import shipped_plans


def load_tables(session: Session, commune: str) -> dict[str, pd.DataFrame]:
    """Every record table of ``commune`` as the plain DataFrames ``geo`` reads (the
    queries are derived from the table contract: :mod:`app.frame.record_tables`)."""
    return record_tables.load_tables(session, commune)


def record_months(session: Session, commune: str, today: dt.date) -> list[str]:
    """Every month ("YYYY-MM") from the commune's first dated record (``geo.engine.tables.DATED``)
    to its last one, never after ``today`` nor before 1900 (a slip stored before dates
    were checked): the months the month pickers offer. One query."""
    parts = []
    for column, owner in record_tables.dated_columns():
        query = select(func.min(column).label("lo"), func.max(column).label("hi")
                       ).select_from(column.class_)
        if owner is not column.class_:
            query = query.join(owner)
        parts.append(query.where(owner.commune_code == commune, column >= EARLIEST,
                                 column <= today))
    found = [(lo, hi) for lo, hi in session.execute(union_all(*parts)).all()
             if lo is not None]
    if not found:
        return []
    first = min(pd.Timestamp(lo) for lo, _hi in found)
    last = max(pd.Timestamp(hi) for _lo, hi in found)
    return [str(p) for p in pd.period_range(first, last, freq="M")]


def compute(session: Session, commune: str, month: str) -> FrameResult:
    villages = store.load_villages(session, commune)
    return village_frame(load_tables(session, commune), villages, month, shipped_plans(),
                         commune=commune,
                         population=store.get_commune(session, commune).population,
                         done_marks=task_marks(session, commune))


def task_marks(session: Session, commune: str) -> dict[str, dict[str, dt.date]]:
    """plan id -> task id -> the day a manual task was marked done."""
    return record_tables.task_marks(session, commune)


def current_month(today: dt.date | None = None) -> str:
    today = today or store.today()
    return f"{today.year:04d}-{today.month:02d}"


def previous_month(month: str) -> str:
    year, number = map(int, month.split("-"))
    return f"{year - 1:04d}-12" if number == 1 else f"{year:04d}-{number - 1:02d}"


def person_codes(session: Session, commune: str) -> set[str]:
    return set(session.scalars(select(Person.code).where(Person.commune_code == commune)))
