"""From the database to the village frame: load the record tables of a commune, compute
the frame with ``geo.frame.village_frame`` (cached per commune, month and data version),
and shape it for who asks (person codes only for the police; small counts masked for
viewers)."""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable

import pandas as pd
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app import store
from app.models import (
    Baseline,
    BoundaryImport,
    ChangeLog,
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
from app.privacy import mask_count, masked_total
from app.records.values import EARLIEST
from geo.frame import FrameResult, village_frame
from geo.plans import shipped_plans

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
                             "plants": "plants", "area_m2": "area_m2"}),
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


# The dated records that make a month worth showing, and the model holding the commune.
_DATED = ((PersonState.valid_from, Person), (DrugTest.date, Person),
          (OutreachEvent.date, OutreachEvent), (Pledge.as_of, Pledge), (Tip.received, Tip),
          (Inspection.date, Venue), (Incident.date, Incident))


def record_months(session: Session, commune: str, today: dt.date) -> list[str]:
    """Every month ("YYYY-MM") from the commune's first dated record to its last one,
    never after ``today`` nor before 1900 (a slip stored before dates were checked): the
    months the month pickers offer."""
    firsts, lasts = [], []
    for column, owner in _DATED:
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


CATEGORIES = ("addicts", "users", "post_rehab", "released")  # their sum is "people"
# Indicators whose value is a number of people: masked like counts for viewers.
PEOPLE_METRICS = {"users_addicts_residing", "addicts_in_community", "psychosis_in_community",
                  "relapses"}
PEOPLE_COUNTS = ("people", "addicts", "users", "post_rehab", "released", "psychosis",
                 "tests", "positive_tests", "individual_visits")


def plain(value):
    """JSON-ready: numpy and pandas scalars, dates, NaN → None, nested."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalar
        value = value.item()
    if isinstance(value, float) and value != value:
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    return value


class Shaper:
    """Shapes figures for a role: the police see everything; others never a person code;
    viewers (meetings, outside the police) see small counts of people masked."""

    def __init__(self, role: str, person_codes: set[str], threshold: int):
        self.police = role == "police"
        self.mask = role == "viewer"
        self.person_codes = person_codes
        self.threshold = threshold

    def evidence(self, evidence):
        evidence = plain(evidence)
        if self.police or not isinstance(evidence, dict):
            return evidence
        return {k: self._value(k, v) for k, v in evidence.items()}

    def _value(self, key: str, value):
        if isinstance(value, dict):
            return {k: self._value(k, v) for k, v in value.items()}
        if isinstance(value, list):
            if any(str(v) in self.person_codes for v in value):
                return self.count(len(value))  # who: never; how many: yes
            return value
        if isinstance(value, int) and not isinstance(value, bool) and key in (
                *PEOPLE_COUNTS, "persons", "counting", "excluded", "now", "baseline", "ok",
                "tested", "visited", "arrested"):
            return self.count(value)
        return value

    def count(self, value):
        if self.mask and isinstance(value, int) and 1 <= value <= self.threshold:
            return mask_count(value, self.threshold)
        return value

    def indicator_value(self, metric: str, value):
        """An indicator's value; a number of people is masked for viewers."""
        if not self.mask or metric not in PEOPLE_METRICS or value is None:
            return value
        return self.count(int(value)) if float(value).is_integer() else value

    def counts(self, counts: dict) -> dict:
        """Counts of people masked for viewers, their total as the range the parts allow
        (so that no part can be subtracted back); counts of events and places as they are."""
        if not self.mask:
            return counts
        shown = {k: self.count(v) if k in PEOPLE_COUNTS else v for k, v in counts.items()}
        parts = [counts.get(k) for k in CATEGORIES if k in counts]
        if "people" in counts and parts:
            shown["people"] = masked_total(parts, self.threshold)
        return shown


def indicator_ids(result: FrameResult, level: str) -> list[str]:
    return [i["id"] for i in result.indicators if level in i["levels"]]


