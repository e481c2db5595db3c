"""Patrol planning for the web page and the command line: the due list of a commune's
venues (``geo.patrol.due``), the route (``geo.patrol.route``) and the sheet (``geo.patrol.sheet``),
fed from the database and the settings and worded in the user's language."""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
from babel.numbers import format_decimal
from sqlalchemy.orm import Session

from app import store
from app.frame import caching
from app.frame.loading import current_month
from app.i18n import N_, gettext_for
from app.params import BadParameter
from app.records.schema import CHOICES
from app.settings import Settings
from geo.crs import METRIC_CRS
from geo.engine.plans import PlanSettings, plans_in_force, shipped_plans
from geo.join import natural_key
from geo.patrol.due import Weights, due_list
from geo.patrol.route import Route, plan_route
from geo.patrol.sheet import Sheet, Stop

REASONS = {
    "overdue": N_("overdue by {value} days"),
    "due_today": N_("due today"),
    "never_inspected": N_("never inspected"),
    "drug_findings": N_("inspections that found drugs in 12 months: {value}"),
    "violations": N_("inspections with a violation in 12 months: {value}"),
    "tips_near": N_("tips within {radius} m in 90 days: {value}"),
    "incidents_near": N_("incidents within {radius} m in 90 days: {value}"),
    "risk": N_("village is a hotspot of level {value}"),
    "shortened": N_("interval shortened to {value} days after a finding"),
    "needs_location": N_("needs a location: not routed"),
    "next_due": N_("not yet due: next inspection by {value}"),
}
FACTOR_LABELS = {
    "overdue": N_("Overdue"), "never_inspected": N_("Never inspected"),
    "drug_findings": N_("Drugs found"), "violations": N_("Violations"),
    "tips_near": N_("Tips nearby"), "incidents_near": N_("Incidents nearby"),
    "risk": N_("Village risk"),
}
RESULTS = {"ok": N_("no violation"), "violation": N_("violation found")}
STRAIGHT = N_("as the crow flies")
COLUMNS = (N_("No."), N_("Venue"), N_("Village"), N_("Last inspection"),
           N_("Reasons to inspect"), N_("Result"), N_("Signature"))


class PatrolProblem(BadParameter):
    """Bad input to a patrol: a message id and its values, worded by the caller (the web
    answers it with 400, as every bad parameter)."""

    def text(self, locale: str) -> str:
        return gettext_for(locale)(self.message).format(**self.values)


@dataclass
class Plan:
    """A planned patrol: the stops in route order, the venues that cannot be routed and
    the route itself (None with no routed stop)."""

    stops: pd.DataFrame
    unlocated: pd.DataFrame
    route: Route | None
    start: tuple[float, float]
    start_assumed: bool
    end: tuple[float, float] | None


def team_text(text: str, limit: int = 100) -> str:
    """A team's name as printed on the sheet: NFC, control characters (which neither a
    PDF nor a workbook can hold) dropped, at most ``limit`` characters.

    >>> team_text(" Tổ\\x00 1 ")
    'Tổ 1'
    """
    text = unicodedata.normalize("NFC", text)
    return "".join(c for c in text if unicodedata.category(c) != "Cc").strip()[:limit]


def weights(settings: Settings) -> Weights:
    return Weights(overdue_week=settings.patrol_weight_overdue_week,
                   never_inspected=settings.patrol_weight_never_inspected,
                   drug_finding=settings.patrol_weight_drug_finding,
                   violation=settings.patrol_weight_violation,
                   tip=settings.patrol_weight_tip, incident=settings.patrol_weight_incident,
                   risk=settings.patrol_weight_risk)


def plan_settings(commune: str, day: dt.date) -> PlanSettings:
    """The settings of the plan made for the commune, else of any plan in force."""
    plans = plans_in_force(shipped_plans(), commune, day)
    own = [p for p in plans if "*" not in p.communes] + plans
    return own[0].settings if own else PlanSettings()


