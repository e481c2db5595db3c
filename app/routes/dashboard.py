"""The commune dashboard: the month's status against each plan in force, the national
criteria and the villages blocking recognition, the risk levels, the plan's dated tasks
and the next report due. Built from the village frame and ``shaping.commune_summary``
(shaped for the role): no evidence and no person code reaches the page, and viewers see
no figure computed from people (only the statuses)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import compliance, mapview, patrol, shaping, store
from app.access import ANYONE
from app.deps import LocaleDep, MonthDep, SessionDep, SettingsDep
from app.i18n import N_, gettext_for, number
from app.models import TaskMark
from app.rendering import render
from geo.criteria import METRICS
from geo.frame import FrameResult
from geo.plans import shipped_plans

router = APIRouter(dependencies=[Depends(ANYONE)])

STATUSES = {"met": N_("Met"), "not_met": N_("Not met"), "no_data": N_("No data"),
            "not_applicable": N_("Not applicable")}
TASK_STATUSES = {"done": N_("Done"), "done_late": N_("Done late"), "late": N_("Late"),
                 "due": N_("Due")}
LEVELS = {"village": N_("village"), "commune": N_("commune"), "school": N_("school")}
NO_RISK = N_("Not a hotspot")
COMPARISONS = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "==": "="}


@router.get("/communes/{code}/dashboard", response_class=HTMLResponse)
def dashboard(code: str, request: Request, session: SessionDep, settings: SettingsDep,
              locale: LocaleDep, month: MonthDep) -> HTMLResponse:
    """The commune's status for a month (default: the latest month with records, as on
    the map; 400 for one it cannot show)."""
    store.get_commune(session, code)
    return render_dashboard(request, session, settings, locale, code, month)


def render_dashboard(request: Request, session: Session, settings, locale: str, code: str,
                     month: str | None, *, task_form: dict | None = None,
                     status: int = 200) -> HTMLResponse:
    """The page; ``task_form`` brings back a refused task mark with its message."""
    commune = store.get_commune(session, code)
    months = compliance.record_months(session, code, store.today())
    month = month or (months[-1] if months else compliance.current_month())
    result = request.app.state.frames.get(session, code, month)
    viewer = request.state.user
    shaper = shaping.Shaper(viewer, compliance.person_codes(session, code),
                            settings.small_count_threshold)
    summary = shaping.commune_summary(result, shaper)
    synthetic = bool(store.load_villages(session, code)["synthetic"].any())
    return render(
        request, "dashboard.html", locale, status=status, commune=commune, month=month,
        months=months, previous_month=compliance.previous_month(month),
        next_month=mapview.next_month(month), synthetic=synthetic,
        score={"percent": _percent(summary["score"], locale),
               "tally": mapview.score_tally(result.commune.get("score_evidence"),
                                            gettext_for(locale), locale)},
        national=_national(result, summary, locale, code),
        plans=_plans(result, summary, locale, code),
        risk=_risk(result, summary, locale),
        tasks=_tasks(summary, locale, session, code, marking=viewer.can("mark_tasks")),
        task_form=task_form, reports=_reports(summary, locale), statuses=STATUSES,
        no_plan=mapview.no_plan_notice(result, code, gettext_for(locale), locale),
        no_records=mapview.no_records_notice(result, months, gettext_for(locale)),
        venue_figures=patrol.village_figures(session, settings, code, _month_day(month)))


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


def _units(result: FrameResult, ident: str, level: str, link: str | None) -> dict:
    """How many villages (or schools) have each status, and which fail or lack data."""
    table = result.villages if level == "village" else result.schools
    column = f"{ident}_status"
    if column not in table:
        return {}
    statuses = table[column].fillna("no_data")
    names = table["name"]
    return {"tally": {s: int((statuses == s).sum()) for s in STATUSES},
            "failing": [str(names[i]) for i in statuses.index[statuses == "not_met"]],
            "missing": [str(names[i]) for i in statuses.index[statuses == "no_data"]],
            "link": link}


def _plans(result: FrameResult, summary: dict, locale: str, code: str) -> list[dict]:
    """For each plan in force, its indicators with the commune's and the villages' status."""
    _ = gettext_for(locale)
    commune = {i["id"]: i for i in summary["indicators"]}
    titles = {p.id: p.title_vi if locale == "vi" else p.title_en for p in shipped_plans()}
    plans: dict[str, dict] = {}
    for ind in result.indicators:
        plan = plans.setdefault(ind["plan"], {"id": ind["plan"], "title": titles.get(
            ind["plan"], ind["plan"]), "rows": []})
        unit = METRICS[ind["metric"]].unit
        row = {"id": ind["id"], "label": ind["label_vi"] if locale == "vi" else ind["label_en"],
               "levels": ", ".join(_(LEVELS[lvl]) for lvl in ind["levels"]),
               "target": _target(ind, locale), "deadline": day_text(ind["deadline"]),
               "units": None, "commune": None}
        if ind["id"] in commune:
            shown = commune[ind["id"]]  # a figure of people: no value for viewers
            row["commune"] = {"status": shown["status"],
                              "value": _value(shown.get("value"), unit, locale)}
        for level in ("village", "school"):
            if level in ind["levels"]:
                link = _map_link(code, result.month, ind["id"]) if level == "village" else None
                row["units"] = _units(result, ind["id"], level, link) | {
                    "level": _(LEVELS[level])}
        plan["rows"].append(row)
    return list(plans.values())


def _national(result: FrameResult, summary: dict, locale: str, code: str) -> dict:
    """The national criteria (the plans' recognition rules) and the blocking villages."""
    criteria = [i for i in result.indicators if i["recognition"]]
    commune = {i["id"]: i["status"] for i in summary["indicators"]}
    names = {i["id"]: i["label_vi"] if locale == "vi" else i["label_en"] for i in criteria}
    rows = [{"id": i["id"], "label": names[i["id"]], "status": commune.get(i["id"]),
             "units": _units(result, i["id"], "village",
                             _map_link(code, result.month, i["id"]))}
            for i in criteria]
    blocking = [{"name": v["name"], "indicators": v["indicators"]}
                for v in summary["blocking_villages"] or []]
    return {"status": summary["national_status"], "criteria": rows, "blocking": blocking}


def _risk(result: FrameResult, summary: dict, locale: str) -> dict | None:
    """The hotspot level of the commune and, as an analogy, of each village."""
    if summary["risk_level"] is None:
        return None
    _ = gettext_for(locale)
    plan = next((p for p in shipped_plans() if p.id == result.commune.get("risk_plan")), None)
    labels = {lvl.id: lvl.label_vi if locale == "vi" else lvl.label_en
              for lvl in (plan.hotspot.levels if plan and plan.hotspot else ())}

    def label(level) -> str:
        return labels.get(level, str(level)) if level not in (None, "none") else _(NO_RISK)

    villages = [{"name": row["name"], "level": row["risk_level"] or "none",
                 "label": label(row["risk_level"])} for _c, row in result.villages.iterrows()]
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
