"""The "Báo cáo" page: choose a report and its period, download it as .docx or .xlsx;
the calendar of the plan's tasks and reports; marking a report sent.

Police and administrators download every report; leaders too, the aggregate version (no
person code: :func:`app.reports.view.month_view` shapes the figures for the role). Every
report made is audited. Marking a report sent is the police's, as marking a task done.
"""

from __future__ import annotations

import datetime as dt
import unicodedata

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from app import audit, store
from app.access import MARK_TASKS, REPORTS, actor
from app.db import transaction
from app.deps import LocaleDep, SessionDep, SettingsDep
from app.frame import loading
from app.i18n import N_, gettext_for
from app.models import ChangeLog, TaskMark
from app.records.service import logged
from app.rendering import render
from app.reports import calendar, service
from app.reports.figures import TASK_STATUSES
from app.reports.view import month_view
from app.routes.tasks import REFERENCE_MAX, Refused, read_mark

router = APIRouter()
MEDIA = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
KIND_LABELS = {"monthly": N_("Monthly report"), "semiannual": N_("Six-month review"),
               "final": N_("Final report on the plan"),
               "selfassessment": N_("Yearly self-assessment (Decision 28/2025)")}
SENT_PROBLEMS = {
    "missing": N_("Report {report}, “Sent on”: enter the day it was sent (dd/mm/yyyy)."),
    "bad_date": N_("Report {report}, “Sent on”: “{value}” is not a date; write it as "
                   "dd/mm/yyyy, for example 14/06/2025."),
    "future": N_("Report {report}, “Sent on”: {value} is after today."),
    "long": N_("Report {report}, “Document”: at most {n} characters."),
}


@router.get("/communes/{code}/reports", response_class=HTMLResponse,
            dependencies=[Depends(REPORTS)])
def reports_page(code: str, request: Request, session: SessionDep,
                 locale: LocaleDep) -> HTMLResponse:
    commune = store.get_commune(session, code)
    months = loading.record_months(session, code, store.today())
    return render(request, "reports.html", locale, commune=commune, months=months,
                  latest=months[-1] if months else loading.current_month(),
                  kinds=KIND_LABELS, year=store.today().year)


@router.get("/communes/{code}/reports/file", dependencies=[Depends(REPORTS)])
async def report_file(code: str, request: Request, session: SessionDep,
                      settings: SettingsDep, locale: LocaleDep, kind: str = "monthly",
                      format: str = "docx", month: str | None = None,  # noqa: A002
                      start: str | None = None, end: str | None = None,
                      year: str | None = None) -> Response:
    """``kind``: monthly (``month``), semiannual or final (``start``, ``end``; default:
    the plan's periods), selfassessment (``year``); ``format``: docx or xlsx."""
    store.get_commune(session, code)
    months = loading.record_months(session, code, store.today())
    asked = service.read(kind, format, code, month=month or None, start=start or None,
                         end=end or None, year=year or None,
                         latest=months[-1] if months else None)
    content, name = await run_in_threadpool(
        service.make, request.app.state.sessions, session, settings, code, asked,
        role=request.state.user.role, locale=locale, actor=actor(request),
        address=audit.client_address(request))
    return Response(content, media_type=MEDIA[asked.fmt],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/communes/{code}/calendar", response_class=HTMLResponse,
            dependencies=[Depends(REPORTS)])
def calendar_page(code: str, request: Request, session: SessionDep, settings: SettingsDep,
                  locale: LocaleDep) -> HTMLResponse:
    return render_calendar(request, session, settings, locale, code)


def render_calendar(request: Request, session, settings, locale: str, code: str, *,
                    form: dict | None = None, status: int = 200) -> HTMLResponse:
    commune = store.get_commune(session, code)
    today = store.today()
    months = loading.record_months(session, code, today)
    # the tasks as the frame of the latest month with records knows them (the current
    # month may lie after the plan's end), judged again at today
    view = month_view(session, settings, code,
                      months[-1] if months else loading.current_month(today),
                      request.state.user.role, locale)
    return render(request, "calendar.html", locale, status=status, commune=commune,
                  today=today, tasks=calendar.task_rows(session, code,
                                                        view.commune.get("tasks") or [], today),
                  reports=calendar.report_rows(session, code, today),
                  statuses=TASK_STATUSES, form=form,
                  marking=request.state.user.can("mark_tasks"))


def _report(code: str, plan_id: str, report_id: str) -> None:
    """404 unless ``report_id`` is a report of a plan of the commune up to today."""
    for plan in calendar.plans_of(code):
        if plan.id == plan_id and any(r["id"] == report_id for r in calendar.reports_of(
                plan, store.today())):
            return
    raise HTTPException(404)


@router.post("/communes/{code}/calendar/{plan_id}/{report_id}",
             dependencies=[Depends(MARK_TASKS)])
async def mark_sent(code: str, plan_id: str, report_id: str, request: Request,
                    session: SessionDep, settings: SettingsDep,
                    locale: LocaleDep) -> Response:
    """Form fields: ``action`` ("sent" or "clear"), ``sent_on``, ``reference``."""
    store.get_commune(session, code)
    _report(code, plan_id, report_id)
    form = await request.form()
    raw = {k: unicodedata.normalize("NFC", str(form.get(k) or "")).strip()
           for k in ("sent_on", "reference")}
    try:
        with transaction(request.app.state.sessions) as writing:
            changed = _save(writing, code, plan_id, report_id, raw, actor(request),
                            clear=form.get("action") == "clear")
    except Refused as refused:
        _ = gettext_for(locale)
        message = _(SENT_PROBLEMS[refused.key]).format(report=report_id, value=refused.value,
                                                       n=REFERENCE_MAX)
        return render_calendar(request, session, settings, locale, code, status=422,
                               form={"key": f"{plan_id}/{report_id}", "error": message, **raw})
    if changed:
        audit.record_request(request, "change", commune_code=code, object_type="report",
                             object_id=f"{plan_id}/{report_id}")
    return RedirectResponse(f"/communes/{code}/calendar#reports", status_code=303)


def _save(session, code: str, plan_id: str, report_id: str, raw: dict, who: str, *,
          clear: bool) -> bool:
    """Mark (or clear) a report sent; a ChangeLog row when something changed."""
    task_id = calendar.report_mark_id(report_id)
    mark = calendar.marks(session, code).get((plan_id, task_id))
    before = {"done_on": mark.done_on.isoformat() if mark else None,
              "reference": mark.reference if mark else None}
    if clear:
        if mark is None:
            return False
        session.delete(mark)
        after = {"done_on": None, "reference": None}
    else:
        day, reference = read_mark(raw, "sent_on")
        if mark is None:
            mark = TaskMark(commune_code=code, plan_id=plan_id, task_id=task_id)
            session.add(mark)
        mark.done_on, mark.reference = day, reference
        mark.marked_by, mark.marked_at = who, dt.datetime.now(store.TZ)
        after = {"done_on": day.isoformat(), "reference": reference}
    changes = {k: [before[k], v] for k, v in after.items() if before[k] != v}
    if not changes:
        return False
    action = ("create" if before["done_on"] is None else
              "delete" if after["done_on"] is None else "update")
    session.add(ChangeLog(**logged(code, "task", f"{plan_id}/{task_id}", action, changes,
                                   actor=who)))
    return True
