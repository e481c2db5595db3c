"""Tables of figures shared by the reports, each built from a :class:`MonthView`: the
indicators against their targets, the village breakdown, the counts, the national
criteria, the tasks, and the person codes behind unmet indicators (police only)."""

from __future__ import annotations

from collections.abc import Callable

from app.audit import codes_in
from app.i18n import N_
from app.reports.content import Table, shown
from app.reports.view import MonthView
from geo.engine.criteria import METRICS

STATUSES = {"met": N_("Met"), "not_met": N_("Not met"), "no_data": N_("No data"),
            "not_applicable": N_("Not applicable"), None: N_("No data")}
TASK_STATUSES = {"done": N_("Done"), "done_late": N_("Done late"), "late": N_("Late"),
                 "due": N_("Due")}
LEVELS = {"village": N_("village"), "commune": N_("commune"), "school": N_("school")}
COUNTS = {
    "people": N_("People on the lists"), "addicts": N_("Addicts"),
    "users": N_("Illegal drug users"), "post_rehab": N_("Post-rehabilitation"),
    "released": N_("Released after a drug sentence"), "psychosis": N_("With psychosis"),
    "tests": N_("Drug tests"), "positive_tests": N_("Positive drug tests"),
    "broadcasts": N_("Loudspeaker broadcasts"), "individual_visits": N_("Individual visits"),
    "respected_person_sessions": N_("Sessions by respected persons"),
    "meetings": N_("Meetings"), "school_sessions": N_("School sessions"),
    "tips": N_("Crime tips"), "tip_boxes": N_("Tip boxes"), "venues": N_("Venues at risk"),
    "inspections": N_("Inspections"), "incidents": N_("Drug incidents"),
    "pledged_households": N_("Households that signed the pledge"),
}
SIGNS = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "==": "="}


def unit_of(indicator: dict) -> str:
    return METRICS[indicator["metric"]].unit


def target_text(indicator: dict) -> str:
    """"≥ 100 %", "= 0", "" when the indicator has no target."""
    if indicator.get("target") is None:
        return ""
    sign = SIGNS.get(indicator["comparison"], indicator["comparison"] or "")
    return f"{sign} {shown(indicator['target'], unit=unit_of(indicator))}"


def label(indicator: dict, locale: str) -> str:
    return indicator["label_vi"] if locale == "vi" else indicator["label_en"]


def village_levels(view: MonthView) -> list[dict]:
    """The indicators judged per village, in the plan's order."""
    first = next(iter(view.villages.values()), {"indicators": {}})
    return [i for i in view.indicators if "village" in i["levels"]
            and i["id"] in first["indicators"]]


def indicator_table(view: MonthView, _: Callable[[str], str], locale: str) -> Table:
    """Each indicator: target, the commune's value and status, villages met / not met /
    without data."""
    commune = {i["id"]: i for i in view.commune["indicators"]}
    rows = []
    for number, ind in enumerate(view.indicators, start=1):
        tally = dict.fromkeys(("met", "not_met", "no_data"), 0)
        judged = "village" in ind["levels"]
        for village in view.villages.values():
            status = village["indicators"].get(ind["id"], {}).get("status")
            if status in tally:
                tally[status] += 1
        own = commune.get(ind["id"], {})
        rows.append([number, ind["id"], label(ind, locale),
                     ", ".join(_(LEVELS[lvl]) for lvl in ind["levels"]), target_text(ind),
                     own.get("value"), _(STATUSES[own.get("status")]) if own else None,
                     *(tally[s] if judged else None for s in tally)])
    return Table(sheet=_("Indicators"), title=_("Results against the plan's indicators"),
                 headers=[_("No."), _("Code"), _("Indicator"), _("Level"), _("Target"),
                          _("Commune"), _("Assessment"), _("Villages met"),
                          _("Villages not met"), _("Villages without data")],
                 # the indicator's name gets what the others leave, each as wide as its
                 # longest word (app.reports.word.column_widths)
                 rows=rows, widths=[1, 1, 9, 1, 1, 1, 1, 1, 1, 1])


def village_matrix(view: MonthView, _: Callable[[str], str]) -> Table:
    """Word: one row per village indicator, one column per village, its value."""
    names = [v["name"] for v in view.villages.values()]
    rows = []
    for ind in village_levels(view):
        cells = [v["indicators"][ind["id"]] for v in view.villages.values()]
        rows.append([ind["id"], target_text(ind),
                     *(c.get("value") if c.get("status") not in ("not_applicable", "no_data")
                       else None for c in cells)])
    return Table(sheet=_("By village"), title=_("Results by village"),
                 headers=[_("Code"), _("Target"), *names], rows=rows,
                 widths=[1.1, 1.5, *[1.0] * len(names)])


