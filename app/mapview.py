"""What the risk map page shows, shaped for its script: months, thematic layers, fixed
legends, the village panel's data and texts, the point layers (``geo.maplayers``).

Called by :mod:`app.frame.view` only, with figures it has already masked for the role: the
police get person codes (linked to the person's page), nobody else does.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pandas as pd

from app.frame.loading import FrameResult
from app.i18n import N_, month_label, number
from app.records.schema import CHOICES
from geo import legends, maplayers
from geo.engine.plans import shipped_plans
from geo.vocab import VENUE_KINDS, keyed_by

MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")

# metric -> the record list behind it (for the police's "see the records" link)
METRIC_RECORDS = {
    "outreach_events": "outreach", "managed_visited_pct": "outreach",
    "pledged_households_pct": "pledges", "working_tip_boxes": "tip_boxes",
    "incidents": "incidents", "drug_use_places": "incidents",
    "tips_settled_on_time_pct": "tips", "venues_inspected_clean_pct": "inspections",
    "addicts_tested_pct": "drug_tests", "users_file_negative_pct": "drug_tests",
    "post_rehab_tested_pct": "drug_tests",
}

FIXED_TITLES = {
    "score": N_("Overall: share of indicators met"),
    "change": N_("Change since last month"),
    "risk": N_("Risk level (analogy of Decision 28/2025, “so sánh tương tự”)"),
    "per_thousand": N_("People on the lists per 1,000 residents"),
}
GROUPS = {"overall": N_("Overall"), "plan": N_("Indicators of the commune plan"),
          "national": N_("National criteria (Decision 28/2025)"),
          "risk": N_("Risk")}

EVIDENCE_LABELS = {
    "from": N_("From"), "to": N_("To"), "weeks": N_("Per week"), "total": N_("Total"),
    "persons": N_("People concerned"), "visited": N_("Visited this month"),
    "unvisited": N_("Not visited"), "households": N_("Households"),
    "signed": N_("Households signed"), "as_of": N_("As of"),
    "reached_on": N_("Reached on"), "deadline": N_("Deadline"),
    "deadline_passed": N_("Deadline passed"), "on_time": N_("On time"),
    "boxes": N_("Tip boxes"), "not_working": N_("Not working"),
    "incidents": N_("Incidents"), "judged": N_("Tips due for settlement"),
    "settled_in_time": N_("Settled in time"), "settled_late": N_("Settled late"),
    "open_past_deadline": N_("Still open, past the deadline"),
    "open_within_deadline": N_("Still open, within the deadline"),
    "deadline_days": N_("Days allowed"),
    "venues": N_("Venues"), "ok": N_("Meeting the requirement"),
    "overdue": N_("Inspection overdue"), "drug_findings": N_("Drug findings"),
    "addicts": N_("Addicts"), "no_file": N_("No management file"),
    "no_treatment": N_("No treatment"), "tested": N_("Tested"),
    "untested": N_("Not tested"), "post_rehab": N_("Post-rehabilitation"),
    "relapsed": N_("Relapsed"), "users": N_("Illegal drug users"),
    "not_negative": N_("Not tested negative"), "psychosis": N_("With psychosis"),
    "left_in_community": N_("Left in the community"), "now": N_("Now"),
    "baseline": N_("At registration"), "baseline_as_of": N_("Registration date"),
    "not_yet_due": N_("Test not yet due"), "supported": N_("Supported"),
    "not_supported": N_("Not supported"), "counting": N_("Counted"),
    "excluded": N_("Not counted (treatment, rehabilitation)"),
    "sites": N_("Drug-use sites"), "period": N_("Period"),
    "population": N_("Residents"), "people": N_("People on the lists"),
    "arrested": N_("Arrested"),
}
PANEL_TEXTS = {
    "met": N_("Met"), "not_met": N_("Not met"), "no_data": N_("No data"),
    "not_applicable": N_("Not applicable"), "value": N_("Value"), "target": N_("Target"),
    "status": N_("This month"), "previous": N_("Last month"),
    "population": N_("Residents"), "households": N_("Households"),
    "score": N_("Overall"), "risk": N_("Risk level"), "details": N_("Details"),
    "records": N_("See the records"), "close": N_("Close"), "yes": N_("yes"),
    "no": N_("no"), "people": N_("People on the lists"), "none": N_("none"),
    "risk_I": N_("Type I"), "risk_II": N_("Type II"), "risk_III": N_("Type III"),
    "risk_none": N_("Not a hotspot"), "week": N_("Week {n}"),
    "no_data_hint": N_("No record was entered for this indicator: enter the records, "
                       "it is not a failure."),
    "not_met_hint": N_("The records show the target is not reached."),
    "person_link": N_("Open the person's page"),
    "score_of": N_("{met} of {scored} met"),
    "score_of_missing": N_("{met} of {scored} met, {no_data} without data"),
    "unknown": N_("not known"),
    "enter_figure": N_("enter it"),
}
VENUE_LETTERS = keyed_by(VENUE_KINDS, {
    "karaoke": N_("K"), "guesthouse": N_("G"), "hotel": N_("H"), "bar": N_("B"),
    "internet_cafe": N_("I"), "massage": N_("M"), "other": N_("O")})
VENUE_STATUS = keyed_by(legends.VENUES.keys(), {
    "in_time": N_("inspected in time"), "overdue": N_("inspection overdue"),
    "finding": N_("drug finding at an inspection"), "not_judged": N_("not assessed this month")})


def no_plan_notice(result: FrameResult, commune: str, _: Callable[[str], str],
                   locale: str) -> dict | None:
    """When no plan is in force in the month: why the map is blank, and when the
    commune's plans apply (None when some plan is in force)."""
    if result.plans:
        return None
    plans = []
    for plan in sorted((p for p in shipped_plans() if p.applies_to(commune)),
                       key=lambda p: p.valid_from):
        title = plan.title_en if locale == "en" else plan.title_vi
        start = plan.valid_from.strftime("%d/%m/%Y")
        plans.append(_("{title}: in force from {start}").format(title=title, start=start)
                     if plan.valid_to is None else
                     _("{title}: in force from {start} to {end}").format(
                         title=title, start=start, end=plan.valid_to.strftime("%d/%m/%Y")))
    return {"title": _("No plan is in force in {month}: nothing is assessed this month.")
            .format(month=month_label(result.month)), "plans": plans}