def village_features(result: FrameResult, shaper: Shaper) -> dict:
    """The frame as GeoJSON: per village its counts and every indicator's value, target,
    status and evidence, the risk level and the compliance score."""
    ids = indicator_ids(result, "village")
    metrics = {i["id"]: i["metric"] for i in result.indicators}
    features = []
    for code, row in result.villages.iterrows():
        props = {"code": code, "name": row["name"], "households": plain(row["households"]),
                 "population": plain(row["population"]), "month": result.month}
        props["counts"] = shaper.counts({c: plain(row[c]) for c in result.villages.columns
                                         if c in PEOPLE_COUNTS or c in COUNT_COLUMNS})
        props["indicators"] = {i: {"value": shaper.indicator_value(
                                       metrics[i], plain(row.get(f"{i}_value"))),
                                   "target": plain(row.get(f"{i}_target")),
                                   "status": row.get(f"{i}_status"),
                                   "evidence": shaper.evidence(row.get(f"{i}_evidence"))}
                               for i in ids if f"{i}_status" in row}
        props["risk_level"] = plain(row.get("risk_level"))
        props["risk_evidence"] = shaper.evidence(row.get("risk_evidence"))
        props["score"] = plain(row.get("score"))
        features.append({"type": "Feature", "properties": props,
                         "geometry": row.geometry.__geo_interface__})
    return {"type": "FeatureCollection", "features": features}


COUNT_COLUMNS = ("broadcasts", "respected_person_sessions", "meetings", "school_sessions",
                 "tips", "tip_boxes", "venues", "inspections", "incidents",
                 "pledged_households")


def _commune_counts(result: FrameResult, shaper: Shaper) -> dict:
    """Commune counts. For viewers a count of people whose village parts are masked is
    the range those parts allow, so that no village's count can be subtracted back."""
    commune = result.commune
    counts = {c: plain(commune.get(c)) for c in (*PEOPLE_COUNTS, *COUNT_COLUMNS)
              if c in commune}
    if not shaper.mask:
        return counts
    villages = result.villages
    for key in PEOPLE_COUNTS:
        if key in counts and key in villages:
            counts[key] = masked_total([plain(v) for v in villages[key]], shaper.threshold)
    if "people" in counts:
        counts["people"] = masked_total(
            [plain(v) for key in CATEGORIES if key in villages for v in villages[key]],
            shaper.threshold)
    return counts


def _commune_value(result: FrameResult, shaper: Shaper, indicator: dict):
    value = plain(result.commune.get(f"{indicator['id']}_value"))
    if not shaper.mask or indicator["metric"] not in PEOPLE_METRICS or value is None:
        return value
    column = f"{indicator['id']}_value"
    if column in result.villages:
        parts = [plain(v) for v in result.villages[column]]
        return masked_total([int(v) for v in parts if v is not None], shaper.threshold)
    return shaper.indicator_value(indicator["metric"], value)


def commune_summary(result: FrameResult, shaper: Shaper) -> dict:
    """The commune's figures: commune-level indicators, national status, blocking
    villages, risk level, score, the plan's tasks and the next report due."""
    commune = result.commune
    ids = indicator_ids(result, "commune")
    return plain({
        "month": result.month, "as_of": result.as_of, "plans": list(result.plans),
        "indicators": [{**i, "value": _commune_value(result, shaper, i),
                        "target": commune.get(f"{i['id']}_target"),
                        "status": commune.get(f"{i['id']}_status"),
                        "evidence": shaper.evidence(commune.get(f"{i['id']}_evidence"))}
                       for i in result.indicators if i["id"] in ids],
        "villages": {code: {f"{i}_status": row.get(f"{i}_status")
                            for i in indicator_ids(result, "village")
                            if f"{i}_status" in row} | {"score": row.get("score"),
                                                        "risk_level": row.get("risk_level")}
                     for code, row in result.villages.iterrows()},
        "national_status": commune.get("national_status"),
        "blocking_villages": commune.get("blocking_villages"),
        "risk_level": commune.get("risk_level"),
        "risk_evidence": shaper.evidence(commune.get("risk_evidence")),
        "score": commune.get("score"),
        "tasks": commune.get("tasks"), "next_reports": commune.get("next_reports"),
        "counts": _commune_counts(result, shaper),
    })


def person_codes(session: Session, commune: str) -> set[str]:
    return set(session.scalars(select(Person.code).where(Person.commune_code == commune)))
