"""Venue patrols, for the commune police only: the due list with its reasons and score
factors, the venues picked for a patrol, their route on a map, and the patrol sheet as
PDF or workbook.

Planning changes nothing stored: the page is one GET form (the day, the venues ticked,
an optional end point, the team's name) and the sheet links carry the same query.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Annotated

import pandas as pd
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from app import patrol, store
from app.access import PATROLS
from app.deps import LocaleDep, SessionDep, SettingsDep
from app.frame import caching, view
from app.frame.loading import current_month
from app.i18n import N_, gettext_for
from app.params import BadParameter, read_day
from app.rendering import render
from app.settings import Settings
from app.web_security import tile_origin
from geo.legends import PATROL_COLOURS
from geo.patrol.sheet import route_key, route_map_png, sheet_pdf, sheet_xlsx

router = APIRouter(dependencies=[Depends(PATROLS)])
Venues = Annotated[list[str] | None, Query()]  # ?venue=CS-01&venue=CS-02

BAD_END = N_("“{value}” is not a point: write the latitude and longitude separated by a "
             "comma, for example 20.1309, 105.5341.")
TOO_LONG = 100  # characters of a team's name on the sheet


def read_end(text: str | None) -> tuple[float, float] | None:
    """An end point "lat, lon" in degrees within Vietnam's reach; None when blank.

    >>> read_end("20.1309, 105.5341"), read_end("")
    ((20.1309, 105.5341), None)
    """
    if not text or not text.strip():
        return None
    try:
        lat, lon = (float(part) for part in text.split(","))
    except ValueError:
        raise BadParameter(BAD_END, value=text[:40]) from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise BadParameter(BAD_END, value=text[:40])
    return lat, lon


def _inputs(day: str | None, end: str | None, team: str) -> tuple[dt.date, tuple | None, str]:
    chosen = read_day(day) or store.today()
    return chosen, read_end(end), patrol.team_text(team, TOO_LONG)


def _due(request: Request, session: Session, settings: Settings, code: str, day: dt.date):
    store.get_commune(session, code)
    shown = view.view_for(session, settings, code, current_month(day), request.state.user,
                          settings.default_locale)  # the hotspot levels: no figure, any role
    risk = pd.Series({u["code"]: u.get("risk_level") for u in shown.units["village"]},
                     dtype=object, name="risk_level")
    return patrol.due_venues(session, settings, code, day, risk=risk)


def _rows(due, picked: set[str], locale: str, settings: Settings) -> list[dict]:
    _ = gettext_for(locale)
    rows = []
    for row in due.to_dict("records"):
        rows.append({
            "code": row["code"], "name": row["name"],
            "kind": patrol.kind_text(row["kind"], locale), "village": row["village_name"],
            "last": patrol.last_text(row, locale), "interval": row["interval_days"],
            "overdue": row["days_overdue"], "never": row["never_inspected"],
            "due": row["due"], "located": row["located"],
            "score": f"{row['score']:g}", "picked": row["code"] in picked,
            "reasons": patrol.reason_texts(row, locale, settings.patrol_radius_m),
            "factors": [(_(patrol.FACTOR_LABELS[k]), f"{v:g}")
                        for k, v in row["factors"].items() if v]})
    return rows


def _map_data(session: Session, settings: Settings, code: str, plan) -> dict:
    villages = store.load_villages(session, code)
    stops = [{"n": i, "code": r["code"], "name": r["name"], "lat": r["lat"], "lon": r["lon"]}
             for i, r in enumerate(plan.stops.to_dict("records"), start=1)]
    tiles = None
    if tile_origin(settings.tiles):
        import folium
        tiles = settings.tiles if "{" in settings.tiles else folium.TileLayer(
            settings.tiles).tiles
    return {"villages": json.loads(villages[["code", "name", "geometry"]].to_json()),
            "start": plan.start, "end": plan.end, "stops": stops, "tiles": tiles,
            "attribution": settings.tiles_attribution, "colours": PATROL_COLOURS}


@router.get("/communes/{code}/patrol", response_class=HTMLResponse)
def patrol_page(code: str, request: Request, session: SessionDep, settings: SettingsDep,
                locale: LocaleDep, day: str | None = None,
                venue: Venues = None, end: str | None = None,
                team: str = "", saved: str = "") -> HTMLResponse:
    """The due list; with venues ticked, their route drawn and the sheet to download."""
    venue = venue or []
    chosen, end_point, team = _inputs(day, end, team)
    due = _due(request, session, settings, code, chosen)
    plan = patrol.plan(session, settings, code, chosen, codes=venue, end=end_point,
                       due=due) if venue else None
    query = [("day", chosen.isoformat()), *(("venue", v) for v in venue)]
    query += [("end", end or ""), ("team", team)]
    return render(
        request, "patrol.html", locale, commune=store.get_commune(session, code),
        day=chosen, rows=_rows(due, set(venue), locale, settings), plan=plan,
        end=end or "", team=team, query=query,
        saved=int(saved) if re.fullmatch("[0-9]{1,5}", saved) else None,
        results_query=[("day", chosen.isoformat())] + [("venue", c) for c in (
            [*plan.stops["code"], *plan.unlocated["code"]] if plan else [])],
        radius=f"{settings.patrol_radius_m:g}",
        map_data=_map_data(session, settings, code, plan) if plan else None,
        unlocated=[] if plan is None else plan.unlocated["name"].tolist(),
        total_km=patrol.km_text(plan.route.total_m, locale) if plan and plan.route else None)


def _sheet(request: Request, session: Session, settings: Settings, code: str,
           locale: str, chosen: dt.date, venue: list[str] | None,
           end_point: tuple | None, team: str):
    """The sheet of the day and venues (:func:`_inputs` read the day, end and team)."""
    due = _due(request, session, settings, code, chosen)
    plan = patrol.plan(session, settings, code, chosen, codes=venue or None, end=end_point,
                       due=due)
    return patrol.sheet(session, settings, code, chosen, plan, locale, team)


def _sheet_pdf(request: Request, session: Session, settings: Settings, code: str,
               locale: str, day: str | None, venue: list[str] | None, end: str | None,
               team: str) -> tuple[dt.date, bytes]:
    """The day and the sheet's PDF, drawn once per data version for the same day, venues,
    end, team, role and language."""
    chosen, end_point, team_name = _inputs(day, end, team)
    version, answers = caching.data_version(session, code), caching.caches(session).answers
    key = ("patrol-sheet.pdf", code, version, chosen, tuple(venue or ()), end_point,
           team_name, request.state.user.role, locale)

    def route_map(sheet) -> bytes:  # the same route for another team: the same map
        return answers.get(("patrol-route.png", code, version, route_key(sheet)),
                           lambda: route_map_png(sheet))

    return chosen, answers.get(key, lambda: sheet_pdf(_sheet(
        request, session, settings, code, locale, chosen, venue, end_point, team_name),
        route_map))


@router.get("/communes/{code}/patrol/sheet.pdf")
async def patrol_pdf(code: str, request: Request, session: SessionDep,
                     settings: SettingsDep, locale: LocaleDep, day: str | None = None,
                     venue: Venues = None, end: str | None = None,
                     team: str = "") -> Response:
    """The patrol sheet (A4 PDF) of the venues ticked, or of every due venue."""
    chosen, content = await run_in_threadpool(_sheet_pdf, request, session, settings, code,
                                              locale, day, venue, end, team)
    return Response(content, media_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="patrol-{code}-{chosen}.pdf"'})


@router.get("/communes/{code}/patrol/sheet.xlsx")
async def patrol_xlsx(code: str, request: Request, session: SessionDep,
                      settings: SettingsDep, locale: LocaleDep, day: str | None = None,
                      venue: Venues = None, end: str | None = None,
                      team: str = "") -> Response:
    """The same sheet as a workbook."""
    chosen, end_point, team_name = _inputs(day, end, team)
    sheet = await run_in_threadpool(_sheet, request, session, settings, code, locale,
                                    chosen, venue, end_point, team_name)
    return Response(sheet_xlsx(sheet), media_type="application/vnd.openxmlformats-"
                    "officedocument.spreadsheetml.sheet", headers={
        "Content-Disposition": f'attachment; filename="patrol-{code}-{chosen}.xlsx"'})
