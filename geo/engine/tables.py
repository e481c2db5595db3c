"""The record tables the compliance engine reads, made regular.

Inputs are plain DataFrames named after the record types of the application (their
columns are the field keys). Any table may be missing or empty; any optional column may
be missing. :func:`prepare` returns every table with every column, dates as
``datetime64`` (NaT when empty), flags as ``bool`` and numbers as floats, so the metrics
can compare whole columns at once.

:data:`COLUMNS` is the contract between the application and this package: the
application derives its queries from it (``app/frame/record_tables.py``) and a test fails when a
column is in the contract but not in the database, or in the database but neither in the
contract nor declared unread.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import cached_property

import pandas as pd

# table -> column -> kind ("str", "date", "bool", "num", "obj"). Places carry ``lat`` and
# ``lon`` (EPSG:4326) for the point layers of the map.
COLUMNS: dict[str, dict[str, str]] = {
    "persons": {"code": "str", "file_opened": "bool", "file_opened_date": "date",
                "management_start": "date", "management_end": "date", "loan_date": "date",
                "job_date": "date", "birth_year": "num"},
    "person_states": {"person": "str", "valid_from": "date", "village": "str",
                      "category": "str", "status": "str", "psychosis": "bool"},
    "drug_tests": {"person": "str", "date": "date", "result": "str"},
    "outreach": {"kind": "str", "date": "date", "count": "num", "all_villages": "bool",
                 "villages": "obj", "school": "str", "person": "str"},
    "schools": {"code": "str", "name": "str", "level": "str", "village": "str",
                "lat": "num", "lon": "num"},
    "pledges": {"village": "str", "as_of": "date", "households_signed": "num"},
    "models": {"code": "str", "name": "str", "kind": "str", "established": "date"},
    "tip_boxes": {"code": "str", "village": "str", "installed": "date", "status": "str",
                  "last_checked": "date", "lat": "num", "lon": "num"},
    "tips": {"code": "str", "received": "date", "channel": "str", "village": "str",
             "status": "str", "verified_date": "date", "settled_date": "date",
             "unfounded_date": "date", "lat": "num", "lon": "num"},
    "venues": {"code": "str", "name": "str", "kind": "str", "village": "str",
               "active": "bool", "lat": "num", "lon": "num"},
    "inspections": {"venue": "str", "date": "date", "result": "str", "drug_finding": "bool"},
    "incidents": {"code": "str", "kind": "str", "date": "date", "village": "str",
                  "persons": "num", "plants": "num", "area_m2": "num", "lat": "num",
                  "lon": "num"},
    "baselines": {"village": "str", "category": "str", "as_of": "date", "count": "num"},
    # the manual tasks of a plan marked done (``done_marks`` of geo.engine.frame.village_frame)
    "task_marks": {"plan": "str", "task": "str", "done_on": "date"},
}

# The dates of the records that make a month one "with records": something done, found or
# changed in it (a test, an outreach event, a change of state, a pledge count, a tip
# received or closed, a tip box check, an inspection, an incident). The application's
# month pickers offer the months from the first to the last of them.
DATED: dict[str, tuple[str, ...]] = {
    "person_states": ("valid_from",), "drug_tests": ("date",), "outreach": ("date",),
    "pledges": ("as_of",), "tips": ("received", "settled_date", "unfounded_date"),
    "tip_boxes": ("last_checked",), "inspections": ("date",), "incidents": ("date",),
}

DEFAULT_TRUE = {("venues", "active")}  # a venue is active unless recorded otherwise


def _column(frame: pd.DataFrame, table: str, name: str, kind: str) -> pd.Series:
    if name not in frame.columns:
        if kind == "bool":
            return pd.Series((table, name) in DEFAULT_TRUE, index=frame.index, dtype=bool)
        if kind == "date":
            return pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
        if kind == "num":
            return pd.Series(float("nan"), index=frame.index, dtype=float)
        return pd.Series(None, index=frame.index, dtype=object)
    values = frame[name]
    if kind == "date":
        stamps = pd.to_datetime(values, errors="coerce")
        # A date nanoseconds cannot hold (year 1, stored before input was checked) counts
        # as unknown, like an unreadable one: it must not break the commune's figures.
        held = (stamps >= pd.Timestamp.min) & (stamps <= pd.Timestamp.max)
        return stamps.where(held).astype("datetime64[ns]")
    if kind == "bool":
        default = (table, name) in DEFAULT_TRUE
        return values.astype(object).where(values.notna(), default).astype(bool)
    if kind == "num":
        return pd.to_numeric(values, errors="coerce").astype(float)
    if kind == "str":
        out = values.astype(object)
        present = out.notna().to_numpy()
        text = out.to_numpy(copy=True)
        text[present] = text[present].astype(str)
        text[~present] = None
        return pd.Series(text, index=values.index, dtype=object)
    return values.astype(object)


def prepare_table(frame: pd.DataFrame | None, table: str) -> pd.DataFrame:
    """One table with exactly the columns of :data:`COLUMNS`, typed."""
    spec = COLUMNS[table]
    if frame is None:
        frame = pd.DataFrame()
    frame = frame.reset_index(drop=True)
    return pd.DataFrame({name: _column(frame, table, name, kind)
                         for name, kind in spec.items()}, index=frame.index)


def done_marks(marks: pd.DataFrame | None) -> dict[str, dict[str, dt.date]]:
    """The ``task_marks`` table as ``village_frame`` takes it: plan id -> task id -> the
    day the manual task was marked done (rows without a day are left out).

    >>> done_marks(pd.DataFrame({"plan": ["p"], "task": ["T1"],
    ...                          "done_on": [dt.date(2025, 3, 1)]}))
    {'p': {'T1': datetime.date(2025, 3, 1)}}
    """
    marks = prepare_table(marks, "task_marks").dropna(subset=["plan", "task", "done_on"])
    found: dict[str, dict[str, dt.date]] = {}
    for plan, task, day in marks.itertuples(index=False):
        found.setdefault(plan, {})[task] = day.date()
    return found


class Tables:
    """Every record table, regular, with the derived tables that do not depend on the
    month or the plan (person-state runs, tests placed in their village)."""

    def __init__(self, tables: Mapping[str, pd.DataFrame | None]):
        unknown = set(tables) - set(COLUMNS)
        if unknown:
            raise ValueError(f"unknown tables: {sorted(unknown)}")
        for name in COLUMNS:
            setattr(self, name, prepare_table(tables.get(name), name))
        self.derived: dict = {}  # tables derived for a month and counting rules

    def recorded(self, start: dt.date, end: dt.date) -> bool:
        """Whether any record of :data:`DATED` falls from ``start`` to ``end`` (included).

        >>> tables = Tables({"drug_tests": pd.DataFrame({
        ...     "person": ["P1"], "date": [dt.date(2025, 12, 28)], "result": ["negative"]})})
        >>> tables.recorded(dt.date(2025, 12, 1), dt.date(2025, 12, 31))
        True
        >>> tables.recorded(dt.date(2026, 1, 1), dt.date(2026, 1, 31))
        False
        """
        first, last = pd.Timestamp(start), pd.Timestamp(end)
        return any(getattr(self, table)[column].between(first, last).any()
                   for table, columns in DATED.items() for column in columns)

    @cached_property
    def states(self) -> pd.DataFrame:
        """Person states sorted by person and date, with the run they belong to.

        A run is a stretch of consecutive states with the same category; ``since`` is its
        first day and ``prev_status`` the status just before it (to tell whether
        post-rehab management follows compulsory rehab); ``prev_category`` is the
        category of the state before (to find relapses).
        """
        s = self.person_states.dropna(subset=["person", "valid_from"])
        s = s.sort_values(["person", "valid_from"], kind="stable").reset_index(drop=True)
        new_person = s["person"].ne(s["person"].shift())
        new_run = new_person | s["category"].ne(s["category"].shift())
        s["run"] = new_run.cumsum()
        s["since"] = s.groupby("run")["valid_from"].transform("min")
        s["prev_category"] = s["category"].shift().where(~new_person)
        before = s["status"].shift().where(~new_person)
        s["prev_status"] = before.where(new_run).groupby(s["run"]).transform("first")
        return s

    @cached_property
    def outreach_reach(self) -> pd.DataFrame:
        """One row per outreach event and village listed on it (``village`` None when the
        event lists none), with ``everywhere`` for events that reach every village: marked
        ``all_villages``, or a broadcast with no village listed."""
        events = self.outreach[self.outreach["date"].notna()]
        events = events.assign(event=events.index, count=events["count"].fillna(1.0))
        rows = events.drop(columns=["all_villages"]).explode("villages")
        rows = rows.rename(columns={"villages": "village"})
        rows["village"] = rows["village"].astype(object).where(rows["village"].notna(), None)
        listed = rows["village"].notna().groupby(level=0).any()
        everywhere = events["all_villages"] | (~listed & (events["kind"] == "broadcast"))
        rows["everywhere"] = everywhere.reindex(rows.index).to_numpy()
        rows.loc[rows["everywhere"], "village"] = None
        return rows.drop_duplicates(["event", "village"]).reset_index(drop=True)

    @cached_property
    def tests(self) -> pd.DataFrame:
        """Drug tests with the village and category of the person on the test day."""
        tests = self.drug_tests.dropna(subset=["person", "date"])
        if tests.empty:
            return tests.assign(village=pd.Series(dtype=object),
                                category=pd.Series(dtype=object))
        states = self.states[["person", "valid_from", "village", "category"]]
        ordered = tests.reset_index(names="_row").sort_values("date", kind="stable")
        located = pd.merge_asof(ordered, states.sort_values("valid_from"), left_on="date",
                                right_on="valid_from", by="person", direction="backward")
        # A test recorded before the person's first state: their first village.
        first = states.drop_duplicates("person").set_index("person")
        for col in ("village", "category"):
            located[col] = located[col].fillna(located["person"].map(first[col]))
        return located.drop(columns="valid_from").set_index("_row").sort_index()
