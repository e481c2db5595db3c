"""The record tables of a commune, read from the database as ``geo`` expects them.

The columns are not listed here: every query is derived from the table contract
:data:`geo.engine.tables.COLUMNS`. :data:`SOURCES` says only where each table comes from (its
model, the model holding the commune, the columns named otherwise in the database) and
which database columns ``geo`` does not read. :func:`problems` compares the three
(contract, sources, models) and a test fails on any difference, so a column added on one
side only is an error, never a column silently empty ("no data").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlalchemy import Select, inspect, select
from sqlalchemy.orm import Session

from app.models import (
    Baseline,
    DrugTest,
    Incident,
    Inspection,
    OutreachEvent,
    OutreachVillage,
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
from geo.engine.tables import COLUMNS, DATED, done_marks

# Never read by geo: the row's own key and its commune (the query's filter).
KEYS = frozenset({"id", "commune_code"})


class ContractError(Exception):
    """The table contract, the queries and the models disagree."""


@dataclass(frozen=True)
class Source:
    """Where a table of the contract comes from.

    ``model``: one row of the table per row of it. ``owner``: the model joined to find
    the commune (``model`` itself when it has ``commune_code``). ``renamed``: contract
    column -> the model's attribute name, or a column of a joined model. ``outer``:
    models outer-joined for such columns, with their join condition. ``loaded``: contract
    columns read by a query of their own (a function of the session, the commune and the
    row ids). ``unread``: the model's columns ``geo`` does not read, besides :data:`KEYS`.
    """

    model: type
    owner: type | None = None
    renamed: Mapping[str, Any] = field(default_factory=dict)
    outer: tuple[tuple[type, Any], ...] = ()
    loaded: Mapping[str, Callable[[Session, str, pd.Series], list]] = field(
        default_factory=dict)
    unread: frozenset[str] = frozenset()

    @property
    def holder(self) -> type:
        return self.owner or self.model


def _reached(session: Session, commune: str, ids: pd.Series) -> list[tuple[str, ...]]:
    """The villages each outreach event lists, sorted (an empty tuple for none)."""
    rows = session.execute(
        select(OutreachVillage.event_id, OutreachVillage.village_code)
        .join(OutreachEvent, OutreachEvent.id == OutreachVillage.event_id)
        .where(OutreachEvent.commune_code == commune)).all()
    reached: dict[int, list[str]] = {}
    for event_id, village in rows:
        reached.setdefault(event_id, []).append(village)
    return [tuple(sorted(reached.get(i, ()))) for i in ids]


VILLAGE = {"village": "village_code"}
SOURCES: dict[str, Source] = {
    # a person's village, category, status and psychosis flag: from their states
    "persons": Source(Person, unread=frozenset({"village_code", "category", "status",
                                                "status_date", "psychosis", "sex"})),
    "person_states": Source(PersonState, Person, {"person": Person.code, **VILLAGE},
                            unread=frozenset({"person_id"})),
    "drug_tests": Source(DrugTest, Person, {"person": Person.code},
                         unread=frozenset({"person_id"})),
    "outreach": Source(
        OutreachEvent, renamed={"school": School.code, "person": Person.code},
        outer=((School, School.id == OutreachEvent.school_id),
               (Person, Person.id == OutreachEvent.person_id)),
        loaded={"villages": _reached},
        unread=frozenset({"key", "link", "school_id", "person_id"})),
    "schools": Source(School, renamed=VILLAGE),
    "pledges": Source(Pledge, renamed=VILLAGE),
    "models": Source(PreventionModel),
    "tip_boxes": Source(TipBox, renamed=VILLAGE),
    "tips": Source(Tip, renamed=VILLAGE),
    "venues": Source(Venue, renamed=VILLAGE, unread=frozenset({"licence"})),
    "inspections": Source(Inspection, Venue, {"venue": Venue.code},
                          unread=frozenset({"venue_id", "team", "note"})),
    "incidents": Source(Incident, renamed=VILLAGE, unread=frozenset({"note"})),
    "baselines": Source(Baseline, renamed=VILLAGE),
    "task_marks": Source(TaskMark, renamed={"plan": "plan_id", "task": "task_id"},
                         unread=frozenset({"reference", "marked_by", "marked_at"})),
}


def column(table: str, name: str):
    """The database column of the contract's ``table.name``.

    Raises
    ------
    ContractError
        When the model has no such column: the contract and the database differ.
    """
    source = SOURCES[table]
    target = source.renamed.get(name, name)
    if not isinstance(target, str):
        return target
    if target not in inspect(source.model).columns:
        where = f" (as {target!r})" if target != name else ""
        raise ContractError(
            f"table {table!r}, column {name!r}{where}: in the contract (geo/engine/tables.py "
            f"COLUMNS) but not in the model {source.model.__name__} (app/models); add it "
            f"to both, or to neither")
    return getattr(source.model, target)


def query(table: str) -> tuple[Select, tuple[str, ...]]:
    """The query of ``table`` (a ``:commune`` left to bind by :func:`load`) and the
    names of its columns, in the contract's order; the row id comes first when some
    columns are read by a query of their own."""
    if table not in SOURCES:
        raise ContractError(f"table {table!r}: in the contract (geo/engine/tables.py COLUMNS) "
                            f"but no source in app/frame/record_tables.py SOURCES")
    source = SOURCES[table]
    names = tuple(n for n in COLUMNS[table] if n not in source.loaded)
    columns = [column(table, n).label(n) for n in names]
    if source.loaded:
        columns.insert(0, source.model.id.label("_id"))
        names = ("_id", *names)
    statement = select(*columns).select_from(source.model)
    if source.owner is not None:
        statement = statement.join(source.owner)
    for model, on in source.outer:
        statement = statement.outerjoin(model, on)
    return statement, names


def load(session: Session, table: str, commune: str) -> pd.DataFrame:
    """One record table of ``commune`` with exactly the contract's columns."""
    statement, names = query(table)
    holder = SOURCES[table].holder
    rows = session.execute(statement.where(holder.commune_code == commune)).all()
    frame = pd.DataFrame(rows, columns=list(names))
    for name, read in SOURCES[table].loaded.items():
        frame[name] = read(session, commune, frame["_id"])
    return frame.drop(columns=["_id"], errors="ignore")[list(COLUMNS[table])]


