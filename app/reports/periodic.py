"""Reports over a period: the six-month review, the final report (month-by-month tables, a
chart per key indicator, the plan's own sections left for the officials to write) and the
yearly self-assessment against Decision 28/2025/QĐ-TTg (each criterion with its evidence
counts and the villages concerned)."""

from __future__ import annotations

from collections.abc import Callable

from app.i18n import N_, month_label
from app.mapview import EVIDENCE_LABELS
from app.reports import charts, figures, monthly
from app.reports.content import Report, Table, shown
from app.reports.view import MonthView

SECTIONS = (  # the plan's own sections of a review, left for the officials to write
    N_("1. Limits and their causes"), N_("2. Lessons learnt"),
    N_("3. Proposals and recommendations"))


def month_tables(views: list[MonthView], _: Callable[[str], str], locale: str) -> list[Table]:
    """Month by month: villages meeting each village indicator, the commune's value of each
    commune indicator, the share of indicators met, the counts. A month without records
    has empty cells, never zeros."""
    wide = len(views) > 6  # more months than fit as "12/2024": "12/24"
    months = [f"{v.month[5:]}/{v.month[2:4]}" if wide else month_label(v.month)
              for v in views]
    label, column = (2.2, 0.6) if wide else (3.5, 0.8)
    last = views[-1]
    by_id = {i["id"]: i for v in views for i in v.indicators}
    order = list(dict.fromkeys(i["id"] for v in views for i in v.indicators))
    villages, commune = [], []
    for ident in order:
        ind = by_id[ident]
        if "village" in ind["levels"]:
            villages.append([ident, figures.label(ind, locale),
                             *(_met(v, ident) for v in views)])
        if "commune" in ind["levels"]:
            commune.append([ident, figures.label(ind, locale), figures.target_text(ind),
                            *(_commune_value(v, ident) for v in views)])
    score = [[_("Share of indicators met (%)"),
              *(round(v.commune["score"] * 100, 1) if v.recorded and v.commune.get("score")
                is not None else None for v in views)]]
    counts = [[_(text), *(v.commune["counts"].get(key) for v in views)]
              for key, text in figures.COUNTS.items() if key in last.commune["counts"]]
    return [
        Table(_("Villages met by month"), _("Villages meeting each indicator, by month "
                                            "(of {n})").format(n=len(last.villages)),
              [_("Code"), _("Indicator"), *months], villages,
              [0.8, label] + [column] * len(views)),
        Table(_("Commune by month"), _("The commune's figure of each indicator, by month"),
              [_("Code"), _("Indicator"), _("Target"), *months], commune,
              [0.8, label, 0.9] + [column] * len(views)),
        Table(_("Score by month"), _("Share of indicators met, by month"),
              [_("Figure"), *months], score, [label] + [column] * len(views)),
        Table(_("Counts by month"), _("Counts at each month's end"),
              [_("Figure"), *months], counts, [label] + [column] * len(views)),
    ]


def _met(view: MonthView, ident: str) -> int | None:
    if not view.recorded:
        return None
    statuses = [v["indicators"].get(ident, {}).get("status") for v in view.villages.values()]
    if all(s is None for s in statuses):
        return None
    return sum(s == "met" for s in statuses)


def _commune_value(view: MonthView, ident: str):
    if not view.recorded:
        return None
    for item in view.commune["indicators"]:
        if item["id"] == ident:
            return item.get("value")
    return None


def charts_of(report: Report, views: list[MonthView], tables: list[Table],
              _: Callable[[str], str]) -> None:
    """A chart per key indicator: the share met, then each commune indicator."""
    months = [v.month for v in views]
    score = tables[2].rows[0][1:]
    report.image(lambda: charts.month_chart(months, {_("% met"): score},
                                            _("Share of indicators met, by month")),
                 _("Share of indicators met, by month"), 13.0)
    by_id = {i["id"]: i for v in views for i in v.indicators}
    for row in tables[1].rows:
        ident, text = row[0], row[1]
        if all(v is None for v in row[3:]):
            continue
        title = f"{ident}. {text}"
        report.image(_chart(months, ident, row[3:], title, by_id[ident].get("target")),
                     title, 13.0)


def _chart(months, ident, values, title, target):
    return lambda: charts.month_chart(months, {ident: values}, title[:90], target)


