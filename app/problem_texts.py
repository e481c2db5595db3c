"""Sentences for the problems ``geo`` reports, by problem code (English ids, translated)."""

from __future__ import annotations

from app.i18n import N_, gettext_for
from geo.errors import Problem

PROBLEMS = {
    "file_missing": N_("the file does not exist"),
    "unsupported_format": N_(
        "files ending in “{suffix}” cannot be read: use a shapefile (.shp or a .zip "
        "holding one), GeoJSON, GeoPackage or KML"),
    "unreadable": N_("the file cannot be read ({detail})"),
    "bad_zip": N_("the .zip file is damaged or is not a zip archive"),
    "zip_too_many_entries": N_("the .zip file holds {count} files, more than {limit}"),
    "zip_too_large": N_("the .zip file unpacks to {mb} MB, more than {limit_mb} MB"),
    "zip_unsafe_name": N_("the .zip file holds a file with an unsafe name: “{name}”"),
    "zip_no_layer": N_("the .zip file holds no map layer (.shp, .geojson, .gpkg, .kml)"),
    "zip_many_layers": N_("the .zip file holds several map layers ({names}): send one"),
    "no_features": N_("the file holds no village"),
    "missing_field": N_(
        "there is no {role} field “{field}”; the fields in the file are: {available}"),
    "empty_value": N_("the field “{field}” is empty"),
    "not_a_count": N_("the field “{field}” should be a whole number, not “{value}”"),
    "count_not_known": N_(
        "the field “{field}” is empty: the figure is not known, and shares per household "
        "or per resident are not computed for this village until it is entered (page "
        "“Villages”)"),
    "no_geometry": N_("the village has no shape"),
    "not_polygon": N_("the shape is a {type}, not an area (polygon)"),
    "repaired": N_("the shape was invalid ({reason}) and has been repaired"),
    "duplicate": N_("the {field} “{value}” is used by several villages (features {features})"),
    "unknown_crs": N_(
        "the coordinates ({bounds}) match no known coordinate system of this commune: "
        "give it with --crs, e.g. --crs EPSG:5897 (VN-2000 / TM-3 105°)"),
    "overlap": N_("villages “{a}” and “{b}” overlap by {area_m2} m² ({percent}% of the smaller)"),
    "outside": N_("{area_m2} m² of village “{name}” ({percent}%) lie outside the commune"),
    "gaps": N_(
        "{count} area(s) of the commune belong to no village: {area_m2} m² in all, the "
        "largest {largest_m2} m² near {lat}, {lon}"),
    "encoding": N_("text encoding: {encoding}"),
    "codes_from_names": N_("the file has no code field: codes were made from the names"),
    "crs_used": N_("coordinate system: {crs} ({why})"),
    # commune outline files (xkmt communes import)
    "no_communes": N_("the file holds no commune"),
    "field_not_found": N_(
        "there is no {role} field: none of {names}; the fields in the file are: "
        "{available}. Name it with {option}"),
    "field_used": N_("the {role} is read from the field “{field}”"),
    "commune_without_code": N_("“{name}” has no code in the field “{field}”: left out"),
    "commune_no_shape": N_("the commune has no shape"),
    "duplicate_commune": N_("the code “{value}” is used by several communes (features "
                            "{features})"),
    "long_value": N_("the field “{field}” holds “{value}”, longer than {limit} characters"),
    "not_metric_crs": N_("the field “{field}” holds “{value}”, not the EPSG code of a "
                         "coordinate system in metres"),
    "bad_crs": N_("“{crs}” is not a coordinate system: write it as EPSG:4326, for example"),
}

CRS_REASONS = {
    "given": N_("given with --crs"),
    "declared": N_("declared by the file"),
    "degrees": N_("the coordinates are longitude and latitude"),
    "best_fit": N_(
        "the file has no .prj; this system fits the commune outline best: "
        "overlap {fit}, others {others}"),
    "assumed": N_("the file has no .prj; assumed from the province, not checked"),
}

ROLES = {"name": N_("name"), "code": N_("code")}
SEVERITIES = {"error": N_("Error"), "warning": N_("Warning"), "note": N_("Note")}


def problem_text(problem: Problem, locale: str, file: str | None = None) -> str:
    """One line naming the file, the feature and the problem, in ``locale``."""
    _ = gettext_for(locale)
    params = dict(problem.params)
    if "role" in params:
        params["role"] = _(ROLES[params["role"]])
    if problem.code == "duplicate":
        params["field"] = _(ROLES[params["field"]])
    if problem.code == "crs_used":
        params["why"] = _(CRS_REASONS[params["reason"]]).format(**params)
    text = _(PROBLEMS[problem.code]).format(**params)
    where = []
    if file:
        where.append(file)
    if problem.feature is not None:
        where.append(_("feature {number}").format(number=problem.feature))
    prefix = f"{_(SEVERITIES[problem.severity])}: "
    return prefix + (", ".join(where) + ": " if where else "") + text
