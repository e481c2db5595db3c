"""Marking a plan's manual task done (the lists reviewed, management assigned...), or
clearing the mark, from the dashboard. The commune police only.

A mark is the day the task was done and, optionally, the document that shows it. The
day may not lie after today. A refused form shows the dashboard again (422) with the
message beside the task, and nothing is stored. Every change writes a ChangeLog row
(which also refreshes the cached figures) and an audit event.
"""

from __future__ import annotations

import datetime as dt
import unicodedata

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import audit, store
from app.access import MARK_TASKS, actor
from app.db import transaction
from app.deps import LocaleDep, SessionDep, SettingsDep
from app.i18n import N_, gettext_for
from app.models import ChangeLog, TaskMark
from app.params import month_or_none
from app.records.service import logged
from app.records.values import BadValue, read_date
from app.routes.dashboard import render_dashboard
from geo.engine.plans import Task, shipped_plans

router = APIRouter(dependencies=[Depends(MARK_TASKS)])

REFERENCE_MAX = 200
PROBLEMS = {
    "missing": N_("Task {task}, “Done on”: enter the day the task was done (dd/mm/yyyy)."),
    "bad_date": N_("Task {task}, “Done on”: “{value}” is not a date; write it as dd/mm/yyyy, "
                   "for example 14/11/2024."),
    "future": N_("Task {task}, “Done on”: {value} is after today."),
    "long": N_("Task {task}, “Document”: at most {n} characters."),
}


class Refused(Exception):
    """A mark that cannot be saved, with the message key and the value at fault."""

    def __init__(self, key: str, value: str = ""):
        super().__init__(key)
        self.key, self.value = key, value


def manual_task(code: str, plan_id: str, task_id: str) -> Task:
    """The manual task ``task_id`` of a plan applying to the commune, or 404."""
    for plan in shipped_plans():
        if plan.id == plan_id and plan.applies_to(code):
            for task in plan.tasks:
                if task.id == task_id and task.done_when == "manual":
                    return task
    raise HTTPException(404)


@router.post("/communes/{code}/tasks/{plan_id}/{task_id}")
async def mark_task(code: str, plan_id: str, task_id: str, request: Request,
                    session: SessionDep, settings: SettingsDep,
                    locale: LocaleDep) -> Response:
    """Form fields: ``action`` ("done" or "clear"), ``done_on``, ``reference``, ``month``
    (the dashboard month to go back to)."""
    store.get_commune(session, code)
    manual_task(code, plan_id, task_id)
    form = await request.form()
    month = month_or_none(str(form.get("month") or ""))
    raw = {k: unicodedata.normalize("NFC", str(form.get(k) or "")).strip()
           for k in ("done_on", "reference")}
    try:
        with transaction(request.app.state.sessions) as writing:
            if form.get("action") == "clear":
                changed = _clear(writing, code, plan_id, task_id, actor(request))
            else:
                changed = _mark(writing, code, plan_id, task_id, raw, actor(request))
    except Refused as refused:
        _ = gettext_for(locale)
        message = _(PROBLEMS[refused.key]).format(task=task_id, value=refused.value,
                                                  n=REFERENCE_MAX)
        return render_dashboard(request, session, settings, locale, code, month,
                                task_form={"key": f"{plan_id}/{task_id}", "error": message,
                                           **raw}, status=422)
    if changed:
        audit.record_request(request, "change", commune_code=code, object_type="task",
                             object_id=f"{plan_id}/{task_id}")
    target = f"/communes/{code}/dashboard" + (f"?month={month}" if month else "")
    return RedirectResponse(target + "#tasks", status_code=303)


def read_mark(raw: dict, field: str = "done_on") -> tuple[dt.date, str | None]:
    """The day (``raw[field]``, dd/mm/yyyy, not after today) and the document reference of
    a mark (a task done, a report sent), or :class:`Refused`."""
    if not raw[field]:
        raise Refused("missing")
    try:
        day = read_date(raw[field])
    except BadValue:
        raise Refused("bad_date", raw[field]) from None
    if day > store.today():
        raise Refused("future", day.strftime("%d/%m/%Y"))
    if len(raw["reference"]) > REFERENCE_MAX:
        raise Refused("long")
    return day, raw["reference"] or None


def _existing(session: Session, code: str, plan_id: str, task_id: str) -> TaskMark | None:
    return session.scalar(select(TaskMark).where(
        TaskMark.commune_code == code, TaskMark.plan_id == plan_id,
        TaskMark.task_id == task_id))


def _mark(session: Session, code: str, plan_id: str, task_id: str, raw: dict,
          who: str) -> bool:
    day, reference = read_mark(raw)
    mark = _existing(session, code, plan_id, task_id)
    before = _values(mark)
    if mark is None:
        mark = TaskMark(commune_code=code, plan_id=plan_id, task_id=task_id)
        session.add(mark)
    mark.done_on, mark.reference = day, reference
    mark.marked_by, mark.marked_at = who, dt.datetime.now(store.TZ)
    return _log(session, code, plan_id, task_id, who, before, _values(mark))


def _clear(session: Session, code: str, plan_id: str, task_id: str, who: str) -> bool:
    mark = _existing(session, code, plan_id, task_id)
    if mark is None:
        return False
    before = _values(mark)
    session.delete(mark)
    return _log(session, code, plan_id, task_id, who, before, _values(None))


def _values(mark: TaskMark | None) -> dict:
    if mark is None:
        return {"done_on": None, "reference": None}
    return {"done_on": mark.done_on.isoformat(), "reference": mark.reference}


def _log(session: Session, code: str, plan_id: str, task_id: str, who: str, before: dict,
         after: dict) -> bool:
    """A ChangeLog row when something changed; whether it did."""
    changes = {k: [before[k], v] for k, v in after.items() if before[k] != v}
    if not changes:
        return False
    action = ("create" if before["done_on"] is None else
              "delete" if after["done_on"] is None else "update")
    session.add(ChangeLog(**logged(code, "task", f"{plan_id}/{task_id}", action, changes,
                                   actor=who)))
    return True