def score_tally(tally: dict | None, _: Callable[[str], str], locale: str) -> str:
    """How many indicators a score counts as met, of how many, and how many of those have
    no data (counted as not met): "7 of 14 met, 1 without data"; "—" when none applies."""
    tally = tally or {}
    met, no_data = tally.get("met", 0), tally.get("no_data", 0)
    scored = met + tally.get("not_met", 0) + no_data
    if not scored:
        return "—"
    text = _(PANEL_TEXTS["score_of_missing"] if no_data else PANEL_TEXTS["score_of"])
    return text.format(met=number(met, locale), scored=number(scored, locale),
                       no_data=number(no_data, locale))


def no_records_notice(result: FrameResult, months: list[str], _: Callable[[str], str],
                      ) -> dict | None:
    """When the month has no record of any kind (and some plan is in force): why every
    indicator is "no data", and the last month with records (None otherwise)."""
    if result.recorded or not result.plans:
        return None
    lines = [_("The last month with records: {month}.").format(month=month_label(
        months[-1]))] if months else []
    return {"title": _("No record of any kind in {month}: nothing can be judged, every "
                       "indicator is “no data”.").format(month=month_label(result.month)),
            "plans": lines}


def next_month(month: str) -> str:
    year, number = map(int, month.split("-"))
    return f"{year + 1:04d}-01" if number == 12 else f"{year:04d}-{number + 1:02d}"


def translate_legend(legend: legends.Legend, _: Callable[[str], str]) -> dict:
    return {"key": legend.key, "title": _(legend.title),
            "categories": [{"key": c.key, "colour": c.colour, "label": _(c.label),
                            "hatch": c.hatch, "outline": c.outline}
                           for c in legend.categories],
            "marks": [{"key": m.key, "label": _(m.label), "colour": m.colour,
                       "dash": m.dash, "weight": m.weight} for m in legend.marks]}


def point_legends(_: Callable[[str], str], police: bool) -> list[dict]:
    """The legends of every symbol the map may draw: venues (status colour, kind letter),
    tip boxes, schools and, for the police, the heat of tips."""
    shown = [*legends.POINT_LEGENDS.values(), legends.SCHOOLS] + \
        ([legends.TIPS_HEAT] if police else [])
    out = [translate_legend(leg, _) for leg in shown]
    kinds = CHOICES["venue_kind"]
    out.insert(1, {"key": "venue_letters", "title": _("Venues by kind"), "categories": [],
                   "marks": [], "letters": [{"key": k, "letter": _(v), "label": _(kinds[k])}
                                            for k, v in VENUE_LETTERS.items()]})
    return out


