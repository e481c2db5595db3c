"""The meeting atlas of a commune and month: the cover (the map of the share of indicators
met and the commune's criteria this month and last), a page per village, and the list of
venues in the police's version; from the same per-role view as the map
(:func:`app.prints.map_sheets.view_for`), audited."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
from sqlalchemy.orm import Session, sessionmaker

from app import mapview, store
from app.frame import loading
from app.i18n import N_, month_label, number
from app.prints import map_sheets
from app.prints.print_layers import (
    indicator_value,
    layer_map,
    percent,
    point_sets,
    venue_statuses,
)
from app.records.schema import CHOICES
from geo.maplayers import short_label
from geo.printing import AtlasData, MapData, VillagePage, render_atlas

TREND_MONTHS = 6
SIGN = {">=": "≥", "<=": "≤", "==": "=", ">": ">", "<": "<"}


def atlas(session: Session, settings, code: str, month: str,
          *, role: str, user: str, _: Callable[[str], str], locale: str,
          log: sessionmaker[Session], masked: bool = False, address: str | None = None,
          progress: Callable[[int, int], None] | None = None) -> bytes:
    """The atlas as PDF bytes, as ``role`` may see it (``masked``: as for a viewer)."""
    commune = store.get_commune(session, code)
    now = map_sheets.load_month(session, settings, code, month, role, locale, masked)
    villages = now.view.villages
    cover, subtitle, labels = layer_map(now, "score", villages, _, locale,
                                        settings.tip_box_radius_m)
    texts = map_sheets.sheet_texts(
        commune, month, _("ATLAS OF THE DRUG-FREE COMMUNE INDICATORS"), subtitle, labels,
        cover.legend, user=user, masked=masked or now.masked, signature=False,
        synthetic=bool(villages["synthetic"].any()), now=map_sheets.now(), _=_, locale=locale)
    trend = _trend(session, settings, code, month, role, locale, masked)
    police = now.view.person_codes
    data = AtlasData(
        texts=texts, cover=cover, criteria=_criteria(now, _, locale),
        villages=[_village_page(now, code_, villages, cover, trend, _, locale,
                                settings.tip_box_radius_m)
                  for code_ in villages["code"]],
        headers={"criteria": [_("Code"), _("Criterion"), _("Month {month}").format(
                     month=month_label(month)), _("Month {month}").format(
                     month=month_label(loading.previous_month(month)))],
                 "indicators": [_("Code"), _("Indicator"), _("Value"), _("Target"),
                                _("Status")],
                 "venues": [_("Code"), _("Venue"), _("Kind"), _("Village"),
                            _("Inspection status"), _("Last inspection")]},
        headings={"criteria": _("THE COMMUNE'S CRITERIA"),
                  "trend": _("Share of indicators met, last 6 months (%)"),
                  "venues": _("VENUES (POLICE ONLY)"), "page": _("Page {page}"),
                  "continued": _("continued")},
        venues=_venues(now, villages, _) if police else None)
    content = render_atlas(data, progress)
    map_sheets.record_print(log, "atlas", code, month, user=user, address=address,
                          detail={"role": role, "masked": masked or now.masked,
                                  "pages": content.count(b"/Type /Page\n")})
    return content


def _status(status: str | None, _: Callable[[str], str]) -> str:
    return _(mapview.PANEL_TEXTS.get(status or "not_applicable", "not_applicable"))


def _cell(indicator: dict, shown: dict, _: Callable[[str], str], locale: str) -> str:
    text = _status(shown.get("status"), _)
    if shown.get("value") is not None:
        text += f" ({indicator_value(indicator, shown, 'value', locale)})"
    return text


def _criteria(now: map_sheets.Month, _: Callable[[str], str], locale: str) -> list[list[str]]:
    """The commune-level indicators this month and last, then the national status, the
    share of indicators met and the villages keeping the commune from recognition."""
    summary, previous = now.view.summary, now.previous.summary
    before = {i["id"]: i for i in previous["indicators"]}
    rows = []
    for ind in summary["indicators"]:
        label = short_label(ind.get(f"label_{'en' if locale == 'en' else 'vi'}")
                            or ind["label_vi"], 90)
        this = _cell(ind, ind, _, locale)
        last = _cell(before[ind["id"]], before[ind["id"]], _, locale) \
            if ind["id"] in before else "—"
        rows.append([ind["id"], label, this, last])
    rows.append(["", _("National criteria (Decision 28/2025)"),
                 _status(summary.get("national_status"), _),
                 _status(previous.get("national_status"), _)])
    rows.append(["", _("Share of indicators met"), percent(summary.get("score"), locale),
                 percent(previous.get("score"), locale)])
    blocking = ", ".join(v["name"] for v in summary.get("blocking_villages") or [])
    if blocking:
        rows.append(["", _("Villages keeping the commune from recognition"), blocking, ""])
    return rows


def _trend(session: Session, settings, code: str, month: str, role: str, locale: str,
           masked: bool) -> dict[str, list[tuple[str, float | None]]]:
    """Per village, the share of indicators met in each of the last six months."""
    months = [str(p) for p in pd.period_range(end=pd.Period(month, freq="M"),
                                              periods=TREND_MONTHS, freq="M")]
    trend: dict[str, list[tuple[str, float | None]]] = {}
    for m in months:
        summary = map_sheets.view_for(session, settings, code, m, role, locale,
                                    masked).summary
        for village, figures in summary["villages"].items():
            score = figures.get("score")
            value = None if score is None or not summary["plans"] else float(score)
            trend.setdefault(village, []).append((f"{m[5:]}/{m[2:4]}", value))
    return trend


def _village_page(now: map_sheets.Month, code: str, villages, cover: MapData, trend: dict,
                  _: Callable[[str], str], locale: str, radius_m: float) -> VillagePage:
    shown = now.villages[code]
    people = shown["counts"].get("people")
    facts = [_("Residents: {n}").format(n=number(shown.get("population"), locale)),
             _("Households: {n}").format(n=number(shown.get("households"), locale)),
             _("People on the lists: {n}").format(
                 n=people if isinstance(people, str) else number(people, locale)),
             _("Share of indicators met: {share}").format(
                 share=percent(shown.get("score"), locale)),
             mapview.score_tally(shown.get("score_evidence"), _, locale)]
    level = shown.get("risk_level")
    if level in ("I", "II", "III", "none"):
        facts.append(_("Risk level: {level}").format(
            level=_(mapview.PANEL_TEXTS[f"risk_{level}"])))
    rows = []
    for ind in now.view.indicators:
        if "village" not in ind["levels"] or ind["id"] not in shown["indicators"]:
            continue
        figures = shown["indicators"][ind["id"]]
        label = short_label(ind.get(f"label_{'en' if locale == 'en' else 'vi'}")
                            or ind["label_vi"], 80)
        target = "—" if figures.get("target") is None else \
            f"{SIGN.get(ind['comparison'], '')} {indicator_value(ind, figures, 'target', locale)}"
        rows.append([ind["id"], label, indicator_value(ind, figures, "value", locale)
                     if "value" in figures else "—", target,
                     _status(figures.get("status"), _)])
    page_map = MapData(cover.villages, cover.legend, cover.categories, cover.values,
                       cover.marks, point_sets(now, _, radius_m), focus=code)
    return VillagePage(str(shown["name"]), page_map, facts, rows, trend.get(code, []))


def _venues(now: map_sheets.Month, villages, _: Callable[[str], str]) -> list[list[str]]:
    """Active venues with their inspection status and last inspection (police only)."""
    venues = now.tables.get("venues")
    if venues is None or venues.empty:
        return []
    names = dict(zip(villages["code"], villages["name"], strict=True))
    statuses = venue_statuses(now) or {}
    inspections = now.tables.get("inspections")
    last = {}
    if inspections is not None and not inspections.empty:
        dated = inspections[pd.to_datetime(inspections["date"]) <= pd.Timestamp(
            now.view.summary["as_of"])]
        last = dated.groupby("venue")["date"].max().to_dict()
    kinds = CHOICES["venue_kind"]
    rows = []
    for _i, venue in venues.sort_values(["village", "code"]).iterrows():
        if venue.get("active") is False:
            continue
        state = statuses.get(str(venue["code"]), "in_time") if statuses else "not_judged"
        day = last.get(venue["code"])
        rows.append([str(venue["code"]), str(venue.get("name") or ""),
                     _(kinds.get(venue.get("kind"), N_("other venue"))),
                     names.get(venue.get("village"), "—"),
                     _(mapview.VENUE_STATUS[state]),
                     pd.Timestamp(day).strftime("%d/%m/%Y") if day is not None else "—"])
    return rows
