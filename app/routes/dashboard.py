"""The commune dashboard: the month's status against each plan in force beside last
month's, the national criteria and the villages blocking recognition, each village with
the indicators it fails, the risk levels, the plan's dated tasks and the next report due.
Rendered from the role's view of the frame (``app.frame.view``): no
evidence and no person code reaches the page, and viewers see no figure computed from
people (only the statuses)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import mapview, patrol, store, tips_board
from app.access import ANYONE
from app.deps import LocaleDep, MonthDep, SessionDep, SettingsDep
from app.frame import caching, loading, view
from app.i18n import N_, gettext_for, number
from app.models import TaskMark
from app.rendering import render, render_shared
from app.reports import calendar
from app.reports.figures import LEVELS, TASK_STATUSES
from geo.engine.criteria import METRICS
from geo.engine.plans import shipped_plans

router = APIRouter(dependencies=[Depends(ANYONE)])

STATUSES = {"met": N_("Met"), "not_met": N_("Not met"), "no_data": N_("No data"),
            "not_applicable": N_("Not applicable")}
NO_RISK = N_("Not a hotspot")
COMPARISONS = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "==": "="}


@router.get("/communes/{code}/dashboard", response_class=HTMLResponse)
def dashboard(code: str, request: Request, session: SessionDep, settings: SettingsDep,
              locale: LocaleDep, month: MonthDep) -> Response:
    """The commune's status for a month (default: the latest month with records, as on
    the map; 400 for one it cannot show). The commune exists: the access rule checked it
    is in the account's scope."""
    return render_dashboard(request, session, settings, locale, code, month)


def render_dashboard(request: Request, session: Session, settings, locale: str, code: str,
                     month: str | None, *, task_form: dict | None = None,
                     status: int = 200) -> Response:
    """The page; ``task_form`` brings back a refused task mark with its message. Without
    one the page is rendered once per data version of the commune (task and report marks
    included), day and account (:func:`app.rendering.render_shared`)."""
    viewer = request.state.user
    version, today = caching.data_version(session, code), store.today()
    shown = view.view_for(session, settings, code, month, viewer, locale, version=version)
    before = view.view_for(session, settings, code, loading.previous_month(shown.month),
                           viewer, locale, version=version)

    def context() -> dict:
        summary = shown.summary
        last = before.summary if before.indicators else None
        return dict(
            commune=store.get_commune(session, code), month=shown.month,
            months=shown.months, previous_month=loading.previous_month(shown.month),
            next_month=mapview.next_month(shown.month), synthetic=shown.synthetic,
            score={"percent": _percent(summary["score"], locale),
                   "tally": mapview.score_tally(summary["score_evidence"],
                                                gettext_for(locale), locale),
                   "before": _percent(last["score"], locale) if last else None},
            national=_national(shown, locale, code, before, last),
            plans=_plans(shown, locale, code, before, last),
            villages=_villages(shown, last, locale, code),
            risk=_risk(shown, locale),
            tasks=_tasks(summary, locale, session, code, marking=viewer.can("mark_tasks")),
            task_form=task_form, reports=_reports(summary, locale), statuses=STATUSES,
            no_plan=shown.no_plan, no_records=shown.no_records,
            report_banner=calendar.banner(session, code, today, settings.report_banner_days),
            **_venues_and_alerts(session, settings, code, _month_day(shown.month),
                                 police=viewer.can("plan_patrols"), version=version))

    if task_form is not None or status != 200:
        return render(request, "dashboard.html", locale, status=status, **context())
    return render_shared(request, caching.caches(session).answers,
                         (shown.key, before.key, version, today), "dashboard.html", locale,
                         context)


def _venues_and_alerts(session: Session, settings, code: str, day: dt.date, *,
                       police: bool, version: tuple) -> dict:
    """The venue figures per village and the alerts, computed once per data version of
    the commune (every record change makes a new one), day and role: they read every
    record table, a dozen queries."""
    return caching.caches(session).answers.get(
        ("dashboard venues and alerts", code, day, police, version), lambda: {
            "venue_figures": patrol.village_figures(session, settings, code, day),
            "alerts": tips_board.alerts(session, settings, code, day, police=police)})


def _month_day(month: str) -> dt.date:
    """The last day of ``month``, or today while it runs."""
    end = pd.Period(month, freq="M").end_time.date()
    return min(end, store.today())


