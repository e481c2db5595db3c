"""Sentences for the problems of a plan file (``geo.errors.InvalidPlan``), by problem code,
each naming the file and the line (English ids, Vietnamese from the catalog)."""

from __future__ import annotations

from app.i18n import N_, gettext_for
from geo.errors import PlanProblem

PLAN_PROBLEMS = {
    "toml_syntax": N_("the file is not valid TOML ({detail})"),
    "unknown_key": N_("unknown key “{key}” in {section}"),
    "missing_key": N_("{section} lacks the key “{key}”"),
    "bad_communes": N_("“communes” must be a list of commune codes, or [\"*\"] for every "
                       "commune, not {value}"),
    "bad_date": N_("“{key}” must be a date written YYYY-MM-DD, not “{value}”"),
    "ends_before_start": N_("the plan ends ({end}) before it starts ({start})"),
    "bad_section": N_("the section {section} is not written as a table"),
    "bad_setting": N_("“{key}” cannot be “{value}”"),
    "duplicate_id": N_("the id “{id}” is used twice (first on line {first_line})"),
    "duplicate_id_again": N_("the id “{id}” is used twice"),
    "missing_label": N_("{id} lacks its label “{key}”"),
    "unknown_metric": N_("indicator {id}: unknown metric “{metric}”; the known metrics are: "
                         "{known}"),
    "bad_level": N_("indicator {id}: level “{value}” is not one of {allowed}"),
    "level_not_supported": N_("indicator {id}: the metric {metric} cannot be computed per "
                              "{level}, only per {allowed}"),
    "bad_period": N_("{id}: period “{value}” is not one of {allowed}"),
    "period_not_supported": N_("indicator {id}: the metric {metric} has no period “{period}”; "
                               "use one of {allowed}"),
    "bad_comparison": N_("indicator {id}: comparison “{value}” is not one of {allowed}"),
    "target_not_number": N_("indicator {id}: the target “{value}” is not a number"),
    "target_negative": N_("indicator {id}: the target {value} is negative"),
    "target_over_100": N_("indicator {id}: the target {value} is a percentage above 100 "
                          "(percentages are written 0–100)"),
    "missing_param": N_("indicator {id}: the metric {metric} needs the parameter “{param}”"),
    "unknown_param": N_("indicator {id}: the metric {metric} has no parameter “{param}”"),
    "bad_param": N_("indicator {id}: parameter “{param}” cannot be “{value}” (allowed: "
                    "{allowed})"),
    "bad_done_when": N_("task {id}: “done_when” must be “indicator” or “manual”, not "
                        "“{value}”"),
    "unknown_indicator": N_("{id}: there is no indicator “{value}” in this plan"),
    "unknown_level": N_("unknown hotspot level “{value}”; the levels are: {allowed}"),
    "bad_condition": N_("hotspot condition {id}: give exactly one of “measure”, “any” or "
                        "“lower_level”"),
    "unknown_measure": N_("unknown hotspot measure “{value}”; the measures are: {allowed}"),
}
UNKNOWN = N_("problem {code} ({params})")


def plan_problem_text(problem: PlanProblem, locale: str, file: str) -> str:
    """One line naming the file, the line and the problem, in ``locale``."""
    _ = gettext_for(locale)
    code = problem.code
    if code == "duplicate_id" and problem.params.get("first_line") is None:
        code = "duplicate_id_again"
    template = PLAN_PROBLEMS.get(code)
    params = {k: "" if v is None else v for k, v in problem.params.items()}
    text = _(template).format(**params) if template else _(UNKNOWN).format(
        code=problem.code, params=params)
    if problem.line is None:
        return f"{file}: {text}"
    return _("{file}, line {line}: {problem}").format(file=file, line=problem.line,
                                                      problem=text)
