"""Metrics about the people on the lists (P13–P21, N1).

Who is on the lists, in which village and in what state is decided in
:mod:`geo.engine.context` (the month's end, residing, in the community, management periods,
files); how a result is judged in :mod:`geo.engine.criteria`. The evidence names people by
their pseudonymous codes. The rules of these metrics, stated once:

- **Relapse** (P15): someone post-rehab at some time in the month relapses with a
  positive test taken while post-rehab, or a change from post-rehab to addict or user,
  in the month.
- **Post-rehab tests** (P20) are due from people post-rehab for the whole 3-month
  window; the others are listed as not yet due and left out.
- **Baseline** (P18): per village, the latest registration count on or before the
  month's end; the value is the listed addicts and users now less it.
- **N1** counts the listed addicts and users residing at the month's end, except those
  on methadone or in voluntary rehab at home or in the community; post-rehab people are
  a category of their own and never count.

Examples
--------
In 10/2025, Thôn 1 has an addict on methadone (A1), an addict without treatment (A2)
and a post-rehab person with a positive test in the month (R1):

>>> import datetime as dt
>>> from geo.engine.criteria import evaluate
>>> from geo.engine.plans import PLANS_DIR, load_plan
>>> from geo.engine.tables import Tables
>>> cam_tan = load_plan(PLANS_DIR / "cam_tan_2024_2025.toml")
>>> qd_28 = load_plan(PLANS_DIR / "qd_28_2025.toml")
>>> villages = pd.DataFrame({"code": ["T01"], "name": ["Thôn 1"], "households": [100],
...                          "population": [400]})
>>> tables = Tables({
...     "persons": pd.DataFrame({"code": ["A1", "A2", "R1"], "file_opened": True}),
...     "person_states": pd.DataFrame({
...         "person": ["A1", "A2", "R1"], "valid_from": [dt.date(2025, 1, 6)] * 3,
...         "village": "T01", "category": ["addict", "addict", "post_rehab"],
...         "status": ["methadone", "no_treatment", "no_treatment"], "psychosis": False}),
...     "drug_tests": pd.DataFrame({"person": ["R1"], "date": [dt.date(2025, 10, 8)],
...                                 "result": ["positive"]})})
>>> ctx = Context(tables, villages, "2025-10", qd_28.settings)
>>> n1 = evaluate(ctx, qd_28.indicator("N1"), "village").loc["T01"]
>>> print(n1["value"], "counted:", *n1["evidence"]["counting"],
...       "· not counted:", *n1["evidence"]["excluded"])
1.0 counted: A2 · not counted: A1
>>> p15 = evaluate(ctx, cam_tan.indicator("P15"), "village").loc["T01"]
>>> print(p15["status"], "relapsed:", *p15["evidence"]["relapsed"])
not_met relapsed: R1
"""

from __future__ import annotations

import pandas as pd

from geo.engine.context import (
    GONE,
    IN_TREATMENT,
    Context,
    Scope,
    counts,
    grouped_codes,
    result,
    share,
)

NOT_COUNTED_BY_N1 = ("methadone", "rehab_home")  # QĐ 28: treatment that does not count


def _unit(ctx: Context, group: pd.DataFrame, scope: Scope) -> pd.Series:
    return ctx.unit_of(group["village"], scope.level)


def _tested(ctx: Context, scope: Scope, persons: pd.Index) -> pd.Series:
    tests = ctx.tables.tests
    tests = tests[ctx.within(tests["date"], scope.window)]
    return persons.to_series().isin(tests["person"])


def addicts_file_treatment_pct(ctx: Context, scope: Scope) -> pd.DataFrame:
    """Share of listed addicts with a management file and in some form of treatment."""
    group = ctx.listed("addict")
    has_file = group["file"]
    treated = group["status"].isin(IN_TREATMENT)
    return share(ctx.units(scope.level), _unit(ctx, group, scope), has_file & treated,
                 total_key="addicts", ok_key="ok",
                 failing={"no_file": ~has_file, "no_treatment": ~treated})


def addicts_tested_pct(ctx: Context, scope: Scope) -> pd.DataFrame:
    """Share of listed addicts (at the month's end) tested at least once in the month."""
    group = ctx.listed("addict")
    tested = _tested(ctx, scope, group.index)
    unit = _unit(ctx, group, scope)
    nobody = tested.groupby(unit).sum() == 0
    return share(ctx.units(scope.level), unit, tested, total_key="addicts",
                 ok_key="tested", failing={"untested": ~tested}, no_data=nobody)


def relapses(ctx: Context, scope: Scope) -> pd.DataFrame:
    """People post-rehab at some time in the month, and those of them who relapsed in
    it."""
    units = ctx.units(scope.level)
    month = ctx.month_states
    at_risk = pd.Index(month.loc[month["category"] == "post_rehab", "person"].unique())
    states = ctx.tables.states
    changed = states[ctx.within(states["valid_from"], scope.window)
                     & (states["prev_category"] == "post_rehab")
                     & states["category"].isin(["addict", "user"])]["person"]
    tests = ctx.tables.tests
    positive = tests[ctx.within(tests["date"], scope.window) & (tests["result"] == "positive")
                     & (tests["category"] == "post_rehab")]["person"]
    village = ctx.people["village"].reindex(at_risk)
    group = pd.DataFrame({"village": village, "code": at_risk}, index=at_risk)
    group["unit"] = _unit(ctx, group, scope)
    group["relapsed"] = group.index.isin(changed) | group.index.isin(positive)
    total = counts(group, "unit", units)
    value = counts(group[group["relapsed"]], "unit", units)
    state = pd.Series("ok", index=units).where(total > 0, "not_applicable")
    return result(units, value, state, {
        "post_rehab": total, "relapsed": grouped_codes(group[group["relapsed"]], "unit",
                                                       "code", units)})


