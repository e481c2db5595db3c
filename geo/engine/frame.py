"""The village frame: for one commune and one month, a row per village with its geometry,
population, households, every count, every indicator of every plan in force and the
hotspot risk level; beside it the commune's figures and the per-school figures.

Map, print, report and API all render from it; none recomputes figures on its own. The
figures are taken at the month's last day (see :mod:`geo.engine.periods`, :mod:`geo.engine.context`,
:mod:`geo.engine.criteria` for the rules).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

from geo.engine.context import COMMUNE, Context, commune_population
from geo.engine.counts import village_counts
from geo.engine.criteria import evaluate
from geo.engine.hotspot import classify, route_units
from geo.engine.periods import month_bounds
from geo.engine.plan_shape import Plan, PlanSettings
from geo.engine.tables import Tables
from geo.engine.tracker import next_reports, plan_tasks

SCORED = ("met", "not_met", "no_data")


@dataclass
class FrameResult:
    """What :func:`village_frame` returns.

    ``villages``: GeoDataFrame, one row per village (index = village code): ``code``,
    ``name``, ``households``, ``population``, ``geometry``; the counts of
    :func:`geo.engine.counts.village_counts` (``people``, ``addicts``, ``users``, ``post_rehab``,
    ``released``, ``psychosis``, ``tests``, ``positive_tests``, ``broadcasts``,
    ``individual_visits``, ``respected_person_sessions``, ``meetings``,
    ``school_sessions``, ``tips``, ``tip_boxes``, ``venues``, ``inspections``,
    ``incidents``, ``pledged_households``); for every village-level indicator ``{ID}_value``,
    ``{ID}_target``, ``{ID}_status`` and ``{ID}_evidence`` (a dict); ``risk_level`` and
    ``risk_evidence``; ``score`` (met / (met + not met + no data): "no data" counts as not
    met; NaN when nothing applies or nothing could be judged) and ``score_evidence`` (how
    many indicators have each status).

    ``commune``: dict with ``month``, ``as_of``, ``plans``, the summed counts, the same four
    keys for every commune-level indicator, ``national_status`` ("met", "not_met",
    "no_data" or "not_applicable" when no recognition rule is in force),
    ``blocking_villages``, ``risk_level``, ``risk_evidence``, ``score``,
    ``score_evidence``, ``tasks`` (:mod:`geo.engine.tracker`), ``next_reports`` and ``recorded``.

    ``recorded``: whether the commune has any record dated in the month
    (:meth:`geo.engine.tables.Tables.recorded`). A month without one is not judged: every
    indicator that would be met or not met is "no data", with no value and no evidence
    ("not applicable" stays so), so nothing is met by the absence of records. The counts,
    the risk level and the dated tasks are still computed from the records up to the
    month's end.

    ``schools``: DataFrame, one row per school (``code``, ``name``, ``level``, ``village``)
    with the school-level indicators. ``indicators``: the indicators computed, in order,
    with their plan, labels, levels, period, comparison, target, deadline and whether
    their figures count people (``people``, :meth:`geo.engine.criteria.Metric.counts_people`).

    Evidence may hold person codes: the application strips them for roles that must not
    see person-level data.
    """

    villages: gpd.GeoDataFrame
    commune: dict
    schools: pd.DataFrame
    month: str
    as_of: dt.date
    plans: tuple[str, ...]
    indicators: list[dict] = field(default_factory=list)
    recorded: bool = True


def village_frame(tables: Mapping[str, pd.DataFrame | None] | Tables,
                  villages: gpd.GeoDataFrame, month: str, plans: Iterable[Plan], *,
                  commune: str | None = None, population: float | None = None,
                  done_marks: Mapping[str, Mapping[str, dt.date]] | None = None,
                  ) -> FrameResult:
    """Compute every figure of every plan in force for ``month``, per village.

    Parameters
    ----------
    tables : dict of DataFrames (see :mod:`geo.engine.tables`), or prepared :class:`Tables`.
    villages : GeoDataFrame with ``code``, ``name``, ``households``, ``population``.
    month : ``"YYYY-MM"``; figures are taken at its last day.
    plans : the plans to consider; those not in force at the month's end (or not
        applying to ``commune`` when given) are left out.
    population : the commune's own population figure (from its boundary record). When
        missing, the villages' sum stands for it if every village has a figure; otherwise
        the commune's population is not known (``None``) and so are its hotspot ratios.
    done_marks : plan id -> task id -> day a manual task was marked done.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> from geo.engine.plans import shipped_plans
    >>> v = gpd.GeoDataFrame({"code": ["T01"], "name": ["Thôn 1"], "households": [100],
    ...                       "population": [400]}, geometry=[box(0, 0, 1, 1)],
    ...                      crs="EPSG:4326")
    >>> post = pd.DataFrame({"kind": ["post"], "date": [dt.date(2025, 9, 3)]})
    >>> result = village_frame({"outreach": post}, v, "2025-09", shipped_plans(),
    ...                        commune="15178")
    >>> result.villages.loc["T01", ["N1_status", "P01_status", "risk_level"]].tolist()
    ['met', 'no_data', 'none']

    A month with no record of any kind judges nothing:

    >>> october = village_frame({"outreach": post}, v, "2025-10", shipped_plans(),
    ...                         commune="15178")
    >>> october.recorded, october.villages.at["T01", "N1_status"]
    (False, 'no_data')
    """
    end = month_bounds(month).end
    in_force = [p for p in plans if p.in_force(end)
                and (commune is None or p.applies_to(commune))]
    _refuse_clashes(in_force)
    prepared = tables if isinstance(tables, Tables) else Tables(tables)
    frame = _base(villages)
    population = commune_population(frame, population)
    contexts: dict[PlanSettings, Context] = {}

    def context(settings: PlanSettings) -> Context:
        if settings not in contexts:
            contexts[settings] = Context(prepared, frame, month, settings,
                                         population=population)
        return contexts[settings]

    first = context(in_force[0].settings if in_force else PlanSettings())
    frame = frame.join(village_counts(first))
    out = {"month": month, "as_of": end.isoformat(), "plans": [p.id for p in in_force]}
    totals = frame.drop(columns=["geometry", "code", "name"]).sum(numeric_only=True)
    out |= {k: v.item() if hasattr(v, "item") else v for k, v in totals.items()}
    out["population"] = population
    results, listing = _indicators(in_force, context)
    out["tasks"] = _tasks(in_force, results, end, done_marks)  # dated: from the history
    out["recorded"] = prepared.recorded(*month_bounds(month))
    if not out["recorded"]:
        results = {key: _unjudged(judged) for key, judged in results.items()}
    schools = _place(results, frame, out, prepared)
    _hotspot(in_force, context, frame, out)
    _recognition(in_force, results, frame, out)
    _scores(results, frame, out)
    out["next_reports"] = next_reports(in_force, end)
    return FrameResult(villages=frame, commune=out, schools=schools, month=month, as_of=end,
                       plans=tuple(p.id for p in in_force), indicators=listing,
                       recorded=out["recorded"])


def _tasks(plans: list[Plan], results: dict, end: dt.date,
           marks: Mapping[str, Mapping[str, dt.date]] | None) -> list[dict]:
    tasks = []
    for plan in plans:
        by_indicator: dict[str, list[pd.DataFrame]] = {}
        for (pid, ident, _level), judged in results.items():
            if pid == plan.id:
                by_indicator.setdefault(ident, []).append(judged)
        tasks.extend(plan_tasks(plan, end, by_indicator, (marks or {}).get(plan.id)))
    return tasks


def _refuse_clashes(plans: list[Plan]) -> None:
    seen: dict[str, str] = {}
    for plan in plans:
        for ind in plan.indicators:
            if ind.id in seen:
                raise ValueError(f"indicator {ind.id} is in plans {seen[ind.id]} and "
                                 f"{plan.id}, both in force")
            seen[ind.id] = plan.id


def _base(villages: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    frame = villages[["code", "name", "households", "population", "geometry"]].copy()
    frame["code"] = frame["code"].astype(str)
    for column in ("households", "population"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce")
    return frame.set_index(pd.Index(frame["code"], name="village"))


def _indicators(plans: list[Plan], context) -> tuple[dict, list[dict]]:
    results: dict[tuple[str, str, str], pd.DataFrame] = {}
    listing = []
    for plan in plans:
        ctx = context(plan.settings)
        for ind in plan.indicators:
            listing.append({
                "plan": plan.id, "id": ind.id, "label_vi": ind.label_vi,
                "label_en": ind.label_en, "levels": list(ind.levels), "metric": ind.metric,
                "period": ind.period, "comparison": ind.comparison, "target": ind.target,
                "deadline": ind.deadline.isoformat() if ind.deadline else None,
                "recognition": ind.id in plan.recognition, "people": ind.people})
            for level in ind.levels:
                results[(plan.id, ind.id, level)] = evaluate(ctx, ind, level)
    return results, listing


def _place(results: dict, frame: gpd.GeoDataFrame, out: dict,
           tables: Tables) -> pd.DataFrame:
    """Put each result where its level lives: village columns, commune keys, schools."""
    schools = tables.schools.drop_duplicates("code").set_index("code", drop=False)
    schools = schools[["code", "name", "level", "village"]]
    for (_plan, ident, level), judged in results.items():
        if level == "village":
            for column in ("value", "target", "status", "evidence"):
                frame[f"{ident}_{column}"] = judged[column].reindex(frame.index)
        elif level == "commune":
            row = judged.loc[COMMUNE]
            for column in ("value", "target"):
                out[f"{ident}_{column}"] = None if pd.isna(row[column]) else float(row[column])
            out[f"{ident}_status"] = row["status"]
            out[f"{ident}_evidence"] = row["evidence"]
        else:
            for column in ("value", "target", "status", "evidence"):
                schools[f"{ident}_{column}"] = judged[column].reindex(schools.index)
    return schools


def _hotspot(plans: list[Plan], context, frame: gpd.GeoDataFrame, out: dict) -> None:
    rule = next((p for p in plans if p.hotspot is not None), None)
    if rule is None:
        frame["risk_level"], frame["risk_evidence"] = None, None
        out["risk_level"], out["risk_evidence"] = None, None
        return
    ctx = context(rule.settings)
    flags = [(p.settings.on_drug_route, p.settings.drug_route_villages) for p in plans]
    villages = classify(ctx, rule.hotspot, "village", route_units(ctx, "village", flags))
    frame["risk_level"] = villages["risk_level"].reindex(frame.index)
    frame["risk_evidence"] = villages["risk_evidence"].reindex(frame.index)
    commune = classify(ctx, rule.hotspot, "commune", route_units(ctx, "commune", flags))
    out["risk_level"] = commune["risk_level"].iloc[0]
    out["risk_evidence"] = commune["risk_evidence"].iloc[0]
    out["risk_plan"] = rule.id


def _recognition(plans: list[Plan], results: dict, frame: gpd.GeoDataFrame,
                 out: dict) -> None:
    """The commune's national status and the villages that keep it from recognition."""
    wanted = {(p.id, i) for p in plans for i in p.recognition}
    if not wanted:
        out["national_status"], out["blocking_villages"] = "not_applicable", []
        return
    failing = pd.Series([[] for _ in frame.index], index=frame.index, dtype=object)
    statuses = []
    for (plan, ident, level), judged in results.items():
        if (plan, ident) not in wanted:
            continue
        statuses.extend(judged["status"])
        if level == "village":
            bad = judged.index[judged["status"] != "met"]
            for code in bad.intersection(frame.index):
                failing[code] = [*failing[code], ident]
    blocking = failing[failing.str.len() > 0]
    out["blocking_villages"] = [{"code": c, "name": frame.at[c, "name"], "indicators": ids}
                                for c, ids in blocking.items()]
    if all(s == "met" for s in statuses):
        out["national_status"] = "met"
    elif any(s == "not_met" for s in statuses):
        out["national_status"] = "not_met"
    else:
        out["national_status"] = "no_data"


