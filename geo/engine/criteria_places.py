"""Metrics about households, models, tip boxes, tips, venues and incidents (P06–P12,
N2, N3).

How a result is judged is in :mod:`geo.engine.criteria`. The rules of these records, stated
once:

- **Pledges**: the latest count on or before the month's end, against the village's
  households; ``reached_on`` is the first date the count reached every household.
- **Tip boxes**: a box installed by the month's end counts while working. The records
  keep one status per box, as found at its last check: it holds from ``last_checked``
  on (from installation when no check is recorded); before that day the box counts as
  working.
- **Tips**: the deadline is ``received + tip_deadline_days``. A tip is judged once: in
  the month it was settled (or found unfounded) when that was in time, otherwise in the
  month of the first day after its deadline. Judged, it is "on time", "settled late"
  (closed after the deadline, by the month's end) or "open past the deadline" (not
  closed by the month's end). Tips still open within their deadline are listed apart
  and judged later.
- **Venues**: a venue is on schedule while the month's end is no later than its last
  inspection plus the interval of its kind; never inspected means overdue. A drug finding
  at an inspection in the month fails the venue too.

Examples
--------
Tips about Thôn 1 (a 20-day deadline), judged in 11/2025: K1 received 01/11 and settled
05/11; K2 received 20/10, due 09/11, settled 15/11; K3 received 25/10, due 14/11, never
settled; K4 received 20/11, still open and not yet due.

>>> import datetime as dt
>>> from geo.engine.criteria import evaluate
>>> from geo.engine.plans import PLANS_DIR, load_plan
>>> from geo.engine.tables import Tables
>>> plan = load_plan(PLANS_DIR / "cam_tan_2024_2025.toml")
>>> villages = pd.DataFrame({"code": ["T01"], "name": ["Thôn 1"], "households": [100],
...                          "population": [400]})
>>> day = dt.date
>>> tips = pd.DataFrame({
...     "code": ["K1", "K2", "K3", "K4"], "village": "T01",
...     "received": [day(2025, 11, 1), day(2025, 10, 20), day(2025, 10, 25),
...                  day(2025, 11, 20)],
...     "settled_date": [day(2025, 11, 5), day(2025, 11, 15), None, None]})
>>> ctx = Context(Tables({"tips": tips}), villages, "2025-11", plan.settings)
>>> p11 = evaluate(ctx, plan.indicator("P11"), "village").loc["T01"]
>>> for key in ("on_time", "settled_late", "open_past_deadline", "open_within_deadline"):
...     print(key, *p11["evidence"][key])
on_time K1
settled_late K2
open_past_deadline K3
open_within_deadline K4
>>> print(p11["status"], round(p11["value"], 1))
not_met 33.3
"""

from __future__ import annotations

import pandas as pd

from geo.engine.context import Context, Scope, counts, grouped_codes, result, share


def pledged_households_pct(ctx: Context, scope: Scope) -> pd.DataFrame:
    """Share of households that signed the pledge, as of the latest count."""
    units = ctx.units(scope.level)
    pledges = ctx.tables.pledges
    pledges = pledges[(pledges["as_of"] <= ctx.end) & pledges["village"].isin(
        ctx.villages.index)].sort_values("as_of", kind="stable")
    households = ctx.villages["households"].astype(float)
    pledges = pledges.assign(households=pledges["village"].map(households))
    latest = pledges.drop_duplicates("village", keep="last").set_index("village")
    latest["signed"] = latest["households_signed"].clip(upper=latest["households"])
    reached = pledges[pledges["households_signed"] >= pledges["households"]]
    reached_on = reached.groupby("village")["as_of"].min()
    if scope.level == "village":
        signed, homes, as_of = latest["signed"], households, latest["as_of"]
    else:
        complete = reached_on.reindex(households.index).notna().all()
        signed = pd.Series({"commune": latest["signed"].sum() if len(latest) else None})
        homes = pd.Series({"commune": households.sum()})
        as_of = pd.Series({"commune": latest["as_of"].max()})
        reached_on = pd.Series({"commune": reached_on.max() if complete else pd.NaT})
    signed, homes = signed.reindex(units).astype(float), homes.reindex(units)
    value = (100.0 * signed / homes).where(homes > 0)
    state = pd.Series("ok", index=units).where(signed.notna() & (homes > 0), "no_data")
    return result(units, value, state, {
        "households": homes, "signed": signed, "as_of": as_of,
        "reached_on": reached_on.reindex(units)})


def models_established(ctx: Context, scope: Scope) -> pd.DataFrame:
    """Models of ``kind`` established on or before the month's end."""
    units = ctx.units(scope.level)
    models = ctx.tables.models
    found = models[(models["kind"] == scope.params["kind"]) & (models["established"]
                                                                <= ctx.end)]
    value = pd.Series(float(len(found)), index=units)
    state = "no_data" if models.empty else "ok"
    return result(units, value, state, {
        "models": sorted(found["code"].astype(str)),
        "reached_on": found["established"].min() if len(found) else None})


