"""The plain counts of the village frame: what happened in each village in the month and
how many people are on its lists at the month's end (figures, not judgements)."""

from __future__ import annotations

import pandas as pd

from geo.engine.context import GONE, Context
from geo.engine.context import counts as _count
from geo.engine.criteria_outreach import reached
from geo.vocab import LIST_OF, PERSON_CATEGORIES

CATEGORIES = PERSON_CATEGORIES
# The columns of :func:`village_counts`, declared by what they count. People: the lists
# (whose sum is ``people``), the people with psychosis signs, drug tests, visits to people,
# and incidents (an arrest, a violation, a fugitive are people). The rest counts places and
# events that concern no one in particular.
LISTS = tuple(LIST_OF[c] for c in CATEGORIES)  # their sum is "people"
PEOPLE = ("people", *LISTS, "psychosis", "tests", "positive_tests", "individual_visits",
          "incidents")
NOT_PEOPLE = ("broadcasts", "respected_person_sessions", "meetings", "school_sessions",
              "tips", "tip_boxes", "venues", "inspections", "pledged_households")
OUTREACH = {"broadcasts": "broadcast", "respected_person_sessions": "respected_person",
            "meetings": "meeting"}


def village_counts(ctx: Context) -> pd.DataFrame:
    """One row per village: people on the lists by category at the month's end, and the
    month's tests, outreach, tips, inspections and incidents, with the month-end tip boxes,
    active venues and pledged households."""
    units = ctx.units("village")
    month = ctx.bounds
    out = pd.DataFrame(index=units)
    listed = ctx.people[ctx.people["listed"]]
    out["people"] = _count(listed, "village", units)
    for category in CATEGORIES:
        out[LIST_OF[category]] = _count(listed[listed["category"] == category], "village",
                                        units)
    people = ctx.people
    out["psychosis"] = _count(people[people["psychosis"].eq(True)
                                     & ~people["status"].isin(GONE)], "village", units)
    tests = ctx.tables.tests
    tests = tests[ctx.within(tests["date"], month)]
    out["tests"] = _count(tests, "village", units)
    out["positive_tests"] = _count(tests[tests["result"] == "positive"], "village", units)
    for column, kind in OUTREACH.items():
        out[column] = _count(reached(ctx, kind, "village", month), "unit", units, "count")
    out["individual_visits"] = _visits(ctx, units)
    out["school_sessions"] = _school_sessions(ctx, units)
    _places(ctx, out)
    return out.astype(int)


def _visits(ctx: Context, units: pd.Index) -> pd.Series:
    """Visits to a person, in the village the person was in at the month's end."""
    events = ctx.tables.outreach
    events = events[(events["kind"] == "individual_visit") & events["person"].notna()
                    & ctx.within(events["date"], ctx.bounds)]
    events = events.assign(village=events["person"].map(ctx.people["village"]),
                           count=events["count"].fillna(1.0))
    return _count(events, "village", units, "count")


def _school_sessions(ctx: Context, units: pd.Index) -> pd.Series:
    events = ctx.tables.outreach
    events = events[(events["kind"] == "school_session") & ctx.within(events["date"],
                                                                        ctx.bounds)]
    village = ctx.tables.schools.drop_duplicates("code").set_index("code")["village"]
    events = events.assign(village=events["school"].map(village),
                           count=events["count"].fillna(1.0))
    return _count(events, "village", units, "count")


def _places(ctx: Context, out: pd.DataFrame) -> None:
    units, t, month = out.index, ctx.tables, ctx.bounds
    out["tips"] = _count(t.tips[ctx.within(t.tips["received"], month)], "village", units)
    boxes = t.tip_boxes
    out["tip_boxes"] = _count(boxes[(boxes["installed"] <= ctx.end)
                                    & (boxes["status"] == "working")], "village", units)
    venues = t.venues[t.venues["active"]].drop_duplicates("code")
    out["venues"] = _count(venues, "village", units)
    inspections = t.inspections[ctx.within(t.inspections["date"], month)]
    inspections = inspections.assign(village=inspections["venue"].map(
        t.venues.drop_duplicates("code").set_index("code")["village"]))
    out["inspections"] = _count(inspections, "village", units)
    out["incidents"] = _count(t.incidents[ctx.within(t.incidents["date"], month)],
                              "village", units)
    pledges = t.pledges[t.pledges["as_of"] <= ctx.end].sort_values("as_of", kind="stable")
    latest = pledges.drop_duplicates("village", keep="last").set_index("village")
    out["pledged_households"] = latest["households_signed"].reindex(units).fillna(0)
