"""Results back in one form: after a patrol, each stop's result on one page, saved as
venue inspections through ``check_rows`` and ``save_rows`` as every form and import.

All or nothing: a problem in any row refuses the whole form (422), each message beside
its field and naming the venue. A row left without a result, a finding or a note is a
stop not made and is skipped. Saving writes the change log, which moves the data version
the frame cache keys on: the due list and the map show the new inspections at once.
Each row carries its venue's code: the rows saved are the rows shown, even if the due
list changed meanwhile. Police only (the router's rule).
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from app import audit, patrol, store
from app.access import PATROLS, actor
from app.db import transaction
from app.deps import LocaleDep, SessionDep, SettingsDep
from app.i18n import N_, gettext_for
from app.params import read_day
from app.records.messages import cell_problem_text
from app.records.schema import BY_NAME, CHOICES
from app.records.service import CellProblem, Context, check_rows
from app.records.writers import save_rows
from app.rendering import render
from app.routes.patrol import Venues
from app.web_security import CSRF_FIELD, csrf_token

router = APIRouter(dependencies=[Depends(PATROLS)])
INSPECTIONS = BY_NAME["inspections"]
FIELDS = ("date", "result", "drug_finding", "note")  # one of each per stop
NOTHING = N_("Enter the result of at least one venue: nothing was saved.")
REFUSED = N_("Nothing was saved: correct the fields marked below.")
MAX_STOPS = 200


def _stops(session, settings, code: str, day: dt.date, venue: list[str],
           locale: str) -> list[dict]:
    """The venues of the patrol (the ones named, else the day's due venues), in the
    order given: code, name, kind and village."""
    due = patrol.due_venues(session, settings, code, day)
    if venue:
        unknown = [c for c in venue if c not in set(due["code"])]
        if unknown:
            raise patrol.PatrolProblem(
                N_("No active venue has the code {codes} in this commune."),
                codes=", ".join(unknown)[:80])
        due = due.set_index("code").loc[list(dict.fromkeys(venue))].reset_index()
    else:
        due = due[due["due"]]
    return [{"code": r["code"], "name": r["name"], "village": r["village_name"],
             "kind": patrol.kind_text(r["kind"], locale)}
            for r in due.head(MAX_STOPS).to_dict("records")]


def _form_rows(stops: list[dict], values: dict | None, day: dt.date) -> list[dict]:
    rows = []
    for i, stop in enumerate(stops):
        given = (values or {}).get(i, {})
        rows.append(stop | {"i": i, "date": given.get("date", day.strftime("%d/%m/%Y")),
                            "result": given.get("result", ""),
                            "drug_finding": given.get("drug_finding", ""),
                            "note": given.get("note", "")})
    return rows


def _page(request: Request, locale: str, code: str, day: dt.date, stops: list[dict], *,
          team: str = "", values: dict | None = None, errors: dict | None = None,
          general: list[str] | None = None, status: int = 200) -> HTMLResponse:
    _ = gettext_for(locale)
    with request.app.state.sessions() as session:
        commune = store.get_commune(session, code)
    return render(
        request, "patrol_results.html", locale, status=status, commune=commune, day=day,
        rows=_form_rows(stops, values, day), team=team, errors=errors or {},
        general=general or [], action=str(request.url.path) + (
            "?" + request.url.query if request.url.query else ""),
        hidden=[(CSRF_FIELD, csrf_token(request.scope))],
        results=[(k, _(v)) for k, v in CHOICES["inspection_result"].items()],
        back=f"/communes/{code}/patrol?" + urlencode(
            [("day", day.isoformat()), *(("venue", s["code"]) for s in stops)]))


@router.get("/communes/{code}/patrol/results", response_class=HTMLResponse)
def results_form(code: str, request: Request, session: SessionDep, settings: SettingsDep,
                 locale: LocaleDep, day: str | None = None,
                 venue: Venues = None) -> HTMLResponse:
    """One row per venue of the patrol: result, drugs found, note, date (the patrol day)."""
    chosen = read_day(day) or store.today()
    stops = _stops(session, settings, code, chosen, venue or [], locale)
    return _page(request, locale, code, chosen, stops)


def _posted(form, count: int) -> tuple[str, dict[int, dict]]:
    values = {}
    for i in range(count):
        values[i] = {key: str(form.get(f"{key}-{i}") or "") for key in FIELDS}
    return str(form.get("team") or ""), values


def _raw_rows(stops: list[dict], team: str, values: dict[int, dict]) -> list[tuple]:
    """The filled rows as ``check_rows`` reads them, numbered by their place on the page."""
    raw = []
    for i, stop in enumerate(stops):
        given = values[i]
        if not (given["result"] or given["drug_finding"] or given["note"].strip()):
            continue  # a stop not made
        raw.append((i, {"venue": stop["code"], "date": given["date"], "team": team,
                        "result": given["result"], "note": given["note"],
                        "drug_finding": "có" if given["drug_finding"] else "không"}))
    return raw


def _errors(problems: list[CellProblem], stops: list[dict], locale: str) -> dict:
    """(row, field) -> messages naming the venue; a team's problem is under ("", "team")."""
    errors: dict = {}
    for problem in problems:
        text = cell_problem_text(problem.__class__(None, problem.field, problem.value,
                                                   problem.code, problem.params),
                                 INSPECTIONS, locale)
        field = problem.field if problem.field in FIELDS else "team" \
            if problem.field == "team" else "result"
        where = ("", "team") if field == "team" else (problem.row, field)
        if field != "team":
            text = f"{stops[problem.row]['name']} – {text}"
        errors.setdefault(where, []).append(text[:1].upper() + text[1:])
    return errors


@router.post("/communes/{code}/patrol/results", response_class=HTMLResponse)
async def results_save(code: str, request: Request, locale: LocaleDep,
                       settings: SettingsDep, day: str | None = None,
                       venue: Venues = None) -> Response:
    form = await request.form()
    return await run_in_threadpool(_save, request, settings, locale, code, day,
                                   venue or [], form)


def _save(request: Request, settings, locale: str, code: str, day: str | None,
          venue: list[str], form) -> Response:
    _ = gettext_for(locale)
    chosen = read_day(day) or store.today()
    sessions = request.app.state.sessions
    posted = [str(c) for c in form.getlist("stop")][:MAX_STOPS]  # the rows as shown
    with sessions() as session:
        stops = _stops(session, settings, code, chosen, posted or venue, locale)
    team, values = _posted(form, len(stops))
    raw = _raw_rows(stops, team, values)
    if not raw:
        return _page(request, locale, code, chosen, stops, team=team, values=values,
                     general=[_(NOTHING)], status=422)
    with transaction(sessions) as session:
        ctx = Context.load(session, code)
        rows, problems = check_rows(INSPECTIONS, raw, ctx)
        if not problems:
            save_rows(session, INSPECTIONS, rows, ctx, actor=actor(request),
                      source="form")
    if problems:
        errors = _errors(problems, stops, locale)
        return _page(request, locale, code, chosen, stops, team=team, values=values,
                     errors=errors, general=[_(REFUSED)], status=422)
    audit.record_request(request, "change", commune_code=code, object_type="inspections",
                         object_id=None)
    query = urlencode([("day", chosen.isoformat()), ("saved", len(rows))])
    return RedirectResponse(f"/communes/{code}/patrol?{query}", status_code=303)