def load_tables(session: Session, commune: str) -> dict[str, pd.DataFrame]:
    """Every record table of ``commune`` as the plain DataFrames ``geo`` reads."""
    return {table: load(session, table, commune) for table in COLUMNS}


def task_marks(session: Session, commune: str) -> dict[str, dict[str, dt.date]]:
    """plan id -> task id -> the day a manual task was marked done."""
    return done_marks(load(session, "task_marks", commune))


def dated_columns() -> tuple:
    """The database columns of :data:`geo.engine.tables.DATED` (the records that make a month
    one with records), each with the model holding its commune."""
    return tuple((column(table, name), SOURCES[table].holder)
                 for table, names in DATED.items() for name in names)


def problems() -> list[str]:
    """Every difference between the contract, :data:`SOURCES` and the models: a table or
    a contract column with no database column, a model column neither in the contract
    nor declared unread, an unread column that is read or does not exist."""
    found = [f"table {t!r}: in SOURCES (app/frame/record_tables.py) but not in the contract "
             f"(geo/engine/tables.py COLUMNS)" for t in sorted(set(SOURCES) - set(COLUMNS))]
    for table in COLUMNS:
        try:
            query(table)
        except ContractError as exc:
            found.append(str(exc))
            continue
        found += _model_problems(table)
    return found


def _model_problems(table: str) -> list[str]:
    source = SOURCES[table]
    read = {source.renamed.get(n, n) for n in COLUMNS[table]}
    read = {n for n in read if isinstance(n, str)}
    present = set(inspect(source.model).columns.keys())
    name = source.model.__name__
    found = [f"table {table!r}: the model {name} has the column {c!r}, neither in the "
             f"contract (geo/engine/tables.py COLUMNS) nor declared unread "
             f"(app/frame/record_tables.py)"
             for c in sorted(present - read - KEYS - source.unread)]
    found += [f"table {table!r}: {c!r} is declared unread but the model {name} has no "
              f"such column" for c in sorted(source.unread - present)]
    found += [f"table {table!r}: {c!r} is declared unread but the contract reads it"
              for c in sorted(source.unread & read)]
    return found
