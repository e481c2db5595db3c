"""The metric table: every metric a plan file may name, and how a result is judged.

A metric computes, for one level (villages, the commune, or schools) and one period, a
``value`` per unit, a ``state`` ("ok", or "no_data" / "not_applicable" when the metric
itself knows) and the ``evidence`` behind it (counts, and for person-level figures the
person codes). :func:`evaluate` adds the plan's target and turns it into a status. The
rules, stated once (the records' own rules are in :mod:`geo.engine.context` for people,
:mod:`geo.engine.criteria_outreach` and :mod:`geo.engine.criteria_places`):

- **not applicable**: nothing to judge. The indicator's group is empty in the unit: no
  addict for the shares of addicts (P13, P14), no illegal user (P16), no one with
  psychosis signs (P17), nobody post-rehab in the month for relapses (P15) or due a
  test (P20), nobody on the lists to visit or support (P02, P21), no addict or user
  now nor at registration (P18), no active venue (P12), no tip due for judgement in
  the month (P11). Also a school of a level the plan leaves out, a school indicator
  in the summer holidays, and an indicator whose plan sets no target (a count, P05).
- **no data**: something should be recorded and nothing is. Work counted (broadcasts,
  posts, school sessions, visits, tests) with none at all in the unit, though there
  is someone or something to do it for; a village with no pledge record (P06, whatever
  other villages have); no baseline (P18); no tip box, or no model, recorded in the
  whole commune (P09, P07; a village without a box while others have some has 0).
  Never "met".
- **met** / **not met**: the value compared with the target. A count of what must not
  happen (cultivation, violations, drug-use places, addicts and users: P10, N1–N3) is
  0 when nothing is recorded, and so met.

Whether a month is judged at all (it has records) is decided by the village frame
(:class:`geo.engine.frame.FrameResult`, ``recorded``).

Examples
--------
Two villages in 10/2025: Thôn 1 has an addict at home with psychosis signs, tested in
the month, and a pledge list signed by every household; Thôn 2 has no one on the lists
and no pledge record.

>>> from geo.engine.plans import PLANS_DIR, load_plan
>>> from geo.engine.tables import Tables
>>> import datetime as dt
>>> plan = load_plan(PLANS_DIR / "cam_tan_2024_2025.toml")
>>> villages = pd.DataFrame({"code": ["T01", "T02"], "name": ["Thôn 1", "Thôn 2"],
...                          "households": [100, 80], "population": [400, 300]})
>>> tables = Tables({
...     "persons": pd.DataFrame({"code": ["P1"], "file_opened": [True]}),
...     "person_states": pd.DataFrame({
...         "person": ["P1"], "valid_from": [dt.date(2025, 1, 6)], "village": ["T01"],
...         "category": ["addict"], "status": ["rehab_home"], "psychosis": [True]}),
...     "drug_tests": pd.DataFrame({"person": ["P1"], "date": [dt.date(2025, 10, 8)],
...                                 "result": ["negative"]}),
...     "pledges": pd.DataFrame({"village": ["T01"], "as_of": [dt.date(2024, 12, 10)],
...                              "households_signed": [100]})})
>>> ctx = Context(tables, villages, "2025-10", plan.settings)
>>> for ident in ("P14", "P17", "P06", "P10"):
...     print(ident, evaluate(ctx, plan.indicator(ident), "village")["status"].tolist())
P14 ['met', 'not_applicable']
P17 ['not_met', 'not_applicable']
P06 ['met', 'no_data']
P10 ['met', 'met']
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from geo import vocab
from geo.engine import criteria_outreach as outreach
from geo.engine import criteria_people as people
from geo.engine import criteria_places as places
from geo.engine.context import Context, Scope
from geo.engine.periods import window
from geo.engine.plan_shape import Indicator

OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    ">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt,
    "==": operator.eq}
STATUSES = ("met", "not_met", "no_data", "not_applicable")


@dataclass(frozen=True)
class ParamSpec:
    """A metric parameter a plan may set: one choice, or a list of choices (``many``)."""

    default: Any = None
    choices: tuple[str, ...] | None = None
    many: bool = False
    required: bool = False

    def accepts(self, value: Any) -> bool:
        values = value if self.many and isinstance(value, list) else [value]
        if self.many and not isinstance(value, list):
            return False
        return all(isinstance(v, str) and (self.choices is None or v in self.choices)
                   for v in values)


@dataclass(frozen=True)
class Metric:
    """A metric. ``people`` (every metric must say): whether its figures, value and
    evidence, count people or are computed from counts of people (a share of them, a
    change), or a function of the parameters telling it. Small counts of people must
    never be recoverable outside the police: the application shows the figures of such
    a metric to fewer roles."""

    name: str
    fn: Callable[[Context, Scope], pd.DataFrame]
    levels: tuple[str, ...]
    periods: tuple[str, ...]
    unit: str  # "percent", "count" or "change"
    params: dict[str, ParamSpec] = field(default_factory=dict)
    people: bool | Callable[[Mapping[str, Any]], bool] = field(kw_only=True)

    def counts_people(self, params: Mapping[str, Any]) -> bool:
        """Whether the figures count people, with these parameters.

        >>> METRICS["outreach_events"].counts_people({"kind": "broadcast"})
        False
        >>> METRICS["incidents"].counts_people({"kinds": ["arrest", "cultivation"]})
        True
        """
        return bool(self.people(params)) if callable(self.people) else self.people


VC = ("village", "commune")
EVENTS = ("iso_weeks", "month", "semester", "rolling_3_months", "evaluation_year",
          "cumulative")
OUTREACH_KINDS = vocab.OUTREACH_KINDS
INCIDENT_KINDS = vocab.INCIDENT_KINDS
PERSON_INCIDENTS = vocab.PERSON_INCIDENTS  # each is about people
SCHOOL_LEVELS = vocab.SCHOOL_LEVELS


def _table(*metrics: Metric) -> dict[str, Metric]:
    return {m.name: m for m in metrics}


METRICS: dict[str, Metric] = _table(
    Metric("outreach_events", outreach.outreach_events, VC, EVENTS, "count",
           {"kind": ParamSpec(choices=OUTREACH_KINDS, required=True)},
           people=lambda params: params.get("kind") == "individual_visit"),
    Metric("school_sessions", outreach.school_sessions, ("school",), ("semester", "month"),
           "count", {"levels": ParamSpec(("primary", "lower_secondary"), SCHOOL_LEVELS,
                                         many=True)}, people=False),
    Metric("managed_visited_pct", outreach.managed_visited_pct, VC, ("month",), "percent",
           people=True),
    Metric("pledged_households_pct", places.pledged_households_pct, VC, ("cumulative",),
           "percent", people=False),
    Metric("models_established", places.models_established, ("commune",), ("cumulative",),
           "count", {"kind": ParamSpec(choices=("prevention", "reintegration_3_1", "other"),
                                       required=True)}, people=False),
    Metric("working_tip_boxes", places.working_tip_boxes, VC, ("at_date",), "count", people=False),
    Metric("incidents", places.incidents, VC, ("month", "evaluation_year", "cumulative"),
           "count", {"kinds": ParamSpec(choices=INCIDENT_KINDS, many=True, required=True)},
           people=lambda params: bool(set(params.get("kinds") or ())
                                      & set(PERSON_INCIDENTS))),
    Metric("tips_settled_on_time_pct", places.tips_settled_on_time_pct, VC, ("month",),
           "percent", people=False),
    Metric("venues_inspected_clean_pct", places.venues_inspected_clean_pct, VC, ("month",),
           "percent", people=False),
    Metric("drug_use_places", places.drug_use_places, VC, ("month", "evaluation_year"),
           "count", people=False),
    Metric("addicts_file_treatment_pct", people.addicts_file_treatment_pct, VC,
           ("at_date",), "percent", people=True),
    Metric("addicts_tested_pct", people.addicts_tested_pct, VC, ("month",), "percent",
           people=True),
    Metric("relapses", people.relapses, VC, ("month",), "count", people=True),
    Metric("users_file_negative_pct", people.users_file_negative_pct, VC, ("at_date",),
           "percent", people=True),
    Metric("psychosis_in_community", people.psychosis_in_community, VC, ("at_date",),
           "count", people=True),
    Metric("users_addicts_vs_baseline", people.users_addicts_vs_baseline, VC, ("at_date",),
           "change", people=True),
    Metric("addicts_in_community", people.addicts_in_community, VC, ("at_date",), "count",
           people=True),
    Metric("post_rehab_tested_pct", people.post_rehab_tested_pct, VC, ("rolling_3_months",),
           "percent", people=True),
    Metric("supported_pct", people.supported_pct, VC, ("cumulative",), "percent",
           people=True),
    Metric("users_addicts_residing", people.users_addicts_residing, VC, ("at_date",),
           "count", people=True),
)


def evaluate(ctx: Context, indicator: Indicator, level: str) -> pd.DataFrame:
    """One indicator at one level: ``value``, ``target``, ``status``, ``evidence`` per unit.

    Examples
    --------
    >>> from geo.engine.plans import PLANS_DIR, load_plan
    >>> from geo.engine.tables import Tables
    >>> plan = load_plan(PLANS_DIR / "qd_28_2025.toml")
    >>> villages = pd.DataFrame({"code": ["T01"], "name": ["Thôn 1"], "households": [100],
    ...                          "population": [400]})
    >>> ctx = Context(Tables({}), villages, "2025-09", plan.settings)
    >>> evaluate(ctx, plan.indicator("N1"), "village")["status"].tolist()
    ['met']
    """
    metric = METRICS[indicator.metric]
    span = window(indicator.period, ctx.month)
    if span is None:  # a school semester in the summer holidays
        units = ctx.units(level)
        raw = pd.DataFrame({"value": np.nan, "state": "not_applicable",
                            "evidence": [{"period": "summer_holidays"} for _ in units]},
                           index=units)
    else:
        raw = metric.fn(ctx, Scope(level, indicator.period, span, indicator.param))
    return judge(raw, indicator, ctx)


def judge(raw: pd.DataFrame, indicator: Indicator, ctx: Context) -> pd.DataFrame:
    """The status of each unit from a metric's answer and the indicator's target."""
    # on the arrays, not Series: a frame judges some sixty indicator-levels
    value = raw["value"].to_numpy(dtype=float)
    state = raw["state"].to_numpy(dtype=object)
    if indicator.comparison is None:  # a figure shown with no pass/fail
        status = np.full(len(raw), "not_applicable", dtype=object)
    else:
        ok = state == "ok"
        passes = OPERATORS[indicator.comparison](value, indicator.target)  # NaN: False
        status = np.where(ok, np.where(passes, "met", "not_met"), state).astype(object)
        status[ok & np.isnan(value)] = "no_data"
    evidence = raw["evidence"]
    if indicator.deadline is not None:
        evidence = [_with_deadline(e, indicator, ctx) for e in evidence]
    return pd.DataFrame({"value": value, "target": indicator.target, "status": status,
                         "evidence": evidence}, index=raw.index)


def _with_deadline(evidence: dict, indicator: Indicator, ctx: Context) -> dict:
    deadline = indicator.deadline
    out = dict(evidence, deadline=deadline.isoformat(),
               deadline_passed=ctx.bounds.end > deadline)
    if "reached_on" in evidence:
        reached = evidence["reached_on"]
        out["on_time"] = None if reached is None else reached <= deadline.isoformat()
    return out