# Due lists by what they are computed from (the frame's contents, the day, the risk levels
# and the patrol settings): the dashboard, the tips board, the patrol page and its sheets
# ask for the same list, and databases holding the same records share it, as frames are
# shared (app.frame.caching.SHARED). Callers get a copy: they add columns.
DUE_LISTS = caching.LruCache(64)


def due_venues(session: Session, settings: Settings, commune: str, day: dt.date,
               risk: pd.Series | None = None) -> pd.DataFrame:
    """The due list of ``commune`` on ``day`` (``geo.patrol.due.due_list``), from the record
    tables of the (cached) frame of the day's month: a change that touches only later
    months cannot change it (the list ignores records after ``day``). ``risk``: the
    villages' hotspot levels, by default that frame's. Computed once per frame contents,
    day, risk levels and patrol settings (:data:`DUE_LISTS`)."""
    store.get_commune(session, commune)
    frame = caching.frame(session, commune, current_month(day))
    if risk is None:
        risk = frame.result.villages["risk_level"]
    levels = tuple(sorted((str(code), str(level)) for code, level in risk.items()))
    key = ("due", frame.content, day, levels, settings.patrol_radius_m,
           settings.patrol_finding_factor, weights(settings))

    def make() -> pd.DataFrame:
        tables = frame.tables
        names = dict(zip(frame.villages["code"], frame.villages["name"], strict=True))
        due = due_list(tables["venues"], tables["inspections"], tables["tips"],
                       tables["incidents"], day=day,
                       intervals=plan_settings(commune, day).intervals, risk=risk,
                       radius_m=settings.patrol_radius_m,
                       finding_factor=settings.patrol_finding_factor,
                       weights=weights(settings))
        due["village_name"] = due["village"].map(names).fillna(due["village"])
        return due

    return DUE_LISTS.get(key, make).copy()


def reason_texts(row: dict | pd.Series, locale: str, radius_m: float) -> list[str]:
    _ = gettext_for(locale)
    radius = f"{radius_m:g}"
    reasons = list(row["reasons"])
    if not row["due"]:
        reasons.append(("next_due", _date(row["next_due"])))
    return [_(REASONS[key]).format(value=value, radius=radius) for key, value in reasons]


def station(session: Session, settings: Settings, commune: str) -> tuple[tuple, bool]:
    """The commune police station (lat, lon) and whether it is assumed (not set)."""
    if commune in settings.patrol_stations:
        return tuple(settings.patrol_stations[commune]), False
    villages = store.load_villages(session, commune)
    if villages.empty:
        raise PatrolProblem(N_("The commune has no village to start from: set its police "
                               "station (XKMT_PATROL_STATIONS) or import its villages."))
    point = villages.to_crs(METRIC_CRS).union_all().representative_point()
    point = gpd.GeoSeries([point], crs=METRIC_CRS).to_crs(4326).iloc[0]
    return (round(point.y, 6), round(point.x, 6)), True


def plan(session: Session, settings: Settings, commune: str, day: dt.date, *,
         codes: list[str] | None = None, end: tuple[float, float] | None = None,
         due: pd.DataFrame | None = None) -> Plan:
    """The stops (``codes``, or every due venue) in route order from the station."""
    due = due if due is not None else due_venues(session, settings, commune, day)
    if codes is None:
        chosen = due[due["due"]]
    else:
        unknown = [c for c in codes if c not in set(due["code"])]
        if unknown:
            raise PatrolProblem(N_("No active venue has the code {codes} in this commune."),
                                codes=", ".join(unknown)[:80])
        chosen = due.set_index("code").loc[list(dict.fromkeys(codes))].reset_index()
    start, assumed = station(session, settings, commune)
    located = chosen[chosen["located"]]
    route = plan_route(start, located, end, time_limit_s=settings.patrol_solver_seconds) \
        if len(located) else None
    ordered = located.set_index("code").loc[route.order].reset_index() if route else located
    return Plan(ordered, chosen[~chosen["located"]], route, start, assumed, end)


