"""What every metric needs for one report month: the tables, the villages, the dates, the
plan's settings, and the people as they stood at the month's end.

Rules about people, stated once:

- A person's state (village, category, status, psychosis flag) holds from its
  ``valid_from`` until the next state. Figures "at date" use the state on the month's last
  day, so a person who moved village mid-month counts in the village they were in at the
  month's end. Their drug tests count for them wherever they were tested; the per-village
  count of tests puts each test in the village the person was in on the test day.
- **Residing**: everyone except people who moved away or died; people in a compulsory
  rehab centre or in prison count only if the plan's setting ``held_count_as_residing``
  says so.
- **In the community**: at home (rehab at home or in the community, methadone, no
  treatment), i.e. not in a facility, a compulsory centre or prison.
- **Management period**: illegal users are managed for ``user_management_months`` from
  management start (or the state's start), restarted by every positive test; post-rehab
  people for ``post_rehab_months``, or ``post_rehab_months_after_compulsory`` when the
  run follows compulsory rehab of an adult (birth year unknown = adult). An explicit
  ``management_end`` wins. People whose period ended are no longer on the lists.
- **File**: ``file_opened`` with no date, or a date on or before the month's end.
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from geo.engine.periods import Week, Window, iso_weeks, month_bounds
from geo.engine.plan_shape import PlanSettings
from geo.engine.tables import Tables

COMMUNE = "commune"  # the one unit of commune-level figures
HELD = ("rehab_compulsory", "prison")
GONE = ("moved_away", "deceased")
AT_HOME = ("rehab_home", "methadone", "no_treatment")  # and no status (users, released)
IN_TREATMENT = ("rehab_home", "rehab_facility", "rehab_compulsory", "methadone")


def ts(day: dt.date) -> pd.Timestamp:
    return pd.Timestamp(day)


def commune_population(villages: pd.DataFrame, given: float | None = None) -> float | None:
    """The commune's population: its own figure when given, else the villages' sum when
    every village has one; otherwise not known (None) rather than an undercount.

    >>> v = pd.DataFrame({"population": [400, None]})
    >>> commune_population(v), commune_population(v, 900), commune_population(v.head(1))
    (None, 900.0, 400.0)
    """
    if given is not None and not pd.isna(given):
        return float(given)
    known = pd.to_numeric(villages["population"], errors="coerce")
    return float(known.sum()) if len(known) and known.notna().all() else None


class Scope(NamedTuple):
    """What a metric function is asked for."""

    level: str
    period: str
    window: Window
    params: dict[str, Any]


class Context:
    """One report month of one commune under one plan's settings.

    Parameters
    ----------
    tables : Tables
        The prepared record tables (shared between plans).
    villages : DataFrame
        ``code``, ``name``, ``households``, ``population``.
    month : str
        ``"YYYY-MM"``.
    settings : PlanSettings
        Durations and counting rules of the plan whose indicators are computed.
    population : float or None
        The commune's own population figure (see :func:`commune_population`).
    """

    def __init__(self, tables: Tables, villages: pd.DataFrame, month: str,
                 settings: PlanSettings, *, population: float | None = None):
        self.tables = tables
        self.villages = villages.set_index("code", drop=False)
        self.population = commune_population(villages, population)
        self.month = month
        self.bounds = month_bounds(month)
        self.start, self.end = ts(self.bounds.start), ts(self.bounds.end)
        self.settings = settings

    @property
    def weeks(self) -> list[Week]:
        return iso_weeks(self.month)

    def units(self, level: str) -> pd.Index:
        """The rows of a result: village codes, school codes, or the commune."""
        if level == "village":
            return pd.Index(self.villages["code"], name="unit")
        if level == "school":
            return pd.Index(self.tables.schools["code"].dropna().unique(), name="unit")
        return pd.Index([COMMUNE], name="unit")

    def unit_of(self, village: pd.Series, level: str) -> pd.Series:
        """The unit each record counts in (NaN: outside the frame's villages).

        At commune level, records with no village (a tip about no village, say) count too.
        """
        known = village.isin(self.villages.index)
        if level == "village":
            return village.where(known)
        return pd.Series(COMMUNE, index=village.index).where(known | village.isna())

    def within(self, dates: pd.Series, window: Window) -> pd.Series:
        return (dates >= ts(window.start)) & (dates <= ts(window.end))

    @property
    def people(self) -> pd.DataFrame:
        """Every person's state at the month's end with the flags of this module's rules,
        indexed by person code (shared by the plans whose counting rules agree)."""
        s = self.settings
        key = (self.month, s.held_count_as_residing, s.user_management_months,
               s.post_rehab_months, s.post_rehab_months_after_compulsory, s.adult_age)
        cache = self.tables.derived
        if key not in cache:
            cache[key] = self._people()
        return cache[key]

    def _people(self) -> pd.DataFrame:
        states = self.tables.states
        current = states[states["valid_from"] <= self.end].drop_duplicates("person",
                                                                            keep="last")
        people = current.set_index("person").join(
            self.tables.persons.drop_duplicates("code").set_index("code"), how="left")
        people["file"] = people["file_opened"].eq(True) & ~(people["file_opened_date"] > self.end)
        people = people.join(self._last_tests())
        s = self.settings
        people["residing"] = ~people["status"].isin(GONE) & (
            s.held_count_as_residing | ~people["status"].isin(HELD))
        # A user under management or a released person may have no treatment/whereabouts
        # status: they live in the community.
        people["in_community"] = people["status"].isin(AT_HOME) | people["status"].isna()
        people["management_until"] = self._management_until(people)
        explicit = people["management_end"]
        people["active"] = (explicit.isna() | (explicit >= self.end)) & (
            people["management_until"].isna() | (people["management_until"] > self.end))
        people["listed"] = people["residing"] & people["active"]
        return people

    def _last_tests(self) -> pd.DataFrame:
        tests = self.tables.tests
        tests = tests[tests["date"] <= self.end].sort_values("date", kind="stable")
        last = tests.drop_duplicates("person", keep="last").set_index("person")
        positive = tests[tests["result"] == "positive"].groupby("person")["date"].max()
        return pd.DataFrame({"last_test": last["date"], "last_result": last["result"],
                             "last_positive": positive})

    def _management_until(self, people: pd.DataFrame) -> pd.Series:
        """First day off the lists, by the durations of the settings (NaT: no limit)."""
        s = self.settings
        start = people["management_start"].fillna(people["since"])
        user_from = pd.concat([start, people["last_positive"]], axis=1).max(axis=1)
        user_until = user_from + pd.DateOffset(months=s.user_management_months)
        adult = people["birth_year"].isna() | (
            start.dt.year - people["birth_year"] >= s.adult_age)
        long = (people["prev_status"] == "rehab_compulsory") & adult
        post_until = (start + pd.DateOffset(months=s.post_rehab_months)).where(
            ~long, start + pd.DateOffset(months=s.post_rehab_months_after_compulsory))
        until = pd.Series(pd.NaT, index=people.index, dtype="datetime64[ns]")
        until = until.where(people["category"] != "user", user_until)
        return until.where(people["category"] != "post_rehab", post_until)

    def listed(self, *categories: str) -> pd.DataFrame:
        """People on the lists (residing, management running) in these categories."""
        people = self.people
        return people[people["listed"] & people["category"].isin(categories)]

    @cached_property
    def month_states(self) -> pd.DataFrame:
        """Each person's states in force at some time during the month."""
        states = self.tables.states
        started = states[states["valid_from"] <= self.end]
        at_start = started[started["valid_from"] <= self.start].drop_duplicates(
            "person", keep="last")
        during = started[started["valid_from"] > self.start]
        return pd.concat([at_start, during]).sort_values(["person", "valid_from"])


def codes(values: pd.Series) -> list[str]:
    """Sorted person or record codes, for evidence."""
    return sorted(str(v) for v in values)


def _positions(values: pd.Series | np.ndarray, units: pd.Index) -> np.ndarray:
    """Position of each value among ``units`` (-1 when not one of them)."""
    return units.get_indexer(pd.Index(np.asarray(values, dtype=object)))


def grouped_codes(frame: pd.DataFrame, unit: str, column: str, units: pd.Index) -> pd.Series:
    """unit -> sorted list of codes, an empty list for units with none."""
    lists: list[list] = [[] for _ in range(len(units))]
    if len(frame):
        where = _positions(frame[unit], units)
        keep = where >= 0
        where, names = where[keep], frame[column].to_numpy(dtype=object)[keep].astype(str)
        for i in np.lexsort((names, where)):
            lists[where[i]].append(names[i])
    return pd.Series(lists, index=units, dtype=object)


def counts(frame: pd.DataFrame, unit: str, units: pd.Index, weights: str | None = None,
           ) -> pd.Series:
    """unit -> number of rows (or sum of ``weights``), 0 for units with none."""
    where = _positions(frame[unit], units) if len(frame) else np.empty(0, dtype=int)
    keep = where >= 0
    w = None if weights is None else frame[weights].to_numpy(dtype=float)[keep]
    total = np.bincount(where[keep], weights=w, minlength=len(units)).astype(float)
    return pd.Series(total, index=units)


def result(units: pd.Index, value: pd.Series, state: pd.Series | str,
           evidence: dict[str, pd.Series | object]) -> pd.DataFrame:
    """A metric's answer: ``value``, ``state`` ("ok", "no_data", "not_applicable") and
    ``evidence`` (a dict per unit, built from series aligned on ``units`` or constants)."""
    value = value.reindex(units).to_numpy(dtype=float)
    if isinstance(state, str):
        states = np.full(len(units), state, dtype=object)
    else:
        states = state.reindex(units).to_numpy(dtype=object)
        states[pd.isna(states)] = "ok"
    columns = {}
    for key, series in evidence.items():
        if isinstance(series, pd.Series):
            columns[key] = _plain_column(series.reindex(units))
        else:
            columns[key] = [_plain(series)] * len(units)
    keys = list(columns)
    rows = [dict(zip(keys, values, strict=True)) for values in zip(*columns.values(),
                                                                   strict=True)]
    if not keys:
        rows = [{} for _ in units]
    return pd.DataFrame({"value": value, "state": states, "evidence": rows}, index=units)


def _plain_column(series: pd.Series) -> list:
    """A whole evidence column made JSON-friendly at once (see :func:`_plain`)."""
    if pd.api.types.is_datetime64_any_dtype(series):
        text = series.dt.strftime("%Y-%m-%d")
        return [None if pd.isna(v) else v for v in text.tolist()]
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        return [None if v != v else (int(v) if float(v).is_integer() else v)
                for v in series.astype(float).tolist()]
    return [_plain(v) for v in series.tolist()]


def _plain(value: object) -> object:
    """JSON-friendly evidence: ints, floats, ISO dates, lists and dicts as they are."""
    if isinstance(value, list | tuple | dict):
        return value
    if value is None or value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def share(units: pd.Index, unit: pd.Series, ok: pd.Series, *, total_key: str, ok_key: str,
          failing: dict[str, pd.Series], no_data: pd.Series | None = None,
          extra: dict[str, pd.Series | object] | None = None) -> pd.DataFrame:
    """A percentage of people (or places) per unit, with the codes that fail each part.

    ``unit``, ``ok`` and each mask of ``failing`` are aligned on the group's index (the
    codes). Units with nobody are "not_applicable"; units flagged by ``no_data`` are "no
    data".
    """
    frame = pd.DataFrame({"unit": unit, "ok": ok.astype(bool)}).dropna(subset=["unit"])
    frame["code"] = frame.index
    total = counts(frame, "unit", units)
    good = counts(frame.assign(ok=frame["ok"].astype(float)), "unit", units, "ok")
    value = (100.0 * good / total).where(total > 0)
    state = pd.Series("ok", index=units).where(total > 0, "not_applicable")
    if no_data is not None:
        state = state.where(~(no_data.reindex(units, fill_value=False) & (total > 0)),
                            "no_data")
    evidence: dict[str, pd.Series | object] = {total_key: total, ok_key: good}
    for key, mask in failing.items():
        evidence[key] = grouped_codes(frame[mask.reindex(frame.index, fill_value=False)],
                                      "unit", "code", units)
    evidence |= extra or {}
    return result(units, value, state, evidence)
