"""The plan's calendar: its dated tasks and its reports (every month's report, due on the
plan's ``monthly_day`` of the next month, and the one-off reviews) with their status at a
day (done, due, late) and who marked them; and the dashboard's reminder, shown from
``XKMT_REPORT_BANNER_DAYS`` days before a report is due until it is marked sent.

A report marked sent is a :class:`~app.models.TaskMark` whose task id is ``report:`` and
the report's id (``report:M-2025-05``, ``report:R-6M``): the marks of tasks and reports
share one table, one change log and one audit trail.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import TaskMark
from geo.engine.periods import add_months
from geo.engine.plans import Plan, shipped_plans

PREFIX = "report:"


def report_mark_id(report_id: str) -> str:
    return PREFIX + report_id


def plans_of(code: str) -> list[Plan]:
    return [p for p in shipped_plans() if p.applies_to(code)]


def reports_of(plan: Plan, today: dt.date) -> list[dict]:
    """Every report the plan asks for up to its end, due dates as dates: the monthly ones
    up to the month before today's (a month's report is written after it ends)."""
    found = []
    if plan.reporting.monthly_day is not None:
        month = plan.valid_from.replace(day=1)
        last = min(plan.valid_to or today, add_months(today.replace(day=1), -1))
        while month <= last:
            found.append({"plan": plan.id, "id": f"M-{month:%Y-%m}", "month": f"{month:%Y-%m}",
                          "label_vi": f"{plan.reporting.monthly_label_vi} (tháng "
                                      f"{month.month}/{month.year})",
                          "label_en": f"{plan.reporting.monthly_label_en}, "
                                      f"{month:%m/%Y}",
                          "due": add_months(month, 1).replace(day=plan.reporting.monthly_day),
                          "kind": "monthly"})
            month = add_months(month, 1)
    for report in plan.reporting.reports:
        found.append({"plan": plan.id, "id": report.id, "month": None,
                      "label_vi": report.label_vi, "label_en": report.label_en,
                      "due": report.due,
                      "kind": "final" if report.id == "R-FINAL" else "semiannual"})
    return found


def marks(session: Session, code: str) -> dict[tuple[str, str], TaskMark]:
    return {(m.plan_id, m.task_id): m for m in session.scalars(
        select(TaskMark).where(TaskMark.commune_code == code))}


def status(done_on: dt.date | None, due: dt.date, today: dt.date) -> str:
    if done_on is not None:
        return "done_late" if done_on > due else "done"
    return "late" if today > due else "due"


def report_rows(session: Session, code: str, today: dt.date) -> list[dict]:
    """The plans' reports, soonest due last, with status and the mark."""
    known = marks(session, code)
    rows = []
    for plan in plans_of(code):
        for report in reports_of(plan, today):
            mark = known.get((plan.id, report_mark_id(report["id"])))
            rows.append({**report, "status": status(mark.done_on if mark else None,
                                                     report["due"], today),
                         "sent_on": mark.done_on if mark else None,
                         "reference": mark.reference if mark else None,
                         "by": mark.marked_by if mark else None})
    return sorted(rows, key=lambda r: (r["due"], r["id"]))


def task_rows(session: Session, code: str, tasks: list[dict], today: dt.date) -> list[dict]:
    """The frame's tasks (``commune_summary()["tasks"]``) judged at ``today``: done as the
    frame found them, otherwise due or late by today; with who marked a manual one."""
    known = marks(session, code)
    rows = []
    for task in tasks:
        due = dt.date.fromisoformat(task["due"])
        done_on = dt.date.fromisoformat(task["done_on"]) if task["done_on"] else None
        done = task["status"] in ("done", "done_late")
        mark = known.get((task["plan"], task["id"]))
        rows.append({**task, "due": due, "done_on": done_on,
                     "status": task["status"] if done else status(None, due, today),
                     "by": mark.marked_by if mark else None,
                     "reference": mark.reference if mark else None})
    return sorted(rows, key=lambda r: (r["due"], r["id"]))


def banner(session: Session, code: str, today: dt.date, days: int) -> list[dict]:
    """The reports to remind of at ``today``: not marked sent and due within ``days``
    days or already past due."""
    return [r for r in report_rows(session, code, today)
            if r["sent_on"] is None and r["due"] - dt.timedelta(days=days) <= today]