def village_long(view: MonthView, _: Callable[[str], str], locale: str) -> Table:
    """Excel: one row per indicator and village: value, target, status."""
    rows = [[ind["id"], label(ind, locale), code, village["name"],
             village["indicators"][ind["id"]].get("value"), ind.get("target"),
             _(STATUSES[village["indicators"][ind["id"]].get("status")])]
            for ind in village_levels(view) for code, village in view.villages.items()]
    return Table(sheet=_("By village"), title=_("Results by village"),
                 headers=[_("Code"), _("Indicator"), _("Village code"), _("Village"),
                          _("Result"), _("Target"), _("Assessment")], rows=rows)


def not_met_names(view: MonthView, ident: str) -> list[str]:
    return [v["name"] for v in view.villages.values()
            if v["indicators"].get(ident, {}).get("status") == "not_met"]


def counts_table(view: MonthView, previous: MonthView | None,
                 _: Callable[[str], str]) -> Table:
    """The commune's counts this month, last month and the difference."""
    now, before = view.commune["counts"], (previous.commune["counts"] if previous else {})
    rows = []
    for key, text in COUNTS.items():
        if key not in now:
            continue
        last = before.get(key)
        rows.append([_(text), now[key], last,
                     None if last is None or now[key] is None else now[key] - last])
    return Table(sheet=_("Counts"), title=_("Counts in the commune at the month's end"),
                 headers=[_("Figure"), _("This month"), _("Last month"), _("Change")],
                 rows=rows, widths=[5.0, 1.5, 1.5, 1.5])


def changes_table(view: MonthView, previous: MonthView, _: Callable[[str], str]) -> Table:
    """Per village indicator, the villages whose status changed since last month."""
    rows = []
    for ind in village_levels(view):
        gained, lost = [], []
        for code, village in view.villages.items():
            now = village["indicators"][ind["id"]].get("status")
            then = previous.villages.get(code, {}).get("indicators", {}).get(
                ind["id"], {}).get("status")
            if now == "met" and then == "not_met":
                gained.append(village["name"])
            elif now == "not_met" and then == "met":
                lost.append(village["name"])
        if gained or lost:
            rows.append([ind["id"], ", ".join(gained), ", ".join(lost)])
    return Table(sheet=_("Changes"), title=_("Changes since last month"),
                 headers=[_("Code"), _("Villages now met"), _("Villages no longer met")],
                 rows=rows, widths=[1.0, 4.0, 4.0])


def national_table(view: MonthView, _: Callable[[str], str], locale: str) -> Table:
    commune = {i["id"]: i for i in view.commune["indicators"]}
    rows = [[ind["id"], label(ind, locale), commune.get(ind["id"], {}).get("value"),
             _(STATUSES[commune.get(ind["id"], {}).get("status")]),
             ", ".join(not_met_names(view, ind["id"]))]
            for ind in view.indicators if ind["recognition"]]
    return Table(sheet=_("National criteria"),
                 title=_("National criteria (Decision 28/2025/QĐ-TTg)"),
                 headers=[_("Code"), _("Criterion"), _("Commune"), _("Assessment"),
                          _("Villages not met")], rows=rows,
                 widths=[0.8, 5.0, 1.2, 1.4, 2.6])


def tasks_table(view: MonthView, _: Callable[[str], str], locale: str,
                statuses: tuple[str, ...] = ("late", "due")) -> Table:
    rows = [[t["id"], t["label_vi"] if locale == "vi" else t["label_en"],
             _day(t["due"]), _(TASK_STATUSES[t["status"]]), _day(t["done_on"])]
            for t in view.commune.get("tasks") or [] if t["status"] in statuses]
    return Table(sheet=_("Tasks"), title=_("The plan's tasks late or due"),
                 headers=[_("Code"), _("Task"), _("Deadline"), _("Status"), _("Done on")],
                 rows=rows, widths=[0.8, 5.5, 2.0, 1.6, 2.0])


def person_table(view: MonthView, codes: set[str], _: Callable[[str], str],
                 locale: str) -> Table | None:
    """Police only: per unmet village indicator, the person codes in its evidence (who
    needs a visit, a test, a file). None when there are none (every other role)."""
    rows = []
    for ind in village_levels(view):
        for village in view.villages.values():
            figures = village["indicators"][ind["id"]]
            if figures.get("status") != "not_met":
                continue
            found = sorted(codes_in(figures.get("evidence"), codes))
            if found:
                rows.append([ind["id"], village["name"], len(found), ", ".join(found)])
    if not rows:
        return None
    return Table(sheet=_("Persons (police)"),
                 title=_("Annex (police only): person codes behind unmet indicators"),
                 headers=[_("Code"), _("Village"), _("People"), _("Person codes")],
                 rows=rows, widths=[0.8, 1.5, 1.0, 6.0])


def _day(value: str | None) -> str | None:
    return None if not value else f"{value[8:10]}/{value[5:7]}/{value[:4]}"