def day_text(value: str | dt.date | None) -> str:
    """An ISO date as people read it: dd/mm/yyyy."""
    if not value:
        return ""
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    return day.strftime("%d/%m/%Y")


def _percent(score: float | None, locale: str) -> str:
    return "—" if score is None else f"{number(round(score * 100), locale)}%"


def _value(value, unit: str, locale: str) -> str:
    if value is None:
        return "—"
    value = round(float(value), 1)
    shown = number(int(value) if value.is_integer() else value, locale)
    return f"{shown}%" if unit == "percent" else shown


def _target(indicator: dict, locale: str) -> str:
    if indicator["target"] is None:
        return "—"
    unit = METRICS[indicator["metric"]].unit
    sign = COMPARISONS.get(indicator["comparison"], indicator["comparison"])
    return f"{sign} {_value(indicator['target'], unit, locale)}"


def _map_link(code: str, month: str, layer: str) -> str:
    return f"/communes/{code}/map?month={month}&layer={layer}"


def _units(shown: view.FrameView, ident: str, level: str, link: str | None,
           before: view.FrameView | None = None) -> dict:
    """How many villages (or schools) have each status, and which fail or lack data;
    ``not_met_before``: how many failed last month (``before``; None without it)."""
    if ident not in shown.statuses[level]:
        return {}
    column = f"{ident}_status"
    statuses = [(u["name"], u[column] or "no_data") for u in shown.units[level]]
    last = None
    if before is not None and before.indicators and ident in before.statuses[level]:
        last = sum(1 for u in before.units[level] if u[column] == "not_met")
    return {"tally": {s: sum(1 for _n, status in statuses if status == s) for s in STATUSES},
            "failing": [name for name, status in statuses if status == "not_met"],
            "missing": [name for name, status in statuses if status == "no_data"],
            "link": link, "not_met_before": last}


def _plans(shown: view.FrameView, locale: str, code: str, before: view.FrameView,
           last: dict | None) -> list[dict]:
    """For each plan in force, its indicators with the commune's and the villages' status,
    this month and last."""
    _ = gettext_for(locale)
    commune = {i["id"]: i for i in shown.summary["indicators"]}
    commune_before = {i["id"]: i["status"] for i in (last or {}).get("indicators", [])}
    titles = {p.id: p.title_vi if locale == "vi" else p.title_en for p in shipped_plans()}
    plans: dict[str, dict] = {}
    for ind in shown.indicators:
        plan = plans.setdefault(ind["plan"], {"id": ind["plan"], "title": titles.get(
            ind["plan"], ind["plan"]), "rows": []})
        unit = METRICS[ind["metric"]].unit
        row = {"id": ind["id"], "label": ind["label_vi"] if locale == "vi" else ind["label_en"],
               "levels": ", ".join(_(LEVELS[lvl]) for lvl in ind["levels"]),
               "target": _target(ind, locale), "deadline": day_text(ind["deadline"]),
               "units": None, "commune": None}
        if ind["id"] in commune:
            figures = commune[ind["id"]]  # a figure of people: no value for viewers
            row["commune"] = {"status": figures["status"],
                              "value": _value(figures.get("value"), unit, locale),
                              "before": commune_before.get(ind["id"])}
        for level in ("village", "school"):
            if level in ind["levels"]:
                link = _map_link(code, shown.month, ind["id"]) if level == "village" else None
                row["units"] = _units(shown, ind["id"], level, link, before) | {
                    "level": _(LEVELS[level])}
        plan["rows"].append(row)
    return list(plans.values())


def _national(shown: view.FrameView, locale: str, code: str, before: view.FrameView,
              last: dict | None) -> dict:
    """The national criteria (the plans' recognition rules) and the blocking villages,
    with last month's status beside this month's."""
    summary = shown.summary
    criteria = [i for i in shown.indicators if i["recognition"]]
    commune = {i["id"]: i["status"] for i in summary["indicators"]}
    commune_before = {i["id"]: i["status"] for i in (last or {}).get("indicators", [])}
    names = {i["id"]: i["label_vi"] if locale == "vi" else i["label_en"] for i in criteria}
    rows = [{"id": i["id"], "label": names[i["id"]], "status": commune.get(i["id"]),
             "before": commune_before.get(i["id"]),
             "units": _units(shown, i["id"], "village",
                             _map_link(code, shown.month, i["id"]), before)}
            for i in criteria]
    blocking = [{"name": v["name"], "indicators": v["indicators"]}
                for v in summary["blocking_villages"] or []]
    return {"status": summary["national_status"], "criteria": rows, "blocking": blocking,
            "before": last["national_status"] if last else None}


