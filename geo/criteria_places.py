"""Metrics about households, models, tip boxes, tips, venues and incidents (P06–P12,
N2, N3).

Rules, stated once:

- **Pledges**: the latest count on or before the month's end, against the village's
  households; ``reached_on`` is the first date the count reached every household.
- **Tips**: the deadline is ``received + tip_deadline_days``. A tip is judged once, in the
  month it was settled (or found unfounded) when that was in time, otherwise in the month
  of the first day after its deadline; it is then "on time" or "late". Tips still open
  within their deadline are listed as "open" and judged later.
- **Venues**: a venue is on schedule while the month's end is no later than its last
  inspection plus the interval of its kind; never inspected means overdue. A drug finding
  at an inspection in the month fails the venue too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from geo.context import Context, counts, grouped_codes, result, share

if TYPE_CHECKING:
    from geo.criteria import Scope


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
    """Models of ``kind`` established on or before the month's end. No model of any kind
    recorded: no data."""
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
    """Tip boxes installed by the month's end and working then. The records keep one
    status per box, as found at its last check: it holds from ``last_checked`` on (from
    installation when no check is recorded); before that day the box counts as working.
    No box recorded in the commune at all: no data."""
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
    """Incidents of the given ``kinds`` over the period (zero when none is recorded)."""
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
    the deadline, with the judged tips in three lists and the tips still open within it."""
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
