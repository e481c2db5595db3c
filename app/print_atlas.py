"""The meeting atlas of a commune and month: the cover (the map of the share of indicators
met and the commune's criteria this month and last), a page per village, and the list of
venues in the police's version; from the same per-role view as the map
(:func:`app.printing.view_for`), audited."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
from sqlalchemy.orm import Session, sessionmaker

from app import compliance, mapview, printing, store
from app.i18n import N_, month_label, number
from app.printing_layers import indicator_value, layer_map, percent, point_sets
from app.records.schema import CHOICES
from geo.maplayers import short_label
from geo.printing import AtlasData, MapData, VillagePage, render_atlas

TREND_MONTHS = 6
SIGN = {">=": "≥", "<=": "≤", "==": "=", ">": ">", "<": "<"}


def atlas(session: Session, frames: compliance.FrameCache, settings, code: str, month: str,
          *, role: str, user: str, _: Callable[[str], str], locale: str,
          log: sessionmaker[Session], masked: bool = False, address: str | None = None,
          progress: Callable[[int, int], None] | None = None) -> bytes:
    """The atlas as PDF bytes, as ``role`` may see it (``masked``: as for a viewer)."""
    commune = store.get_commune(session, code)
    view = printing.view_for(role, session, code, settings.small_count_threshold, masked)
    now = printing.load_month(session, frames, code, month, view, _, locale)
    villages = store.load_villages(session, code)
    cover, subtitle, labels = layer_map(now, "score", villages, _, locale,
                                        settings.tip_box_radius_m)
    texts = printing.sheet_texts(
        commune, month, _("ATLAS OF THE DRUG-FREE COMMUNE INDICATORS"), subtitle, labels,
        cover.legend, user=user, masked=masked or view.viewer, signature=False,
        synthetic=bool(villages["synthetic"].any()), now=printing.now(), _=_, locale=locale)
    trend = _trend(session, frames, code, month)
    police = view.police
    data = AtlasData(
        texts=texts, cover=cover, criteria=_criteria(now, _, locale),
        villages=[_village_page(now, code_, villages, cover, trend, _, locale,
                                settings.tip_box_radius_m)
                  for code_ in villages["code"]],
        headers={"criteria": [_("Code"), _("Criterion"), _("Month {month}").format(
                     month=month_label(month)), _("Month {month}").format(
                     month=month_label(compliance.previous_month(month)))],
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
    printing.record_print(log, "atlas", code, month, user=user, address=address,
                          detail={"role": role, "masked": masked or view.viewer,
                                  "pages": content.count(b"/Type /Page\n")})
    return content


def _status(status: str | None, _: Callable[[str], str]) -> str:
    return _(mapview.PANEL_TEXTS.get(status or "not_applicable", "not_applicable"))


def _cell(indicator: dict, shown: dict, _: Callable[[str], str], locale: str) -> str:
    text = _status(shown.get("status"), _)
    if shown.get("value") is not None:
        text += f" ({indicator_value(indicator, shown, 'value', locale)})"
    return text


def _criteria(now: printing.Month, _: Callable[[str], str], locale: str) -> list[list[str]]:
    """The commune-level indicators this month and last, then the national status, the
    share of indicators met and the villages keeping the commune from recognition."""
    view, result, previous = now.view, now.result, now.previous
    before = {i["id"]: i for i in previous.indicators}
    rows = []
    for ind in result.indicators:
        if "commune" not in ind["levels"]:
            continue
        label = short_label(ind.get(f"label_{'en' if locale == 'en' else 'vi'}")
                            or ind["label_vi"], 90)
        this = _cell(ind, view.indicator(ind, result.commune), _, locale)
        last = _cell(ind, view.indicator(before[ind["id"]], previous.commune), _, locale) \
            if ind["id"] in before else "—"
        rows.append([ind["id"], label, this, last])
    rows.append(["", _("National criteria (Decision 28/2025)"),
                 _status(result.commune.get("national_status"), _),
                 _status(previous.commune.get("national_status"), _)])
    rows.append(["", _("Share of indicators met"), percent(result.commune.get("score"), locale),
                 percent(previous.commune.get("score"), locale)])
    blocking = ", ".join(v["name"] for v in result.commune.get("blocking_villages") or [])
    if blocking:
        rows.append(["", _("Villages keeping the commune from recognition"), blocking, ""])
    return rows


def _trend(session: Session, frames: compliance.FrameCache, code: str,
           month: str) -> dict[str, list[tuple[str, float | None]]]:
    """Per village, the share of indicators met in each of the last six months."""
    months = [str(p) for p in pd.period_range(end=pd.Period(month, freq="M"),
                                              periods=TREND_MONTHS, freq="M")]
    version = compliance.data_version(session, code)
    results = [frames.get(session, code, m, version) for m in months]
    trend: dict[str, list[tuple[str, float | None]]] = {}
    for m, result in zip(months, results, strict=True):
        for village, score in result.villages["score"].items():
            value = None if pd.isna(score) or not result.plans else float(score)
            trend.setdefault(village, []).append((f"{m[5:]}/{m[2:4]}", value))
    return trend


def _village_page(now: printing.Month, code: str, villages, cover: MapData, trend: dict,
                  _: Callable[[str], str], locale: str, radius_m: float) -> VillagePage:
    row = now.result.villages.loc[code]
    view = now.view
    counts = view.counts(row)
    people = counts.get("people")
    facts = [_("Residents: {n}").format(n=number(row.get("population"), locale)),
             _("Households: {n}").format(n=number(row.get("households"), locale)),
             _("People on the lists: {n}").format(
                 n=people if isinstance(people, str) else number(people, locale)),
             _("Share of indicators met: {share}").format(
                 share=percent(row.get("score"), locale)),
             mapview.score_tally(row.get("score_evidence"), _, locale)]
    level = view.risk(row)["risk_level"]
    if level in ("I", "II", "III", "none"):
        facts.append(_("Risk level: {level}").format(
            level=_(mapview.PANEL_TEXTS[f"risk_{level}"])))
    rows = []
    for ind in now.result.indicators:
        if "village" not in ind["levels"] or f"{ind['id']}_status" not in row:
            continue
        shown = view.indicator(ind, row)
        label = short_label(ind.get(f"label_{'en' if locale == 'en' else 'vi'}")
                            or ind["label_vi"], 80)
        target = "—" if shown.get("target") is None else \
            f"{SIGN.get(ind['comparison'], '')} {indicator_value(ind, shown, 'target', locale)}"
        rows.append([ind["id"], label, indicator_value(ind, shown, "value", locale)
                     if "value" in shown else "—", target, _status(shown.get("status"), _)])
    page_map = MapData(cover.villages, cover.legend, cover.categories, cover.values,
                       cover.marks, point_sets(now, _, radius_m), focus=code)
    return VillagePage(str(row["name"]), page_map, facts, rows, trend.get(code, []))


def _venues(now: printing.Month, villages, _: Callable[[str], str]) -> list[list[str]]:
    """Active venues with their inspection status and last inspection (police only)."""
    venues = now.tables.get("venues")
    if venues is None or venues.empty:
        return []
    names = dict(zip(villages["code"], villages["name"], strict=True))
    statuses = {}
    if "P12_evidence" in now.result.villages:
        from geo.maplayers import venue_status

        statuses = venue_status(now.result.villages["P12_evidence"])
    inspections = now.tables.get("inspections")
    last = {}
    if inspections is not None and not inspections.empty:
        dated = inspections[pd.to_datetime(inspections["date"]) <= pd.Timestamp(
            now.result.as_of)]
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
