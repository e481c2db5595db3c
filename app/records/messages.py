"""Sentences for problems with record input, naming sheet, row, column and value."""

from __future__ import annotations

import datetime as dt

from app.i18n import N_, gettext_for, number
from app.records.schema import CHOICES, RecordType
from app.records.service import CellProblem
from app.records.values import visible

CELL_PROBLEMS = {
    "required": N_("this column must be filled in"),
    "bad_date": N_("not a date: write dd/mm/yyyy, e.g. 05/11/2024"),
    "date_too_early": N_("a date before 01/01/1900: check the year"),
    "date_in_future": N_("a date after today ({today}): check the date"),
    "date_too_far": N_("a date after {last}: check the year"),
    "control_character": N_(
        "holds an invisible control character ({char}), e.g. from a copy and paste: "
        "type the text again"),
    "bad_int": N_("not a whole number"),
    "negative": N_("must not be negative"),
    "too_long": N_("too long: {length} characters, at most {n}"),
    "too_large": N_("too large a number"),
    "bad_number": N_("not a number"),
    "bad_bool": N_("write “có” or “không”"),
    "bad_choice": N_("not one of: {choices}"),
    "bad_year": N_("not a year of birth"),
    "bad_lat": N_("not a latitude (−90 to 90)"),
    "bad_lon": N_("not a longitude (−180 to 180)"),
    "bad_url": N_("not a web link (http:// or https://)"),
    "unknown_reference": N_("no such code in this commune or in this file"),
    "ambiguous_code": N_("the codes {codes} differ only in upper and lower case, and codes "
                         "match whatever their case: first give one of them another code"),
    "unknown_village": N_("no such village in this commune; the villages are: {known}"),
    "personal_name": N_("looks like a person's name ({found}): names of people are never "
                        "recorded; a place is written after its kind, e.g. “thôn …”, "
                        "“đường …”, “quán …”"),
    "personal_id": N_("looks like an ID number ({found}): ID numbers are never recorded"),
    "personal_phone": N_("looks like a phone number ({found}): phone numbers are never "
                         "recorded"),
    "end_before_start": N_("the end is before the start"),
    "status_required": N_("fill in the treatment or whereabouts of a drug addict or of a "
                          "person under post-rehab management"),
    "half_point": N_("give both latitude and longitude (or both X and Y)"),
    "point_required": N_("give the place: latitude and longitude, or X and Y (VN-2000)"),
    "place_required": N_("give the village, or the point: latitude and longitude, or X and Y "
                         "(VN-2000)"),
    "outside_commune": N_("the point lies outside the commune, {metres} m from its boundary"),
    "swapped_point": N_("latitude and longitude seem to be swapped: swapped back, the point "
                        "lies in {village}"),
    "earlier_than": N_("earlier than “{other}” ({date}): check the dates"),
    "more_than_households": N_(
        "more than the {households} households of {village}: if the village's figure is "
        "out of date, correct it on the “Villages” page"),
    "drugs_without_violation": N_("drugs found, but “{other}” is “{result}”: correct one "
                                  "of the two"),
    "point_in_other_village": N_("the point lies in {village}, not in this village"),
    "duplicate_row": N_("the same record as row {first}"),
    "forbidden_column": N_(
        "this column would hold personal data (names, ID numbers, addresses, phone numbers "
        "are never recorded): remove it"),
    "missing_column": N_("the column is missing"),
    "unknown_column": N_("unknown column: it is ignored"),
    "unknown_sheet": N_("no record type has this sheet name or these columns"),
}


NUMBERS = {"metres", "households"}  # written as numbers are in the language: 1.039
LABELS = {"other", "result"}  # a column's label or a choice's: translated


def _shown(value) -> str:
    """A cell's value as the message quotes it: dates dd/mm/yyyy, control characters
    visible."""
    if isinstance(value, dt.datetime | dt.date):
        return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"
    return visible(value)


def choice_labels(choices: str, locale: str) -> str:
    _ = gettext_for(locale)
    # "; " because some labels hold a comma ("... tại gia đình, cộng đồng")
    return "; ".join(_(label) for label in CHOICES[choices].values())


def cell_problem_text(problem: CellProblem, rt: RecordType | None, locale: str, *,
                      sheet: str | None = None, column: str | None = None) -> str:
    """“Sheet X, row 5, column Y, value “Z”: what is wrong” in ``locale``."""
    _ = gettext_for(locale)
    params = dict(problem.params)
    if "choices" in params:
        params["choices"] = choice_labels(params["choices"], locale)
    for key in NUMBERS & params.keys():
        params[key] = number(params[key], locale)
    for key in LABELS & params.keys():
        params[key] = _(params[key])
    where = []
    if sheet:
        where.append(_("sheet “{sheet}”").format(sheet=sheet))
    if problem.row is not None:
        where.append(_("row {row}").format(row=problem.row))
    if column is None and rt is not None and problem.field:
        column = _(rt.field(problem.field).label)
    if column:
        where.append(_("column “{column}”").format(column=column))
    if problem.value not in (None, ""):
        where.append(_("value “{value}”").format(value=_shown(problem.value)))
    text = _(CELL_PROBLEMS[problem.code]).format(**params)
    return (", ".join(where) + ": " if where else "") + text
