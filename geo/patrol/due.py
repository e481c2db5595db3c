"""Which venues to inspect, and why: the due list of a patrol.

For every active venue :func:`due_list` gives its last inspection and result, the
interval its kind is allowed between inspections (the plan's ``inspection_interval_days``,
shortened after a finding), the days it is overdue, its findings and violations in the
last 12 months, the tips and incidents recorded within a radius of it in the last 90
days, and its village's risk level. Each of these gives points by a weight
(:class:`Weights`); the score is their sum, and every factor is kept beside it so that an
officer can see, and argue with, why a venue comes first.

The rules, stated once:

- **Interval**: the plan's days for the venue's kind (``other`` for an unknown kind). When
  the last inspection found a violation or drugs, the next one is due sooner: the interval
  times ``finding_factor`` (rounded up to whole days).
- **Overdue**: ``day`` minus (last inspection + interval), in days; a venue never
  inspected is due and counts as overdue by one whole interval. A venue is *due* when it
  is overdue by zero days or more.
- **Findings** and **violations**: inspections in the 365 days up to ``day`` with drugs
  found / with the result ``violation``.
- **Nearby**: tips received and incidents dated in the 90 days up to ``day`` whose point
  lies within ``radius_m`` metres (measured in UTM 48N); records without a point are not
  counted near anything.
- **Risk**: the village's hotspot level (I highest); "none" or unknown gives nothing.
- A venue without a point is listed (``located`` False, reason ``needs_location``) and
  never routed.

Examples
--------
>>> import datetime as dt
>>> venues = pd.DataFrame({"code": ["V1", "V2"], "name": ["Karaoke A", "Nhà nghỉ B"],
...                        "kind": ["karaoke", "guesthouse"], "village": ["T01", "T02"],
...                        "lat": [20.12, None], "lon": [105.53, None]})
>>> inspections = pd.DataFrame({"venue": ["V1"], "date": [dt.date(2025, 10, 1)],
...                             "result": ["ok"], "drug_finding": [False]})
>>> due = due_list(venues, inspections, None, None, day=dt.date(2025, 11, 10),
...                intervals={"karaoke": 30, "guesthouse": 90})
>>> due[["code", "days_overdue", "due", "located"]].to_dict("records")
[{'code': 'V2', 'days_overdue': 90, 'due': True, 'located': False}, \
{'code': 'V1', 'days_overdue': 10, 'due': True, 'located': True}]
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import asdict, dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.crs import METRIC_CRS

RISK_RANK = {"I": 3, "II": 2, "III": 1}  # hotspot levels, highest first
FINDINGS_DAYS = 365
NEARBY_DAYS = 90
DEFAULT_INTERVAL = 180  # a kind the plan does not name


@dataclass(frozen=True)
class Weights:
    """Points each factor gives; the score is their sum.

    ``overdue_week``: per full or part week overdue (up to ``overdue_cap_weeks``);
    ``never_inspected``: once, for a venue with no inspection at all; ``drug_finding`` and
    ``violation``: per inspection in the last 12 months; ``tip`` and ``incident``: per
    record nearby in the last 90 days; ``risk``: per hotspot level (III = 1, II = 2, I = 3).
    """

    overdue_week: float = 1.0
    overdue_cap_weeks: int = 26
    never_inspected: float = 4.0
    drug_finding: float = 5.0
    violation: float = 2.0
    tip: float = 1.0
    incident: float = 2.0
    risk: float = 1.0


FACTORS = ("overdue", "never_inspected", "drug_findings", "violations", "tips_near",
           "incidents_near", "risk")


def due_list(venues: pd.DataFrame, inspections: pd.DataFrame | None,
             tips: pd.DataFrame | None, incidents: pd.DataFrame | None, *,
             day: dt.date, intervals: dict[str, int],
             risk: pd.Series | None = None, radius_m: float = 300.0,
             finding_factor: float = 0.5, weights: Weights | None = None) -> pd.DataFrame:
    """Every active venue with its facts, factors, score and reasons, highest score first.

    Parameters
    ----------
    venues : DataFrame
        ``code``, ``name``, ``kind``, ``village``, optional ``active``, ``lat``, ``lon``.
    inspections : DataFrame or None
        ``venue`` (code), ``date``, ``result`` (``ok``/``violation``), ``drug_finding``.
    tips, incidents : DataFrame or None
        ``code``, ``received`` (tips) or ``date`` (incidents), ``lat``, ``lon``.
    day : date
        The day the list is for; records after it are ignored.
    intervals : dict
        Days allowed between inspections by kind (the plan's settings).
    risk : Series or None
        The hotspot level of each village code ("I", "II", "III", "none").

    Returns
    -------
    DataFrame
        One row per active venue: the inputs, ``located``, ``last_date``, ``last_result``,
        ``last_drug_finding``, ``interval_days``, ``next_due``, ``days_overdue``, ``due``,
        ``drug_findings``, ``violations``, ``tips_near``, ``incidents_near``,
        ``risk_level``, ``factors`` (factor -> points), ``score`` and ``reasons`` (a list
        of ``(key, value)`` pairs, the strongest first).
    """
    weights = weights or Weights()
    frame = _active(venues)
    frame = _last_inspection(frame, inspections, day, intervals, finding_factor)
    frame = _findings(frame, inspections, day)
    frame["tips_near"] = _nearby(frame, tips, "received", day, radius_m)
    frame["incidents_near"] = _nearby(frame, incidents, "date", day, radius_m)
    levels = risk if risk is not None else pd.Series(dtype=object)
    frame["risk_level"] = frame["village"].map(levels).where(lambda s: s.notna(), None)
    frame["factors"] = [_factors(row, weights) for row in frame.to_dict("records")]
    frame["score"] = [round(sum(f.values()), 2) for f in frame["factors"]]
    frame["reasons"] = [_reasons(row) for row in frame.to_dict("records")]
    return frame.sort_values(["score", "days_overdue", "code"],
                             ascending=[False, False, True], kind="stable",
                             ignore_index=True)


def _active(venues: pd.DataFrame) -> pd.DataFrame:
    frame = venues.copy()
    for column, default in (("active", True), ("lat", np.nan), ("lon", np.nan),
                            ("village", None), ("name", ""), ("kind", "other")):
        if column not in frame.columns:
            frame[column] = default
    active = frame["active"].astype(object).where(frame["active"].notna(), True).astype(bool)
    frame = frame[active].drop_duplicates("code").reset_index(drop=True)
    frame["lat"] = pd.to_numeric(frame["lat"], errors="coerce")
    frame["lon"] = pd.to_numeric(frame["lon"], errors="coerce")
    frame["located"] = frame["lat"].notna() & frame["lon"].notna()
    return frame


def _inspections(inspections: pd.DataFrame | None, day: dt.date) -> pd.DataFrame:
    if inspections is None or inspections.empty:
        return pd.DataFrame({"venue": pd.Series(dtype=object),
                             "date": pd.Series(dtype="datetime64[ns]"),
                             "result": pd.Series(dtype=object),
                             "drug_finding": pd.Series(dtype=bool)})
    found = inspections.assign(date=pd.to_datetime(inspections["date"], errors="coerce"))
    if "drug_finding" not in found.columns:
        found["drug_finding"] = False
    found["drug_finding"] = found["drug_finding"].astype(object).fillna(False).astype(bool)
    return found[found["date"].notna() & (found["date"] <= pd.Timestamp(day))]


def _last_inspection(frame: pd.DataFrame, inspections: pd.DataFrame | None, day: dt.date,
                     intervals: dict[str, int], finding_factor: float) -> pd.DataFrame:
    done = _inspections(inspections, day).sort_values(["venue", "date"], kind="stable")
    last = done.drop_duplicates("venue", keep="last").set_index("venue")
    found = last.to_dict("index")  # venue -> its last inspection
    frame["last_date"] = pd.to_datetime(
        [found.get(c, {}).get("date") for c in frame["code"]]).astype("datetime64[ns]")
    frame["last_result"] = [found.get(c, {}).get("result") for c in frame["code"]]
    frame["last_drug_finding"] = [bool(found.get(c, {}).get("drug_finding", False))
                                  for c in frame["code"]]
    base = frame["kind"].map(intervals).fillna(intervals.get("other", DEFAULT_INTERVAL))
    found = frame["last_drug_finding"] | (frame["last_result"] == "violation")
    shortened = base.map(lambda d: max(1, math.ceil(d * finding_factor)))
    frame["interval_days"] = base.where(~found, shortened).astype(int)
    frame["interval_shortened"] = found
    frame["next_due"] = frame["last_date"] + pd.to_timedelta(frame["interval_days"], "D")
    overdue = (pd.Timestamp(day) - frame["next_due"]).dt.days
    frame["never_inspected"] = frame["last_date"].isna()
    frame["days_overdue"] = overdue.fillna(frame["interval_days"]).astype(int)
    frame["due"] = frame["days_overdue"] >= 0
    return frame


def _findings(frame: pd.DataFrame, inspections: pd.DataFrame | None,
              day: dt.date) -> pd.DataFrame:
    done = _inspections(inspections, day)
    recent = done[done["date"] > pd.Timestamp(day) - pd.Timedelta(days=FINDINGS_DAYS)]
    drugs = recent[recent["drug_finding"]].groupby("venue").size()
    violations = recent[recent["result"] == "violation"].groupby("venue").size()
    frame["drug_findings"] = frame["code"].map(drugs).fillna(0).astype(int)
    frame["violations"] = frame["code"].map(violations).fillna(0).astype(int)
    return frame


def _nearby(frame: pd.DataFrame, records: pd.DataFrame | None, date_column: str,
            day: dt.date, radius_m: float) -> pd.Series:
    """How many of ``records`` (with a point, dated in the last 90 days) lie within
    ``radius_m`` of each venue."""
    counts = pd.Series(0, index=frame.index, dtype=int)
    if records is None or records.empty or date_column not in records.columns:
        return counts
    dates = pd.to_datetime(records[date_column], errors="coerce")
    lat = pd.to_numeric(records.get("lat"), errors="coerce")
    lon = pd.to_numeric(records.get("lon"), errors="coerce")
    start = pd.Timestamp(day) - pd.Timedelta(days=NEARBY_DAYS)
    keep = (dates > start) & (dates <= pd.Timestamp(day)) & lat.notna() & lon.notna()
    located = frame[frame["located"]]
    if not keep.any() or located.empty:
        return counts
    points = metric_points(lat[keep], lon[keep])
    sites = metric_points(located["lat"], located["lon"])
    near = gpd.sjoin(sites, points, predicate="dwithin", distance=radius_m)
    return counts.add(near.groupby(level=0).size(), fill_value=0).astype(int)


def metric_points(lat: pd.Series, lon: pd.Series) -> gpd.GeoDataFrame:
    """Points given in degrees, in the metric CRS (UTM 48N), keeping the index."""
    return gpd.GeoDataFrame(index=lat.index, geometry=gpd.points_from_xy(
        lon.astype(float), lat.astype(float)), crs="EPSG:4326").to_crs(METRIC_CRS)


def _factors(row: dict, w: Weights) -> dict[str, float]:
    weeks = min(math.ceil(row["days_overdue"] / 7), w.overdue_cap_weeks) \
        if row["due"] and not row["never_inspected"] else 0
    return {
        "overdue": round(w.overdue_week * weeks, 2),
        "never_inspected": w.never_inspected if row["never_inspected"] else 0.0,
        "drug_findings": w.drug_finding * row["drug_findings"],
        "violations": w.violation * row["violations"],
        "tips_near": w.tip * row["tips_near"],
        "incidents_near": w.incident * row["incidents_near"],
        "risk": w.risk * RISK_RANK.get(str(row["risk_level"]), 0),
    }


def _reasons(row: dict) -> list[tuple[str, object]]:
    """The reasons to inspect, strongest factor first; (key, value) pairs the app words."""
    values = {"overdue": row["days_overdue"], "never_inspected": None,
              "drug_findings": row["drug_findings"], "violations": row["violations"],
              "tips_near": row["tips_near"], "incidents_near": row["incidents_near"],
              "risk": row["risk_level"]}
    ranked = sorted((k for k, points in row["factors"].items() if points > 0),
                    key=lambda k: -row["factors"][k])
    reasons = [(k, values[k]) for k in ranked]
    if row["due"] and not row["never_inspected"] and row["days_overdue"] == 0:
        reasons.insert(0, ("due_today", 0))
    if row["interval_shortened"]:
        reasons.append(("shortened", row["interval_days"]))
    if not row["located"]:
        reasons.append(("needs_location", None))
    return reasons


def weights_from(values: dict) -> Weights:
    """A :class:`Weights` from a mapping holding (some of) its fields."""
    known = asdict(Weights())
    return Weights(**{k: values[k] for k in known if k in values})