def users_file_negative_pct(ctx: Context, scope: Scope) -> pd.DataFrame:
    """Share of listed illegal users with a management file whose latest test (up to the
    month's end) is negative."""
    group = ctx.listed("user")
    has_file = group["file"]
    negative = group["last_result"].eq("negative")
    return share(ctx.units(scope.level), _unit(ctx, group, scope), has_file & negative,
                 total_key="users", ok_key="ok",
                 failing={"no_file": ~has_file, "not_negative": ~negative})


def psychosis_in_community(ctx: Context, scope: Scope) -> pd.DataFrame:
    """People with psychosis signs still in the community (at home: not in a facility, a
    compulsory centre or prison) at the month's end, of those with psychosis signs."""
    units = ctx.units(scope.level)
    people = ctx.people
    group = people[people["psychosis"].eq(True) & ~people["status"].isin(GONE)].copy()
    group["unit"] = _unit(ctx, group, scope)
    group["code"] = group.index
    left = group[group["in_community"]]
    total = counts(group, "unit", units)
    state = pd.Series("ok", index=units).where(total > 0, "not_applicable")
    return result(units, counts(left, "unit", units), state, {
        "psychosis": total, "left_in_community": grouped_codes(left, "unit", "code", units)})


def users_addicts_vs_baseline(ctx: Context, scope: Scope) -> pd.DataFrame:
    """Listed addicts and users now less the baseline at registration."""
    units = ctx.units(scope.level)
    group = ctx.listed("addict", "user").copy()
    group["unit"], group["code"] = _unit(ctx, group, scope), group.index
    now = counts(group, "unit", units)
    base = ctx.tables.baselines
    base = base[base["category"].isin(["addict", "user"]) & (base["as_of"] <= ctx.end)
                & base["village"].isin(ctx.villages.index)]
    latest = base.groupby("village")["as_of"].transform("max")
    base = base[base["as_of"] == latest].assign(
        unit=lambda b: ctx.unit_of(b["village"], scope.level))
    baseline = base.groupby("unit")["count"].sum().reindex(units)
    as_of = base.groupby("unit")["as_of"].max().reindex(units)
    state = pd.Series("ok", index=units).where(baseline.notna(), "no_data")
    state = state.where(~((baseline == 0) & (now == 0)), "not_applicable")
    return result(units, now - baseline, state, {
        "now": now, "baseline": baseline, "baseline_as_of": as_of,
        "persons": grouped_codes(group, "unit", "code", units)})


def addicts_in_community(ctx: Context, scope: Scope) -> pd.DataFrame:
    """Addicts at home in the community (not in a facility, centre or prison) whose
    management is running, with how many have a file."""
    units = ctx.units(scope.level)
    people = ctx.people
    group = people[(people["category"] == "addict") & people["in_community"]
                   & people["active"]].copy()
    group["unit"], group["code"] = _unit(ctx, group, scope), group.index
    total = counts(group, "unit", units)
    return result(units, total, "ok", {
        "addicts": total, "with_file": counts(group[group["file"]], "unit", units),
        "persons": grouped_codes(group, "unit", "code", units)})


def post_rehab_tested_pct(ctx: Context, scope: Scope) -> pd.DataFrame:
    """Share of the listed post-rehab people due a test with a file and a test in the
    last 3 months."""
    people = ctx.listed("post_rehab")
    start = people["management_start"].fillna(people["since"])
    due = start <= pd.Timestamp(scope.window.start)
    group = people[due]
    tested = _tested(ctx, scope, group.index)
    unit = _unit(ctx, group, scope)
    nobody = tested.groupby(unit).sum() == 0
    units = ctx.units(scope.level)
    waiting = people[~due].assign(code=lambda p: p.index, unit=_unit(ctx, people[~due], scope))
    return share(units, unit, group["file"] & tested, total_key="post_rehab", ok_key="ok",
                 failing={"no_file": ~group["file"], "untested": ~tested}, no_data=nobody,
                 extra={"not_yet_due": grouped_codes(waiting, "unit", "code", units)})


def supported_pct(ctx: Context, scope: Scope) -> pd.DataFrame:
    """Share of listed post-rehab and released people who had loan or job support on or
    before the month's end."""
    group = ctx.listed("post_rehab", "released")
    supported = (group["loan_date"] <= ctx.end) | (group["job_date"] <= ctx.end)
    return share(ctx.units(scope.level), _unit(ctx, group, scope), supported,
                 total_key="persons", ok_key="supported", failing={"not_supported": ~supported})


def users_addicts_residing(ctx: Context, scope: Scope) -> pd.DataFrame:
    """N1: listed addicts and users residing at the month's end that count against the
    criterion, and those that do not."""
    units = ctx.units(scope.level)
    group = ctx.listed("addict", "user").copy()
    group["unit"], group["code"] = _unit(ctx, group, scope), group.index
    excluded = group["status"].isin(NOT_COUNTED_BY_N1)
    counting = group[~excluded]
    return result(units, counts(counting, "unit", units), "ok", {
        "counting": grouped_codes(counting, "unit", "code", units),
        "excluded": grouped_codes(group[excluded], "unit", "code", units)})
