"""From the database to the village frame: load the record tables of a commune and compute
the frame with ``geo.frame.village_frame``; the months with records. :mod:`app.frames`
caches what is computed here, :mod:`app.view` shapes it for who asks."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import func, select, text, union_all
from sqlalchemy.orm import Session

from app import store
from app.models import (
    Baseline,
    DrugTest,
    Incident,
    Inspection,
    OutreachEvent,
    Person,
    PersonState,
    Pledge,
    PreventionModel,
    School,
    TaskMark,
    Tip,
    TipBox,
    Venue,
)
from app.records.values import EARLIEST
from geo.frame import FrameResult, village_frame
from geo.plans import shipped_plans
from geo.tables import DATED

_SIMPLE = {  # table -> (model, {frame column: model attribute})
    "pledges": (Pledge, {"village": "village_code", "as_of": "as_of",
                         "households_signed": "households_signed"}),
    "models": (PreventionModel, {"code": "code", "name": "name", "kind": "kind",
                                 "established": "established"}),
    "tip_boxes": (TipBox, {"code": "code", "village": "village_code", "installed": "installed",
                           "status": "status", "last_checked": "last_checked",
                           "lat": "lat", "lon": "lon"}),
    "tips": (Tip, {"code": "code", "received": "received", "channel": "channel",
                   "village": "village_code", "status": "status",
                   "verified_date": "verified_date", "settled_date": "settled_date",
                   "unfounded_date": "unfounded_date", "lat": "lat", "lon": "lon"}),
    "venues": (Venue, {"code": "code", "name": "name", "kind": "kind",
                       "village": "village_code", "active": "active", "lat": "lat",
                       "lon": "lon"}),
    "schools": (School, {"code": "code", "name": "name", "level": "level",
                         "village": "village_code", "lat": "lat", "lon": "lon"}),
    "incidents": (Incident, {"code": "code", "kind": "kind", "date": "date",
                             "village": "village_code", "persons": "persons",
                             "plants": "plants", "area_m2": "area_m2", "lat": "lat",
                             "lon": "lon"}),
    "baselines": (Baseline, {"village": "village_code", "category": "category",
                             "as_of": "as_of", "count": "count"}),
}
PERSON_COLUMNS = ("code", "file_opened", "file_opened_date", "management_start",
                  "management_end", "loan_date", "job_date", "birth_year")


def load_tables(session: Session, commune: str) -> dict[str, pd.DataFrame]:
    """Every record table of ``commune`` as the plain DataFrames ``geo`` reads."""
    tables = {name: _simple(session, model, columns, commune)
              for name, (model, columns) in _SIMPLE.items()}
    persons = session.execute(select(*(getattr(Person, c) for c in PERSON_COLUMNS))
                              .where(Person.commune_code == commune)).all()
    tables["persons"] = pd.DataFrame(persons, columns=list(PERSON_COLUMNS))
    tables["person_states"] = pd.DataFrame(session.execute(
        select(Person.code, PersonState.valid_from, PersonState.village_code,
               PersonState.category, PersonState.status, PersonState.psychosis)
        .join(Person).where(Person.commune_code == commune)).all(),
        columns=["person", "valid_from", "village", "category", "status", "psychosis"])
    tables["drug_tests"] = pd.DataFrame(session.execute(
        select(Person.code, DrugTest.date, DrugTest.result).join(Person)
        .where(Person.commune_code == commune)).all(), columns=["person", "date", "result"])
    tables["inspections"] = pd.DataFrame(session.execute(
        select(Venue.code, Inspection.date, Inspection.result, Inspection.drug_finding)
        .join(Venue).where(Venue.commune_code == commune)).all(),
        columns=["venue", "date", "result", "drug_finding"])
    tables["outreach"] = _outreach(session, commune)
    return tables


def _simple(session: Session, model, columns: dict[str, str], commune: str) -> pd.DataFrame:
    rows = session.execute(select(*(getattr(model, a) for a in columns.values()))
                           .where(model.commune_code == commune)).all()
    return pd.DataFrame(rows, columns=list(columns))


def _outreach(session: Session, commune: str) -> pd.DataFrame:
    events = session.execute(
        select(OutreachEvent.id, OutreachEvent.kind, OutreachEvent.date, OutreachEvent.count,
               OutreachEvent.all_villages, School.code, Person.code)
        .outerjoin(School, School.id == OutreachEvent.school_id)
        .outerjoin(Person, Person.id == OutreachEvent.person_id)
        .where(OutreachEvent.commune_code == commune)).all()
    reached: dict[int, list[str]] = {}
    for event_id, village in session.execute(text(
            "SELECT ov.event_id, ov.village_code FROM outreach_village ov JOIN outreach_event"
            " e ON e.id = ov.event_id WHERE e.commune_code = :c"), {"c": commune}):
        reached.setdefault(event_id, []).append(village)
    frame = pd.DataFrame(events, columns=["id", "kind", "date", "count", "all_villages",
                                          "school", "person"])
    frame["villages"] = [tuple(sorted(reached.get(i, ()))) for i in frame["id"]]
    return frame.drop(columns=["id"])


def _dated_columns() -> tuple:
    """The columns of ``geo.tables.DATED`` (the records that make a month one with
    records), each with the model holding its commune."""
    joined = {"person_states": (PersonState, Person), "drug_tests": (DrugTest, Person),
              "outreach": (OutreachEvent, OutreachEvent), "inspections": (Inspection, Venue)}
    found = []
    for table, columns in DATED.items():
        if table in joined:
            model, owner = joined[table]
            found += [(getattr(model, c), owner) for c in columns]
        else:
            model, attributes = _SIMPLE[table]
            found += [(getattr(model, attributes[c]), model) for c in columns]
    return tuple(found)


_DATED = _dated_columns()


def record_months(session: Session, commune: str, today: dt.date) -> list[str]:
    """Every month ("YYYY-MM") from the commune's first dated record (``geo.tables.DATED``)
    to its last one, never after ``today`` nor before 1900 (a slip stored before dates
    were checked): the months the month pickers offer. One query."""
    parts = []
    for column, owner in _DATED:
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
    marks: dict[str, dict[str, dt.date]] = {}
    for mark in session.scalars(select(TaskMark).where(TaskMark.commune_code == commune)):
        marks.setdefault(mark.plan_id, {})[mark.task_id] = mark.done_on
    return marks


def current_month(today: dt.date | None = None) -> str:
    today = today or store.today()
    return f"{today.year:04d}-{today.month:02d}"


def previous_month(month: str) -> str:
    year, number = map(int, month.split("-"))
    return f"{year - 1:04d}-12" if number == 1 else f"{year:04d}-{number - 1:02d}"


def person_codes(session: Session, commune: str) -> set[str]:
    return set(session.scalars(select(Person.code).where(Person.commune_code == commune)))