def _unjudged(judged: pd.DataFrame) -> pd.DataFrame:
    """An indicator in a month with no record: what would be met or not met is "no data",
    with no value and no evidence; "not applicable" stays so."""
    judged = judged.copy()
    turned = judged["status"].isin(("met", "not_met"))
    judged["status"] = judged["status"].where(~turned, "no_data")
    judged["value"] = judged["value"].where(~turned)
    judged["evidence"] = [{} if t else e for t, e in zip(turned, judged["evidence"],
                                                          strict=True)]
    return judged


def _score(tally: Mapping[str, pd.Series | int]):
    """met / (met + not met + no data); missing (NaN or None) when no indicator applies
    or none could be judged (all "no data")."""
    judged = tally["met"] + tally["not_met"]
    scored = judged + tally["no_data"]
    if isinstance(scored, pd.Series):
        return (tally["met"] / scored).where(judged > 0)
    return tally["met"] / scored if judged else None


def _scores(results: dict, frame: gpd.GeoDataFrame, out: dict) -> None:
    """The compliance score of each village and of the commune (:func:`_score`), with the
    statuses it counts (``score_evidence``): "no data" counts as not met."""
    village = [j["status"].reindex(frame.index) for (_p, _i, lvl), j in results.items()
               if lvl == "village"]
    table = pd.concat(village, axis=1) if village else pd.DataFrame(index=frame.index)
    tally = {s: (table == s).sum(axis=1) for s in (*SCORED, "not_applicable")}
    frame["score"] = _score(tally)
    frame["score_evidence"] = [{s: int(tally[s][c]) for s in tally} for c in frame.index]
    every = pd.concat([j["status"] for (_p, _i, lvl), j in results.items()
                       if lvl in ("village", "commune")]) if results else pd.Series()
    total = {s: int((every == s).sum()) for s in (*SCORED, "not_applicable")}
    out["score"] = _score(total)
    out["score_evidence"] = total