def _villages(shown: view.FrameView, last: dict | None, locale: str, code: str) -> list[dict]:
    """Each village with the indicators it fails and those without data, this month and
    last: which villages fail and why. Only statuses (from the role's summary), so every
    role may see it; the lowest score first."""
    summary = shown.summary
    ids = [i["id"] for i in shown.indicators if "village" in i["levels"]]
    labels = {i["id"]: i["label_vi"] if locale == "vi" else i["label_en"]
              for i in shown.indicators}
    names = {u["code"]: u["name"] for u in shown.units["village"]}
    earlier = (last or {}).get("villages", {})

    def having(statuses: dict | None, status: str) -> list[str]:
        return [i for i in ids if (statuses or {}).get(f"{i}_status") == status]

    rows = []
    for village, statuses in summary["villages"].items():
        previous = earlier.get(village)
        rows.append({
            "code": village, "name": str(names[village]),
            "score": _percent(statuses.get("score"), locale),
            "before": _percent(previous.get("score"), locale) if previous else None,
            "failing": [{"id": i, "label": labels[i],
                         "link": _map_link(code, shown.month, i)}
                        for i in having(statuses, "not_met")],
            "missing": having(statuses, "no_data"),
            "failing_before": having(previous, "not_met") if previous else None})
    return sorted(rows, key=lambda r: (_score(summary["villages"][r["code"]]),
                                       -len(r["failing"]), -len(r["missing"])))


def _score(statuses: dict) -> float:
    """The village's score to sort by: the lowest first, one without a score (no data)
    before all."""
    score = statuses.get("score")
    return -1.0 if score is None else float(score)


def _risk(shown: view.FrameView, locale: str) -> dict | None:
    """The hotspot level of the commune and, as an analogy, of each village."""
    summary = shown.summary
    if summary["risk_level"] is None:
        return None
    _ = gettext_for(locale)
    plan = next((p for p in shipped_plans() if p.id == shown.risk_plan), None)
    labels = {lvl.id: lvl.label_vi if locale == "vi" else lvl.label_en
              for lvl in (plan.hotspot.levels if plan and plan.hotspot else ())}

    def label(level) -> str:
        return labels.get(level, str(level)) if level not in (None, "none") else _(NO_RISK)

    villages = [{"name": v["name"], "level": v.get("risk_level") or "none",
                 "label": label(v.get("risk_level"))} for v in shown.units["village"]]
    return {"level": summary["risk_level"] or "none", "label": label(summary["risk_level"]),
            "villages": villages}


def _tasks(summary: dict, locale: str, session: Session, code: str, *,
           marking: bool) -> list[dict]:
    """The plans' dated tasks; a manual one carries its mark (and a form when
    ``marking``), one decided by an indicator names it."""
    _ = gettext_for(locale)
    marks = {(m.plan_id, m.task_id): m for m in session.scalars(
        select(TaskMark).where(TaskMark.commune_code == code))}
    rows = []
    for t in summary["tasks"] or []:
        mark = marks.get((t["plan"], t["id"]))
        rows.append({
            "plan": t["plan"], "id": t["id"],
            "label": t["label_vi"] if locale == "vi" else t["label_en"],
            "due": day_text(t["due"]), "done_on": day_text(t["done_on"]),
            "status": t["status"], "status_text": _(TASK_STATUSES[t["status"]]),
            "indicator": t["indicator"], "manual": t["manual"],
            "form": marking and t["manual"],
            "mark": {"done_on": day_text(mark.done_on), "reference": mark.reference,
                     "by": mark.marked_by} if mark else None})
    return rows


def _reports(summary: dict, locale: str) -> list[dict]:
    return [{"label": r["label_vi"] if locale == "vi" else r["label_en"],
             "due": day_text(r["due"]),
             "recipient": r["recipient_vi"] if locale == "vi" else r["recipient_en"]}
            for r in summary["next_reports"] or []]
