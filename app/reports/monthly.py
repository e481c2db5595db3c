"""The monthly report ("Báo cáo kết quả thực hiện Kế hoạch … tháng 5/2025"): the month's
results against each indicator with the village breakdown, the changes since last month,
the national criteria and the villages blocking recognition, the tasks late or due and
the map."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from app.i18n import month_label
from app.reports import charts, figures
from app.reports.content import Report, shown
from app.reports.view import MonthView


def no_records_text(month: str, _: Callable[[str], str]) -> str:
    return _("No record of any kind is dated in {month}: the indicators of that month are "
             "not assessed (no figure is printed for them).").format(month=month_label(month))


def body(session: Session, report: Report, view: MonthView, previous: MonthView | None,
         _: Callable[[str], str], locale: str, codes: set[str]) -> None:
    """The body of a monthly report, written into ``report`` (``session``: the map is
    drawn once per view, cached with the database's)."""
    month = month_label(view.month)
    report.heading1(_("I. RESULTS IN {month}").format(month=month))
    if not view.recorded:
        report.paragraph(no_records_text(view.month, _))
    else:
        _results(report, view, _, locale)
    report.heading1(_("II. CHANGES SINCE LAST MONTH"))
    if previous is None or not previous.recorded or not view.recorded:
        report.paragraph(_("No comparison: one of the two months has no records."))
    else:
        changes = figures.changes_table(view, previous, _)
        if changes.rows:
            report.add_table(changes)
        else:
            report.paragraph(_("No village changed its assessment since last month."))
    report.add_table(figures.counts_table(view, previous, _))
    report.heading1(_("III. NATIONAL CRITERIA AND RECOGNITION"))
    national(report, view, _, locale)
    report.heading1(_("IV. THE PLAN'S TASKS LATE OR DUE"))
    tasks = figures.tasks_table(view, _, locale)
    if tasks.rows:
        report.add_table(tasks)
    else:
        report.paragraph(_("No task is late or due."))
    _next_reports(report, view, _, locale)
    report.heading1(_("V. MAP"))
    report.image(lambda: charts.village_map_once(session, view, _),
                 _("Share of indicators met per village, {month}").format(month=month), 13.0)
    annex = figures.person_table(view, codes, _, locale) if view.recorded else None
    if annex is not None:
        report.heading1(_("ANNEX"))
        report.add_table(annex)


def _results(report: Report, view: MonthView, _: Callable[[str], str], locale: str) -> None:
    score = view.commune.get("score")
    tally = view.commune.get("score_evidence") or {}
    report.paragraph(_("Of the indicators judged in the villages and the commune, {met} "
                       "are met, {not_met} not met and {no_data} without data ({percent} "
                       "met).").format(met=tally.get("met", 0), not_met=tally.get("not_met", 0),
                                       no_data=tally.get("no_data", 0),
                                       percent=_percent(score, locale)))
    report.add_table(figures.indicator_table(view, _, locale))
    matrix = figures.village_matrix(view, _)
    if matrix.rows:
        matrix.only = "docx"  # compact in Word; one row per village and indicator in Excel
        report.add_table(matrix)
        report.note(_("“—”: not applicable or no data in that village."))
        listing = figures.village_long(view, _, locale)
        listing.only = "xlsx"
        report.add_table(listing)


def national(report: Report, view: MonthView, _: Callable[[str], str], locale: str) -> None:
    criteria = [i for i in view.indicators if i["recognition"]]
    if not criteria:
        report.paragraph(_("No national recognition rule is in force at the month's end."))
        return
    if not view.recorded:
        report.paragraph(no_records_text(view.month, _))
        return
    report.add_table(figures.national_table(view, _, locale))
    blocking(report, view, _)


def blocking(report: Report, view: MonthView, _: Callable[[str], str]) -> None:
    """The villages blocking recognition, or that every village meets the criteria."""
    found = view.commune.get("blocking_villages") or []
    if found:
        report.paragraph(_("Villages blocking recognition: {villages}.").format(
            villages="; ".join(f"{b['name']} ({', '.join(b['indicators'])})"
                               for b in found)))
    elif view.commune.get("national_status") == "met":
        report.paragraph(_("Every village meets the national criteria."))


def _next_reports(report: Report, view: MonthView, _: Callable[[str], str],
                  locale: str) -> None:
    for item in view.commune.get("next_reports") or []:
        report.paragraph(_("Next report due: {label}, by {due}.").format(
            label=item["label_vi"] if locale == "vi" else item["label_en"],
            due=f"{item['due'][8:10]}/{item['due'][5:7]}/{item['due'][:4]}"))


def _percent(score, locale: str) -> str:
    return "—" if score is None else f"{shown(round(score * 100, 1), locale)} %"
