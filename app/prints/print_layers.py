"""The map of one printable layer: each village's category (the map's own thematic layer,
or venues, or the police's tips) and the value written beside its name, as the reader's
view allows (:func:`app.prints.map_sheets.view_for`): every figure from the view's village
features."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from app import mapview
from app.i18n import number
from geo import legends, maplayers
from geo.printing import MapData, PointSet

TIPS_MONTHS = 12


def percent(value, locale: str) -> str:
    """A share 0–1 as "82,9 %" (one decimal at most)."""
    if value is None or pd.isna(value):
        return "—"
    return number(round(float(value) * 100, 1), locale) + " %"


def indicator_value(indicator: dict, figures: dict, key: str, locale: str) -> str:
    """An indicator's value or target as written: "100 %" for percentages, "—" when not
    shown."""
    value = figures.get(key)
    if value is None:
        return "—"
    suffix = " %" if str(indicator["metric"]).endswith("_pct") else ""
    return number(round(float(value), 1), locale) + suffix


def point_sets(month, _: Callable[[str], str], radius_m: float,
               kinds: tuple[str, ...] = ("tip_boxes", "venues")) -> list[PointSet]:
    """Tip boxes (not removed, with the area they serve) and active venues (a letter for
    the kind, the colour of the inspection status)."""
    sets = []
    boxes = month.tables.get("tip_boxes")
    if "tip_boxes" in kinds and maplayers.has_points(boxes):
        boxes = boxes[boxes["lat"].notna() & boxes["status"].isin(("working", "broken"))]
        if len(boxes):
            sets.append(PointSet(legends.TIP_BOXES, boxes["lon"].astype(float).tolist(),
                                 boxes["lat"].astype(float).tolist(),
                                 boxes["status"].tolist(), radius_m=radius_m))
    venues = month.tables.get("venues")
    if "venues" in kinds and maplayers.has_points(venues):
        venues = venues[venues["lat"].notna() & venues["active"].fillna(True).astype(bool)]
        statuses = venue_statuses(month)
        states = ["not_judged" if statuses is None else statuses.get(str(c), "in_time")
                  for c in venues["code"]]
        letters = [_(mapview.VENUE_LETTERS.get(k or "other", "O")) for k in venues["kind"]]
        if len(venues):
            sets.append(PointSet(legends.VENUES, venues["lon"].astype(float).tolist(),
                                 venues["lat"].astype(float).tolist(), states, letters))
    return sets


def venue_statuses(month) -> dict[str, str] | None:
    """Each venue's inspection status from the view's venue-inspection evidence (None:
    the month has no such indicator)."""
    found = [v["indicators"]["P12"] for v in month.villages.values()
             if "P12" in v["indicators"]]
    if not found:
        return None
    return maplayers.venue_status(pd.Series([f.get("evidence") for f in found],
                                            dtype=object))


def legend_labels(legend: legends.Legend, _: Callable[[str], str]) -> dict[str, str]:
    return {c.key: _(c.label) for c in legend.categories}




def layer_map(month, layer: str, villages, _: Callable[[str], str], locale: str,
              radius_m: float) -> tuple[MapData, str, dict[str, str]]:
    """``month``: :class:`app.prints.map_sheets.Month`. Returns the map data, the legend's
    subtitle (the layer's title) and the legend's labels."""
    villages = villages.set_index("code", drop=False)
    if layer == "venues":
        counts = {c: v["counts"].get("venues") for c, v in month.villages.items()}
        values = {c: _("{n} venue(s)").format(n=number(plain_int(counts.get(c)), locale))
                  for c in villages.index} if any(
                      "venues" in v["counts"] for v in month.villages.values()) else {}
        data = MapData(villages, legends.VENUES, {}, values,
                       points=point_sets(month, _, radius_m, ("venues",)))
        return data, _(legends.VENUES.title), legend_labels(legends.VENUES, _)
    if layer == "tips":
        counts = tips_per_village(month.tables.get("tips"), month.view.summary["as_of"])
        categories = {c: legends.tips_category(counts.get(c, 0)) for c in villages.index}
        values = {c: _("{n} tip(s)").format(n=number(counts.get(c, 0), locale))
                  for c in villages.index}
        return (MapData(villages, legends.TIPS, categories, values), _(legends.TIPS.title),
                legend_labels(legends.TIPS, _))
    thematic = next(t for t in month.thematic if t.key == layer)
    legend = legends.LEGENDS[thematic.legend]
    values = {c: village_value(month, layer, c, _, locale) for c in villages.index}
    data = MapData(villages, legend, thematic.categories, values, marks=thematic.marks)
    return data, thematic.full_title or thematic.title, legend_labels(legend, _)


def plain_int(value) -> int:
    return 0 if value is None or pd.isna(value) else int(value)


def tips_per_village(tips: pd.DataFrame | None, as_of) -> dict[str, int]:
    """How many tips each village received in the 12 months up to ``as_of``."""
    if tips is None or tips.empty:
        return {}
    received = pd.to_datetime(tips["received"], errors="coerce")
    end = pd.Timestamp(as_of)
    recent = tips[(received > end - pd.DateOffset(months=TIPS_MONTHS)) & (received <= end)]
    return {str(k): int(v) for k, v in recent.groupby("village").size().items()}


def village_value(month, layer: str, code: str, _: Callable[[str], str],
                  locale: str) -> str:
    """The value written under a village's name on the map of ``layer``."""
    shown = month.villages[code]
    if layer == "score":
        return percent(shown.get("score"), locale)
    if layer == "change":
        before = month.previous.summary["villages"].get(code, {}).get("score") \
            if month.previous.summary["plans"] else None
        if before is None or pd.isna(before) or shown.get("score") is None:
            return ""
        return f"{percent(before, locale)} → {percent(shown.get('score'), locale)}"
    if layer == "risk":
        level = shown.get("risk_level")
        return _(mapview.PANEL_TEXTS[f"risk_{level}"]) if level in ("I", "II", "III") else ""
    if layer == "per_thousand":
        return per_thousand(shown, month.masked, locale)
    listing = {i["id"]: i for i in month.view.indicators}
    figures = shown["indicators"].get(layer, {})
    if figures.get("value") is not None:
        return indicator_value(listing[layer], figures, "value", locale)
    status = figures.get("status")
    return _(mapview.PANEL_TEXTS[status]) if status in mapview.PANEL_TEXTS else ""


def per_thousand(shown: dict, masked: bool, locale: str) -> str:
    """People per 1,000 residents ("4,2 ‰"): not to viewers, whose rate and population
    could give a small count back (their map shows the category alone)."""
    if masked:
        return ""
    people, population = shown["counts"].get("people"), shown.get("population")
    if people is None or population is None or pd.isna(people) or pd.isna(population) \
            or not population:
        return ""
    return number(round(float(people) * 1000 / float(population), 1), locale) + " ‰"