def review_body(report: Report, views: list[MonthView], _: Callable[[str], str],
                locale: str) -> None:
    """The six-month review and the final report."""
    empty = [month_label(v.month) for v in views if not v.recorded]
    report.heading1(_("I. RESULTS"))
    report.heading2(_("1. Results against the plan's indicators"))
    if empty:
        report.note(_("Months without any record (not assessed, cells left empty): "
                      "{months}.").format(months=", ".join(empty)))
    tables = month_tables(views, _, locale)
    for table in tables:
        if table.rows:
            report.add_table(table)
    charts_of(report, views, tables, _)
    last = views[-1]
    report.heading2(_("National criteria in {month}").format(month=month_label(last.month)))
    monthly.national(report, last, _, locale)
    report.heading2(_("The plan's tasks"))
    tasks = figures.tasks_table(last, _, locale, ("done", "done_late", "late", "due"))
    tasks.title = _("The plan's tasks at {month}").format(month=month_label(last.month))
    report.add_table(tasks)
    report.blank(_("General assessment"))
    report.heading1(_("II. LIMITS, CAUSES, LESSONS AND PROPOSALS"))
    for section in SECTIONS:
        report.blank(_(section))


def evidence_counts(evidence, _: Callable[[str], str]) -> str:
    """An evidence dict as "key: count" items: a list counts its items (person codes never
    printed here)."""
    if not isinstance(evidence, dict):
        return ""
    items = []
    for key, value in evidence.items():
        name = _(EVIDENCE_LABELS[key]) if key in EVIDENCE_LABELS else key
        if isinstance(value, list):
            items.append(f"{name}: {len(value)}")
        elif isinstance(value, int | float) and not isinstance(value, bool):
            items.append(f"{name}: {shown(value)}")
    return "; ".join(items)


def assessment_body(report: Report, view: MonthView, views: list[MonthView], year: int,
                    _: Callable[[str], str], locale: str) -> None:
    """The yearly self-assessment for the evaluation year 15/12/(year-1)–14/12/year."""
    report.heading1(_("I. EVALUATION YEAR"))
    report.paragraph(_("Evaluation year from 15/12/{start} to 14/12/{end}; figures as of "
                       "{as_of}, the last month's end within the year.").format(
        start=year - 1, end=year, as_of=_as_of(view)))
    report.heading1(_("II. THE CRITERIA"))
    criteria = [i for i in view.indicators if i["recognition"]]
    if not criteria:
        report.paragraph(_("No national recognition rule is in force at the month's end."))
    elif not view.recorded:
        report.paragraph(monthly.no_records_text(view.month, _))
    else:
        report.add_table(criterion_table(view, criteria, _, locale))
        monthly.blocking(report, view, _)
        for ind in criteria:
            report.add_table(criterion_villages(view, ind, _, locale))
    report.heading1(_("III. MONTH BY MONTH"))
    tables = month_tables(views, _, locale)
    national = [r for r in tables[1].rows if r[0] in {c["id"] for c in criteria}]
    report.add_table(Table(tables[1].sheet, tables[1].title, tables[1].headers, national,
                           tables[1].widths))
    report.heading1(_("IV. SELF-ASSESSMENT AND PROPOSAL"))
    report.blank(_("Self-assessment"))
    report.blank(_("Proposal"))


def _as_of(view: MonthView) -> str:
    day = view.commune["as_of"]
    return f"{day[8:10]}/{day[5:7]}/{day[:4]}"


def criterion_table(view: MonthView, criteria: list[dict], _: Callable[[str], str],
                    locale: str) -> Table:
    commune = {i["id"]: i for i in view.commune["indicators"]}
    rows = [[ind["id"], figures.label(ind, locale), commune.get(ind["id"], {}).get("value"),
             _(figures.STATUSES[commune.get(ind["id"], {}).get("status")]),
             evidence_counts(commune.get(ind["id"], {}).get("evidence"), _),
             ", ".join(figures.not_met_names(view, ind["id"]))] for ind in criteria]
    return Table(_("Criteria"), _("Each criterion: the commune's figure and evidence"),
                 [_("Code"), _("Criterion"), _("Commune"), _("Assessment"), _("Evidence"),
                  _("Villages concerned")], rows, [0.7, 4.0, 0.9, 1.2, 2.4, 2.0])


def criterion_villages(view: MonthView, ind: dict, _: Callable[[str], str],
                       locale: str) -> Table:
    rows = [[village["name"], village["indicators"][ind["id"]].get("value"),
             _(figures.STATUSES[village["indicators"][ind["id"]].get("status")]),
             evidence_counts(village["indicators"][ind["id"]].get("evidence"), _)]
            for village in view.villages.values() if ind["id"] in village["indicators"]]
    return Table(_("Criterion {id}").format(id=ind["id"]),
                 _("Criterion {id} by village").format(id=ind["id"]),
                 [_("Village"), _("Result"), _("Assessment"), _("Evidence")], rows,
                 [1.5, 1.0, 1.3, 4.0])