def km_text(metres: float, locale: str) -> str:
    """Kilometres with one decimal, as people write them: 12,0 in Vietnamese."""
    return format_decimal(round(metres / 1000, 1), format="#,##0.0",
                          locale="vi_VN" if locale == "vi" else "en_US")


def _date(value) -> str:
    return "" if pd.isna(value) else pd.Timestamp(value).strftime("%d/%m/%Y")


def last_text(row, locale: str) -> str:
    _ = gettext_for(locale)
    if pd.isna(row["last_date"]):
        return _("never")
    return f"{_date(row['last_date'])}: {_(RESULTS.get(row['last_result'], 'ok'))}"


def kind_text(kind: str, locale: str) -> str:
    label = CHOICES["venue_kind"].get(kind, CHOICES["venue_kind"]["other"])
    return gettext_for(locale)(label)


def sheet(session: Session, settings: Settings, commune: str, day: dt.date,
          patrol: Plan, locale: str, team: str = "") -> Sheet:
    """The patrol sheet, worded in ``locale``: routed stops numbered in order, then the
    venues that need a location, listed without a number."""
    _ = gettext_for(locale)
    info = store.get_commune(session, commune)
    rows = []
    for number, row in enumerate(patrol.stops.to_dict("records"), start=1):
        rows.append(_sheet_row(str(number), row, locale, settings))
    for row in patrol.unlocated.to_dict("records"):
        rows.append(_sheet_row("", row, locale, settings))
    start_label = _("Commune police station") + (
        " " + _("(assumed point)") if patrol.start_assumed else "")
    unit = _("Police of {unit}").format(unit=f"{info.unit_type.lower()} {info.name}")
    header = [(_("Unit"), unit), (_("Date"), day.strftime("%d/%m/%Y")),
              (_("Team"), team or "……………………"),
              (_("Start"), start_label)]
    if patrol.route:
        total = f"{km_text(patrol.route.total_m, locale)} km"
        header.append((_("Distance"), f"{total} ({_(STRAIGHT)})"))
    return Sheet(
        title=_("Venue patrol sheet") + f" – {info.unit_type} {info.name}".rstrip(),
        header=header, columns=[_(c) for c in COLUMNS], rows=rows,
        note=_("Distances are straight-line (as the crow flies): no road data is used."),
        map_title=_("Route from the start through the numbered stops"),
        start_label=_("Start"), end_label=_("End"),
        villages=store.load_villages(session, commune), start=patrol.start, end=patrol.end,
        stops=[Stop(i, r["lat"], r["lon"]) for i, r in enumerate(
            patrol.stops.to_dict("records"), start=1)])


def _sheet_row(number: str, row: dict, locale: str, settings: Settings) -> list[str]:
    reasons = "; ".join(reason_texts(row, locale, settings.patrol_radius_m))
    return [number, f"{row['name']} ({kind_text(row['kind'], locale)})",
            str(row["village_name"] or ""), last_text(row, locale), reasons, "", ""]


def village_figures(session: Session, settings: Settings, commune: str,
                    day: dt.date) -> list[dict]:
    """Per village (no venue named): the active venues and the share inspected on time
    on ``day`` (last inspection plus the interval of its kind, shortened after a finding,
    not before ``day``; never inspected is not on time). For every role."""
    due = due_venues(session, settings, commune, day, risk=pd.Series(dtype=object))
    if due.empty:
        return []
    due["on_time"] = ~due["never_inspected"] & (due["days_overdue"] <= 0)
    grouped = due.groupby("village_name", sort=False).agg(
        venues=("code", "size"), on_time=("on_time", "sum"), village=("village", "first"))
    rows = [{"name": name, "venues": int(r.venues), "on_time": int(r.on_time),
             "share": round(100 * r.on_time / r.venues), "code": r.village}
            for name, r in grouped.iterrows()]
    return sorted(rows, key=lambda r: natural_key(str(r["code"])))