def layers(result: FrameResult, previous: FrameResult | None, _: Callable[[str], str],
           locale: str, mask_up_to: int) -> list[maplayers.ThematicLayer]:
    titles = {k: _(v) for k, v in FIXED_TITLES.items()}
    return maplayers.thematic_layers(
        result.villages, result.indicators,
        previous.villages if previous is not None and previous.plans else None, titles,
        lang="en" if locale == "en" else "vi", mask_up_to=mask_up_to)


def _person_codes_in(value, known: set[str], found: set[str]) -> None:
    if isinstance(value, dict):
        for v in value.values():
            _person_codes_in(v, known, found)
    elif isinstance(value, list):
        found.update(str(v) for v in value if str(v) in known)


def indicator_ids(result: FrameResult, level: str) -> list[str]:
    return [i["id"] for i in result.indicators if level in i["levels"]]


def panel_data(result: FrameResult, previous: FrameResult | None, features: dict,
               thematic: list[maplayers.ThematicLayer], person_codes: set[str],
               _: Callable[[str], str], locale: str) -> dict:
    """Per village: figures, indicators, last month's statuses, its category per layer.
    ``features``: the villages as masked for the role (changed in place);
    ``person_codes``: the codes of people to link (empty outside the police)."""
    features = features["features"]
    villages = {}
    for feature in features:
        props = feature["properties"]
        code = props["code"]
        props["categories"] = {layer.key: layer.categories.get(code) for layer in thematic}
        props["marks"] = {layer.key: layer.marks[code] for layer in thematic
                          if code in layer.marks}
        if previous is not None and code in previous.villages.index:
            row = previous.villages.loc[code]
            props["previous"] = {i: row.get(f"{i}_status") for i in
                                 indicator_ids(previous, "village") if f"{i}_status" in row}
        villages[code] = props
    codes: set[str] = set()
    for props in villages.values():
        _person_codes_in(props["indicators"], person_codes, codes)
    lang = "en" if locale == "en" else "vi"
    indicators = {i["id"]: {
        "label": i.get(f"label_{lang}") or i["label_vi"], "comparison": i["comparison"],
        "percent": str(i["metric"]).endswith("_pct"), "records": _records(i["metric"]),
        "group": "national" if i.get("recognition") else "plan"}
        for i in result.indicators if "village" in i["levels"]}
    return {"villages": villages, "indicators": indicators,
            "person_codes": sorted(codes)}


def _records(metric: str) -> str:
    return METRIC_RECORDS.get(metric, "persons")


def page_texts(_: Callable[[str], str]) -> dict:
    return {"panel": {k: _(v) for k, v in PANEL_TEXTS.items()},
            "evidence": {k: _(v) for k, v in EVIDENCE_LABELS.items()}}


def point_layers(tables: dict[str, pd.DataFrame], result: FrameResult, *, police: bool,
                 radius_m: float, _: Callable[[str], str]) -> list[maplayers.PointLayer]:
    """Schools, tip boxes, venues; the heat of tips only for the police. A layer with
    nothing to draw is left out."""
    choice = {group: {k: _(v) for k, v in CHOICES[group].items()}
              for group in ("box_status", "venue_kind", "school_level")}
    venue_texts = {f"kind:{k}": v for k, v in choice["venue_kind"].items()}
    venue_texts |= {f"letter:{k}": _(v) for k, v in VENUE_LETTERS.items()}
    venue_texts |= {f"status:{k}": _(v) for k, v in VENUE_STATUS.items()}
    judged = "P12_evidence" in result.villages
    statuses = maplayers.venue_status(result.villages["P12_evidence"]) if judged else None
    build = {
        "tip_boxes": lambda t: maplayers.tip_box_layer(t, radius_m, _("Tip boxes"),
                                                       choice["box_status"]),
        "venues": lambda t: maplayers.venue_layer(t, statuses, _("Venues"), venue_texts),
        "schools": lambda t: maplayers.school_layer(t, _("Schools"), choice["school_level"]),
    }
    if police:
        build["tips"] = lambda t: maplayers.tip_heat_layer(
            t, result.as_of, _("Tips, last 12 months (police only)"))
    return [make(tables.get(name)) for name, make in build.items()
            if maplayers.has_points(tables.get(name))]
