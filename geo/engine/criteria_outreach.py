"""Outreach metrics: broadcasts, posts, sessions, visits (P01–P05).

How a result is judged is in :mod:`geo.engine.criteria`. The rules of these records, stated
once:

- **Reach**: an event reaches the villages listed on it; one marked ``all_villages`` (or
  a broadcast with no village listed) reaches every village of the frame. At commune
  level an event counts once, however many villages it reached. ``count`` is how many
  times the event took place (1 when empty).
- **Every week** (``iso_weeks``): the value is the smallest weekly count over the
  month's ISO weeks (:mod:`geo.engine.periods`), so "≥ 2 a week" means in every week.
- **Visits** (P02) are to a person on the lists, counted in the month; **school
  sessions** (P04) at a school of the levels the plan names, over the semester.

Examples
--------
In 10/2025 a broadcast with no village listed (so, everywhere) and one to Thôn 1:

>>> import datetime as dt
>>> from geo.engine.plans import PlanSettings
>>> from geo.engine.tables import Tables
>>> villages = pd.DataFrame({"code": ["T01", "T02"], "name": ["Thôn 1", "Thôn 2"],
...                          "households": [100, 80], "population": [400, 300]})
>>> outreach = pd.DataFrame({"kind": "broadcast", "villages": [(), ("T01",)],
...                          "date": [dt.date(2025, 10, 7), dt.date(2025, 10, 9)]})
>>> ctx = Context(Tables({"outreach": outreach}), villages, "2025-10", PlanSettings())
>>> reached(ctx, "broadcast", "village", ctx.bounds)["unit"].value_counts().sort_index()
unit
T01    2
T02    1
Name: count, dtype: int64
>>> len(reached(ctx, "broadcast", "commune", ctx.bounds))
2
"""

from __future__ import annotations

import pandas as pd

from geo.engine.context import Context, Scope, counts, result, share
from geo.engine.periods import Window, semester
from geo.vocab import PERSON_CATEGORIES

MANAGED = PERSON_CATEGORIES


def reached(ctx: Context, kind: str, level: str, span: Window) -> pd.DataFrame:
    """One row per event of ``kind`` in ``span`` and unit it reached: ``unit``, ``date``,
    ``count``, ``event``."""
    rows = ctx.tables.outreach_reach
    rows = rows[(rows["kind"] == kind) & ctx.within(rows["date"], span)]
    everywhere = rows["everywhere"]
    if level == "village":
        codes = pd.DataFrame({"village": ctx.villages["code"].to_numpy()})
        spread = rows[everywhere].drop(columns="village").merge(codes, how="cross")
        rows = pd.concat([rows[~everywhere], spread], ignore_index=True)
    rows = rows.assign(unit=ctx.unit_of(rows["village"], level)).dropna(subset=["unit"])
    return rows.drop_duplicates(["event", "unit"])[["unit", "date", "count", "event"]]


def _week_labels(dates: pd.Series) -> pd.Series:
    iso = dates.dt.isocalendar()
    return iso["year"].astype(str) + "-W" + iso["week"].astype(str).str.zfill(2)


def outreach_events(ctx: Context, scope: Scope) -> pd.DataFrame:
    """Times an outreach of ``kind`` took place: per week with ``iso_weeks``, otherwise
    over the period."""
    units = ctx.units(scope.level)
    rows = reached(ctx, scope.params["kind"], scope.level, scope.window)
    evidence: dict[str, pd.Series | object] = {
        "from": scope.window.start, "to": scope.window.end}
    if scope.period == "iso_weeks":
        labels = [w.label for w in ctx.weeks]
        table = pd.crosstab(rows["unit"], _week_labels(rows["date"]), values=rows["count"],
                            aggfunc="sum") if len(rows) else pd.DataFrame()
        table = table.reindex(index=units, columns=labels).fillna(0)
        value, total = table.min(axis=1), table.sum(axis=1)
        evidence["weeks"] = pd.Series(
            [dict(zip(labels, map(int, row), strict=True)) for row in table.to_numpy()],
            index=units, dtype=object)
    else:
        total = counts(rows, "unit", units, weights="count")
        value = total
    evidence["total"] = total
    state = pd.Series("ok", index=units).where(total > 0, "no_data")
    return result(units, value, state, evidence)


def school_sessions(ctx: Context, scope: Scope) -> pd.DataFrame:
    """Sessions held at each school over the period (a semester runs from its first day
    to the month's end)."""
    units = ctx.units("school")
    schools = ctx.tables.schools.drop_duplicates("code").set_index("code").reindex(units)
    covered = schools["level"].isin(scope.params["levels"])
    events = ctx.tables.outreach
    events = events[(events["kind"] == "school_session") & events["school"].notna()
                    & ctx.within(events["date"], scope.window)]
    total = counts(events.assign(count=events["count"].fillna(1.0)), "school", units,
                   weights="count")
    state = pd.Series("ok", index=units).where(total > 0, "no_data")
    state = state.where(covered, "not_applicable")
    found = semester(ctx.bounds.end)
    return result(units, total, state, {
        "sessions": total, "level": schools["level"], "village": schools["village"],
        "semester": found[0] if found else None, "from": scope.window.start,
        "to": scope.window.end})


def managed_visited_pct(ctx: Context, scope: Scope) -> pd.DataFrame:
    """Share of the people on the lists (all four categories) visited individually in the
    month."""
    units = ctx.units(scope.level)
    group = ctx.listed(*MANAGED)
    visits = ctx.tables.outreach
    visits = visits[(visits["kind"] == "individual_visit") & visits["person"].notna()
                    & ctx.within(visits["date"], scope.window)]
    visited = group.index.to_series().isin(visits["person"])
    unit = ctx.unit_of(group["village"], scope.level)
    nobody = visited.groupby(unit).sum() == 0
    return share(units, unit, visited, total_key="persons", ok_key="visited",
                 failing={"unvisited": ~visited}, no_data=nobody)
