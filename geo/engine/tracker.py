"""The plan tracker: dated tasks with their status, and the next report due.

Task status at the month's end (``at``):

- **done**: done on or before its due date (or done, date unknown);
- **done_late**: done after its due date;
- **late**: not done and the due date has passed;
- **due**: not done, due date still ahead.

A task decided by an indicator is done when the indicator is met in every unit where it
applies (every village for a village indicator) and at least one; its date is the latest
``reached_on`` of those units when the metric gives one. A manual task is done from its
``done_on`` date (from the plan file, or from marks the application records).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pandas as pd

from geo.engine.periods import add_months
from geo.engine.plan_shape import Plan, Task


def _indicator_done(results: list[pd.DataFrame]) -> tuple[bool, dt.date | None]:
    frames = [r[r["status"] != "not_applicable"] for r in results]
    applicable = pd.concat(frames) if frames else pd.DataFrame()
    if applicable.empty or not (applicable["status"] == "met").all():
        return False, None
    reached = [e.get("reached_on") for e in applicable["evidence"]]
    if not reached or any(r is None for r in reached):
        return True, None
    return True, dt.date.fromisoformat(max(reached))


def task_status(task: Task, at: dt.date, results: list[pd.DataFrame],
                marks: Mapping[str, dt.date]) -> dict:
    """One task's status at ``at`` with the evidence for it."""
    if task.done_when == "indicator":
        done, done_on = _indicator_done(results)
    else:
        done_on = marks.get(task.id, task.done_on)
        if done_on is not None and done_on > at:
            done_on = None
        done = done_on is not None
    if done:
        status = "done_late" if done_on is not None and done_on > task.due else "done"
    else:
        status = "late" if at > task.due else "due"
    return {"id": task.id, "label_vi": task.label_vi, "label_en": task.label_en,
            "due": task.due.isoformat(), "status": status,
            "done_on": done_on.isoformat() if done_on else None,
            "indicator": task.indicator, "manual": task.done_when == "manual"}


def plan_tasks(plan: Plan, at: dt.date, results: Mapping[str, list[pd.DataFrame]],
               marks: Mapping[str, dt.date] | None = None) -> list[dict]:
    """Every dated task of ``plan``; ``results`` maps indicator ids to their judged frames
    (one per level), ``marks`` task ids to the day a manual task was marked done."""
    return [dict(task_status(task, at, results.get(task.indicator or "", []), marks or {}),
                 plan=plan.id) for task in plan.tasks]


def next_reports(plans: list[Plan], month_end: dt.date) -> list[dict]:
    """The reports due soonest after the month's end, among the month's own report (due
    on the plan's ``monthly_day`` of the next month) and the one-off reports not yet due;
    several when they share that date."""
    found = []
    for plan in plans:
        settings = plan.settings
        recipient = {"recipient_vi": settings.report_recipient_vi,
                     "recipient_en": settings.report_recipient_en}
        if plan.reporting.monthly_day is not None:
            first = add_months(month_end.replace(day=1), 1)
            found.append({"plan": plan.id, "id": f"M-{month_end:%Y-%m}",
                          "label_vi": plan.reporting.monthly_label_vi,
                          "label_en": plan.reporting.monthly_label_en,
                          "due": first.replace(day=plan.reporting.monthly_day), **recipient})
        for report in plan.reporting.reports:
            if report.due > month_end:
                found.append({"plan": plan.id, "id": report.id, "label_vi": report.label_vi,
                              "label_en": report.label_en, "due": report.due, **recipient})
    if not found:
        return []
    soonest = min(r["due"] for r in found)
    return [dict(r, due=r["due"].isoformat()) for r in sorted(found, key=lambda r: r["id"])
            if r["due"] == soonest]