def working_tip_boxes(ctx: Context, scope: Scope) -> pd.DataFrame:
    """Tip boxes working at the month's end."""
    units = ctx.units(scope.level)
    boxes = ctx.tables.tip_boxes.assign(unit=lambda b: ctx.unit_of(b["village"], scope.level))
    boxes = boxes[boxes["installed"] <= ctx.end].dropna(subset=["unit"])
    found_later = pd.to_datetime(boxes["last_checked"]) > ctx.end
    working = boxes[(boxes["status"] == "working") | found_later]
    state = "no_data" if ctx.tables.tip_boxes.empty else "ok"
    return result(units, counts(working, "unit", units), state, {
        "boxes": grouped_codes(working, "unit", "code", units),
        "not_working": grouped_codes(boxes[boxes["status"] != "working"], "unit", "code",
                                     units)})


def incidents(ctx: Context, scope: Scope) -> pd.DataFrame:
    """Incidents of the given ``kinds`` over the period."""
    units = ctx.units(scope.level)
    found = _incidents(ctx, scope, scope.params["kinds"])
    return result(units, counts(found, "unit", units), "ok", {
        "incidents": grouped_codes(found, "unit", "code", units)})


def _incidents(ctx: Context, scope: Scope, kinds) -> pd.DataFrame:
    rows = ctx.tables.incidents
    rows = rows[rows["kind"].isin(list(kinds)) & ctx.within(rows["date"], scope.window)]
    return rows.assign(unit=ctx.unit_of(rows["village"], scope.level)).dropna(subset=["unit"])


def tips_settled_on_time_pct(ctx: Context, scope: Scope) -> pd.DataFrame:
    """Share of the tips judged in the month that were settled (or found unfounded) within
    the deadline, the judged tips in their three lists, and the tips open within it."""
    tips = ctx.tables.tips.dropna(subset=["received"])
    deadline = tips["received"] + pd.Timedelta(days=ctx.settings.tip_deadline_days)
    closed = tips[["settled_date", "unfounded_date"]].min(axis=1)
    in_time = closed <= deadline
    closed_by_end = closed <= ctx.end
    judged_on = closed.where(in_time, deadline + pd.Timedelta(days=1))
    judged = ctx.within(judged_on, scope.window)
    open_in_time = (tips["received"] <= ctx.end) & ~closed_by_end & (deadline >= ctx.end)
    tips = tips.assign(unit=ctx.unit_of(tips["village"], scope.level))
    units = ctx.units(scope.level)
    part = tips[judged].set_index("code")

    def among_judged(mask: pd.Series) -> pd.Series:
        return mask[judged].set_axis(part.index)

    return share(units, part["unit"], among_judged(in_time), total_key="judged",
                 ok_key="settled_in_time",
                 failing={"on_time": among_judged(in_time),
                          "settled_late": among_judged(~in_time & closed_by_end),
                          "open_past_deadline": among_judged(~in_time & ~closed_by_end)},
                 extra={"open_within_deadline": grouped_codes(
                            tips[open_in_time].dropna(subset=["unit"]), "unit", "code",
                            units),
                        "deadline_days": ctx.settings.tip_deadline_days})


def venues_inspected_clean_pct(ctx: Context, scope: Scope) -> pd.DataFrame:
    """Share of active venues inspected on schedule with no drug finding in the month."""
    venues = ctx.tables.venues
    venues = venues[venues["active"]].drop_duplicates("code").set_index("code")
    inspections = ctx.tables.inspections
    done = inspections[inspections["date"] <= ctx.end]
    last = done.groupby("venue")["date"].max().reindex(venues.index)
    intervals = ctx.settings.intervals
    days = venues["kind"].map(intervals).fillna(intervals.get("other", 180))
    due = last + pd.to_timedelta(days, unit="D")
    overdue = ~(due >= ctx.end)
    finding = done[ctx.within(done["date"], scope.window) & done["drug_finding"]]
    found = venues.index.to_series().isin(finding["venue"])
    return share(ctx.units(scope.level), ctx.unit_of(venues["village"], scope.level),
                 ~overdue & ~found, total_key="venues", ok_key="ok",
                 failing={"overdue": overdue, "drug_findings": found})


def drug_use_places(ctx: Context, scope: Scope) -> pd.DataFrame:
    """N3: drug-use sites recorded as incidents, plus venues with a drug finding at an
    inspection, over the period."""
    units = ctx.units(scope.level)
    sites = _incidents(ctx, scope, ["use_site"])
    venues = ctx.tables.venues.drop_duplicates("code").set_index("code")
    inspections = ctx.tables.inspections
    finding = inspections[ctx.within(inspections["date"], scope.window)
                          & inspections["drug_finding"]].drop_duplicates("venue")
    finding = finding.assign(village=finding["venue"].map(venues["village"]))
    finding = finding.assign(unit=ctx.unit_of(finding["village"], scope.level)).dropna(
        subset=["unit"])
    value = counts(sites, "unit", units) + counts(finding, "unit", units)
    return result(units, value, "ok", {
        "sites": grouped_codes(sites, "unit", "code", units),
        "venues": grouped_codes(finding, "unit", "venue", units)})
