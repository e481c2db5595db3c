"""Hotspot levels of QĐ 28/2025/QĐ-TTg (Loại I, II, III), computed from plan data.

The decision classifies communes; the same ratios computed per village against the
village's population make the "risk level" layer, an analogy. Measures, over the plan's
hotspot period (the evaluation year up to the month's end) except people, taken at the
month's end:

- ``people_pct``: listed addicts and users **with a management file**, per 100 residents;
- ``use_sites``: drug-use sites recorded as incidents;
- ``arrests_pct``: people arrested for drug offences (``persons`` of arrest incidents, 1
  when empty) per 100 residents;
- ``plants`` and ``area_m2``: drug plants and area destroyed (cultivation incidents).

A level holds when at least ``at_least`` of its conditions hold; levels are tried in
the plan's order (I, then II, then III). A route condition ("meets at least 2 indicators
of type II and lies on a drug route") counts the indicators met at that level **or
above**, as the decision's "trở lên" says. The decision's ranges leave gaps (a place
with 1% users and nothing else meets no rule); the plan's ``fallback`` level, when set,
is given to a place with any drug presence that meets no level, and the evidence says so.
None holding gives ``"none"``.

Where the population is not known (a village without a figure), a ratio is 0 when its
count is 0 and not known otherwise: its conditions do not hold, the fallback level still
marks any presence, and the evidence shows the population as not known (``None``).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from geo.engine.context import COMMUNE, Context, counts
from geo.engine.periods import PERIODS, window
from geo.engine.plan_check import Checker, array, is_number, is_text
from geo.engine.plan_shape import Condition, Hotspot, HotspotLevel, file_keys

MEASURES = ("people_pct", "use_sites", "arrests_pct", "plants", "area_m2")
CONDITION_KEYS = file_keys(Condition)


def measures(ctx: Context, level: str, period: str) -> pd.DataFrame:
    """The five measures per unit (villages or the commune), with the population used."""
    units = ctx.units(level)
    span = window(period, ctx.month)
    if level == "village":
        population = pd.to_numeric(ctx.villages["population"], errors="coerce").reindex(units)
    else:
        population = pd.Series({COMMUNE: ctx.population}, dtype=float).reindex(units)
    population = population.astype(float).where(population > 0)
    people = ctx.listed("addict", "user")
    people = people[people["file"]].assign(unit=lambda p: ctx.unit_of(p["village"], level))
    rows = ctx.tables.incidents
    rows = rows[ctx.within(rows["date"], span)]
    rows = rows.assign(unit=ctx.unit_of(rows["village"], level)).dropna(subset=["unit"])
    arrests = rows[rows["kind"] == "arrest"].assign(
        arrested=lambda r: r["persons"].fillna(1.0))
    grown = rows[rows["kind"] == "cultivation"].fillna({"plants": 0.0, "area_m2": 0.0})
    listed = counts(people, "unit", units)
    arrested = counts(arrests, "unit", units, weights="arrested")
    return pd.DataFrame({
        "population": population,
        "people": listed,
        "people_pct": _per_hundred(listed, population),
        "use_sites": counts(rows[rows["kind"] == "use_site"], "unit", units),
        "arrested": arrested,
        "arrests_pct": _per_hundred(arrested, population),
        "plants": counts(grown, "unit", units, weights="plants"),
        "area_m2": counts(grown, "unit", units, weights="area_m2"),
    }, index=units)


def _per_hundred(count: pd.Series, population: pd.Series) -> pd.Series:
    """Per 100 residents; nobody is 0% even where the population is not known."""
    return (100.0 * count / population).where(count > 0, 0.0)


def _holds(condition: Condition, values: pd.DataFrame) -> pd.Series:
    if condition.any:
        held = [_holds(option, values) for option in condition.any]
        return pd.concat(held, axis=1).any(axis=1)
    measure = values[condition.measure]
    ok = measure.notna()
    if condition.ge is not None:
        ok &= measure >= condition.ge
    if condition.gt is not None:
        ok &= measure > condition.gt
    if condition.lt is not None:
        ok &= measure < condition.lt
    return ok.fillna(False).astype(bool)


def classify(ctx: Context, hotspot: Hotspot, level: str, on_route: pd.Series,
             ) -> pd.DataFrame:
    """``risk_level`` ("I", "II", "III" or "none") and ``risk_evidence`` per unit.

    ``on_route`` tells, per unit, whether it lies on a drug route.
    """
    values = measures(ctx, level, hotspot.period)
    plain = {lvl.id: {c.id: _holds(c, values) for c in lvl.conditions
                      if c.lower_level is None} for lvl in hotspot.levels}
    route = on_route.reindex(values.index, fill_value=False).astype(bool)
    held: dict[str, dict[str, pd.Series]] = {}
    for lvl in hotspot.levels:
        held[lvl.id] = dict(plain[lvl.id])
        for cond in lvl.conditions:
            if cond.lower_level is not None:
                met = _met_or_above(hotspot, plain, cond.lower_level, values.index)
                held[lvl.id][cond.id] = (met >= cond.lower_at_least) & route
    risk = pd.Series("none", index=values.index, dtype=object)
    for lvl in reversed(hotspot.levels):
        count = pd.concat(list(held[lvl.id].values()), axis=1).sum(axis=1)
        risk = risk.where(count < lvl.at_least, lvl.id)
    present = (values[["people", "use_sites", "arrested", "plants", "area_m2"]] > 0).any(axis=1)
    fallback = (risk == "none") & present & (hotspot.fallback is not None)
    risk = risk.where(~fallback, hotspot.fallback)
    flags = {lvl.id: {c: s.to_numpy() for c, s in held[lvl.id].items()}
             for lvl in hotspot.levels}
    records = values.to_dict("records")
    route_np, fallback_np = route.to_numpy(), fallback.to_numpy()
    evidence = [_evidence(row, {lvl: [c for c, a in conds.items() if a[i]]
                                for lvl, conds in flags.items()},
                          bool(route_np[i]), bool(fallback_np[i]))
                for i, row in enumerate(records)]
    return pd.DataFrame({"risk_level": risk, "risk_evidence": evidence}, index=values.index)


def _met_or_above(hotspot: Hotspot, plain: dict, level_id: str, index: pd.Index,
                  ) -> pd.Series:
    """How many distinct plain conditions hold at ``level_id`` or a higher level ("loại
    III trở lên": a figure in the type I range also counts as meeting type III)."""
    ids = [lvl.id for lvl in hotspot.levels]
    upto = ids[: ids.index(level_id) + 1]
    by_id: dict[str, pd.Series] = {}
    for lid in upto:
        for cid, series in plain[lid].items():
            by_id[cid] = by_id.get(cid, pd.Series(False, index=index)) | series
    return pd.concat(list(by_id.values()), axis=1).sum(axis=1) if by_id else pd.Series(
        0, index=index)


def _evidence(row: dict, met: dict[str, list[str]], on_route: bool,
              fallback: bool) -> dict:
    def plain(v: float) -> float | int | None:
        if v is None or np.isnan(v):
            return None
        return int(v) if float(v).is_integer() else round(float(v), 4)

    return {"population": plain(row["population"]), "people": plain(row["people"]),
            "arrested": plain(row["arrested"]),
            "ratios": {m: plain(row[m]) for m in MEASURES}, "met": met, "on_route": on_route,
            "fallback": fallback}


def route_units(ctx: Context, level: str, flags: Iterable[tuple[bool, tuple[str, ...]]],
                ) -> pd.Series:
    """Whether each unit lies on a drug route, from the plans' (on_drug_route, villages)."""
    units = ctx.units(level)
    on = pd.Series(False, index=units)
    for commune_on, villages in flags:
        if not commune_on:
            continue
        if level == "village" and villages:
            on |= units.isin(list(villages))
        else:
            on[:] = True
    return on


def check_hotspot(checker: Checker) -> None:
    raw = checker.data.get("hotspot")
    if raw is None:
        return
    at = checker.at
    if not isinstance(raw, dict):
        checker.add("bad_section", at.key("hotspot"), section="hotspot")
        return
    checker.unknown_keys(raw, file_keys(Hotspot), "hotspot")
    if raw.get("period") not in PERIODS:
        checker.add("bad_period", at.key("period", "hotspot"), id="hotspot",
                    value=str(raw.get("period")), allowed=", ".join(PERIODS))
    levels = array(checker, "hotspot.level", raw)
    ids = [level.get("id") for level in levels]
    if "fallback" in raw and raw["fallback"] not in ids:
        checker.add("unknown_level", at.key("fallback", "hotspot"), value=str(raw["fallback"]),
                    allowed=", ".join(map(str, ids)))
    counter = 0
    for n, level in enumerate(levels):
        ident = level.get("id") if is_text(level.get("id")) else f"#{n + 1}"
        checker.unknown_keys(level, file_keys(HotspotLevel), "hotspot.level", n)
        checker.required_text(level, ("id",), "hotspot.level", n, "missing_key",
                              section="hotspot.level")
        checker.required_text(level, ("label_vi", "label_en"), "hotspot.level", n,
                              "missing_label", id=ident)
        at_least = level.get("at_least")
        if not (isinstance(at_least, int) and not isinstance(at_least, bool) and at_least > 0):
            checker.add("bad_setting", at.key("at_least", "hotspot.level", n),
                        key="at_least", value=str(at_least))
        for condition in array(checker, "hotspot.level.condition", level):
            _condition(checker, condition, counter, ids[n + 1:])
            counter += 1


def _condition(checker: Checker, raw: dict, n: int, lower: list) -> None:
    table = "hotspot.level.condition"
    line = checker.at.table(table, n)
    checker.unknown_keys(raw, CONDITION_KEYS, table, n)
    kinds = [k for k in ("measure", "any", "lower_level") if k in raw]
    if len(kinds) != 1:
        checker.add("bad_condition", line, id=str(raw.get("id")))
        return
    options = raw["any"] if kinds == ["any"] else [raw]
    if kinds == ["lower_level"]:
        if raw["lower_level"] not in lower:
            checker.add("unknown_level", checker.at.key("lower_level", table, n),
                        value=str(raw["lower_level"]), allowed=", ".join(map(str, lower)))
        return
    for option in options:
        if not isinstance(option, dict) or option.get("measure") not in MEASURES:
            value = option.get("measure") if isinstance(option, dict) else option
            checker.add("unknown_measure", checker.at.key(kinds[0], table, n),
                        value=str(value), allowed=", ".join(MEASURES))
            continue
        for bound in ("ge", "gt", "lt"):
            if bound in option and not is_number(option[bound]):
                checker.add("bad_setting", checker.at.key(bound, table, n) or line,
                            key=bound, value=str(option[bound]))
