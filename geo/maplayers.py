"""The layers of the risk map, built from the village frame and the point records.

Thematic layers colour the villages, one at a time: each is a category of a fixed legend
(:mod:`geo.legends`) per village. Point layers (:class:`PointLayer`) are overlays: tip
boxes with their coverage circle, venues clustered, schools, and the heat of tips (built
only when the caller asks, i.e. for the police). People are never drawn as points: their
only layer is the choropleth of counts per 1,000 residents.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import folium
import geopandas as gpd
import pandas as pd
from folium.plugins import HeatMap, MarkerCluster

from geo import legends

FIXED_LAYERS = ("score", "change", "risk", "per_thousand")  # keys of their titles
BOX_DASH = {"working": None, "broken": "6 4"}  # the line of a tip box and its circle


@dataclass(frozen=True)
class ThematicLayer:
    """One way of colouring the villages: a category of ``legend`` per village code, and
    for some villages a mark of the legend (``marks``: code -> mark key)."""

    key: str
    title: str
    legend: str
    group: str  # "overall", "plan", "national" or "risk"
    categories: dict[str, str] = field(default_factory=dict)
    full_title: str = ""
    marks: dict[str, str] = field(default_factory=dict)


def short_label(text: str, limit: int = 64) -> str:
    """A plan's label cut to a short line: before any bracket, at a word, with "…".

    >>> short_label("Không để tái nghiện")
    'Không để tái nghiện'
    >>> short_label("Hòm thư tố giác đặt tại khu vực công cộng (ít nhất 01 hòm thư)")
    'Hòm thư tố giác đặt tại khu vực công cộng'
    >>> short_label("một hai ba bốn năm", limit=10)  # the "…" must fit too
    'một hai…'
    """
    text = text.split(" (")[0].strip()
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


def thematic_layers(villages: gpd.GeoDataFrame, indicators: list[dict],
                    previous: gpd.GeoDataFrame | None, titles: Mapping[str, str], *,
                    lang: str = "vi", mask_up_to: int = 0) -> list[ThematicLayer]:
    """Every thematic layer of a month's village frame, in the order they are offered.

    Parameters
    ----------
    villages : the frame's ``villages`` (index = village code).
    indicators : the frame's ``indicators`` (id, labels, levels, recognition).
    previous : last month's ``villages`` for the change layer, or ``None``.
    titles : translated titles of the fixed layers (:data:`FIXED_LAYERS`).
    lang : which of the plan's labels to use ("vi" or "en").
    mask_up_to : small counts of people hidden in the per-1,000 layer (viewers).
    """
    codes = list(villages.index)
    before = previous["score"].reindex(villages.index) if previous is not None else \
        pd.Series(float("nan"), index=villages.index)
    tally = villages["score_evidence"] if "score_evidence" in villages else \
        pd.Series([{} for _ in codes], index=villages.index, dtype=object)
    marks = {c: legends.score_mark(tally[c]) for c in codes}
    layers = [
        ThematicLayer("score", titles["score"], "score", "overall",
                      {c: legends.score_category(villages.at[c, "score"], tally[c])
                       for c in codes}, marks={c: m for c, m in marks.items() if m}),
        ThematicLayer("change", titles["change"], "change", "overall",
                      {c: legends.change_category(villages.at[c, "score"], before[c])
                       for c in codes}),
    ]
    layers += _indicator_layers(villages, indicators, lang)
    risk = villages["risk_level"] if "risk_level" in villages else pd.Series(index=codes)
    layers.append(ThematicLayer("risk", titles["risk"], "risk", "risk", {
        c: legends.risk_category(risk.get(c)) for c in codes}))
    layers.append(ThematicLayer("per_thousand", titles["per_thousand"], "per_thousand",
                                "risk", {c: legends.per_thousand_category(
                                    villages.at[c, "people"], villages.at[c, "population"],
                                    mask_up_to) for c in codes}))
    return layers


def _indicator_layers(villages: gpd.GeoDataFrame, indicators: list[dict],
                      lang: str) -> list[ThematicLayer]:
    layers = []
    for ind in indicators:
        column = f"{ind['id']}_status"
        if "village" not in ind["levels"] or column not in villages:
            continue
        label = ind.get(f"label_{lang}") or ind["label_vi"]
        layers.append(ThematicLayer(
            ind["id"], f"{ind['id']} – {short_label(label)}", "status",
            "national" if ind.get("recognition") else "plan",
            {c: legends.status_category(s) for c, s in villages[column].items()},
            full_title=f"{ind['id']} – {label}"))
    return layers


# --- point layers ---------------------------------------------------------------------
# Each is a named folium group (offered in the layer control) and its points as plain
# data: the page's script draws them and sets their tooltips as text, so that no code or
# name of a record is ever written into generated JavaScript.


@dataclass(frozen=True)
class PointLayer:
    """A point overlay: ``group``, the folium group in the layer control, and ``data``,
    what the page's script draws in it (``None`` when folium draws it all).

    ``data``: ``group`` (the group's JavaScript name), ``cluster`` (the JavaScript name of
    a marker cluster inside it, or ``None``) and ``points``: ``lat``, ``lon``, ``tooltip``
    (plain text) and either ``marker`` (Leaflet circle-marker options) or ``icon`` (a
    letter ``text`` in ``ink`` on a ``colour`` with a ``className``, and the venue's
    ``status``), and optionally ``circle`` (Leaflet circle options: an area drawn around
    the point, not interactive). A clustered layer of venues also has ``worst_first``:
    the statuses (``key``, ``colour``, ``ink``), worst first, a cluster's colour being that
    of the worst status it holds.
    """

    group: folium.FeatureGroup
    data: dict | None = None


def _located(frame: pd.DataFrame | None) -> pd.DataFrame:
    if frame is None or frame.empty or not {"lat", "lon"} <= set(frame.columns):
        return pd.DataFrame(columns=["lat", "lon"])
    return frame[frame["lat"].notna() & frame["lon"].notna()]


def has_points(frame: pd.DataFrame | None) -> bool:
    """Whether a table has any row with a location (empty layers are not offered)."""
    return not _located(frame).empty


def _points(group: folium.FeatureGroup, points: list[dict],
            cluster: folium.map.Layer | None = None) -> PointLayer:
    return PointLayer(group, {"group": group.get_name(),
                              "cluster": cluster.get_name() if cluster else None,
                              "points": points})


def tip_box_layer(boxes: pd.DataFrame | None, radius_m: float, name: str,
                  status_texts: Mapping[str, str]) -> PointLayer:
    """Tip boxes (not removed) as points, each with a coverage circle of ``radius_m``;
    working boxes solid blue, broken ones orange and dashed."""
    points = []
    for _, box in _located(boxes).iterrows():
        if box.get("status") not in BOX_DASH:  # removed: no longer there
            continue
        look = legends.TIP_BOXES.category(box["status"])
        line = {"color": look.outline, "dashArray": BOX_DASH[box["status"]], "fill": True}
        points.append({
            "lat": float(box["lat"]), "lon": float(box["lon"]),
            "tooltip": f"{box['code']} · {status_texts.get(box['status'], box['status'])}",
            "circle": {**line, "radius": radius_m, "weight": 1, "fillOpacity": 0.08,
                       "interactive": False},
            "marker": {**line, "radius": 6, "weight": 2, "fillOpacity": 0.95,
                       "fillColor": look.colour,
                       "className": f"xkmt-box box-{box['status']}"}})
    return _points(folium.FeatureGroup(name=name, show=False), points)


def tip_heat_layer(tips: pd.DataFrame | None, month_end: dt.date, name: str, *,
                   assets: str = "/vendor", months: int = 12) -> PointLayer:
    """The tips received in the ``months`` up to ``month_end`` as a heat layer.

    Build it only for the police: tips are never shown to other roles. Only the
    points' coordinates are written (into folium's script): no text of a tip.
    """
    group = folium.FeatureGroup(name=name, show=False)
    tips = _located(tips)
    if "received" in tips:
        received = pd.to_datetime(tips["received"], errors="coerce")
        start = pd.Timestamp(month_end) - pd.DateOffset(months=months)
        tips = tips[(received > start) & (received <= pd.Timestamp(month_end))]
    heat = HeatMap(tips[["lat", "lon"]].astype(float).values.tolist(), radius=28, blur=20,
                   min_opacity=0.35, gradient=legends.heat_gradient())
    heat.default_js = [("leaflet-heat.js", f"{assets}/leaflet.heat/leaflet-heat.js")]
    heat.add_to(group)
    return PointLayer(group)


def venue_status(village_evidence: pd.Series | None) -> dict[str, str]:
    """Each venue's inspection status from the villages' venue-inspection evidence
    (lists ``overdue`` and ``drug_findings``): "finding", "overdue" or "in_time"."""
    status: dict[str, str] = {}
    for evidence in (village_evidence if village_evidence is not None else []):
        if not isinstance(evidence, dict):
            continue
        for code in evidence.get("overdue") or []:
            status[str(code)] = "overdue"
        for code in evidence.get("drug_findings") or []:
            status[str(code)] = "finding"
    return status


def venue_layer(venues: pd.DataFrame | None, statuses: Mapping[str, str] | None, name: str,
                texts: Mapping[str, str], *, assets: str = "/vendor") -> PointLayer:
    """Active venues, clustered, a letter for the kind and a colour for the inspection
    status (``statuses`` from :func:`venue_status`; ``None`` when not judged this month).

    ``texts``: ``kind:<key>`` → kind name, ``letter:<key>`` → one letter,
    ``status:<key>`` → status name.
    """
    group = folium.FeatureGroup(name=name, show=False)
    cluster = MarkerCluster(options={"maxClusterRadius": 40, "showCoverageOnHover": False})
    cluster.default_js = [("markerclusterjs",
                           f"{assets}/leaflet.markercluster/leaflet.markercluster.js")]
    cluster.default_css = [
        ("markerclustercss", f"{assets}/leaflet.markercluster/MarkerCluster.css"),
        ("markerclusterdefaultcss", f"{assets}/leaflet.markercluster/MarkerCluster.Default.css")]
    cluster.add_to(group)
    venues = _located(venues)
    if "active" in venues:
        venues = venues[venues["active"].fillna(True).astype(bool)]
    points = []
    for _, venue in venues.iterrows():
        state = "not_judged" if statuses is None else statuses.get(str(venue["code"]),
                                                                   "in_time")
        kind = venue.get("kind") or "other"
        points.append({
            "lat": float(venue["lat"]), "lon": float(venue["lon"]),
            "tooltip": " · ".join((str(venue["code"]), texts.get(f"kind:{kind}", kind),
                                   texts.get(f"status:{state}", state))),
            "status": state,
            "icon": {"text": texts.get(f"letter:{kind}", "?"),
                     "colour": legends.VENUES.category(state).colour,
                     "ink": legends.ink_on(legends.VENUES.category(state).colour),
                     "className": f"xkmt-venue venue-{state}"}})
    layer = _points(group, points, cluster)
    layer.data["worst_first"] = [  # a cluster wears the worst status it holds
        {"key": key, "colour": legends.VENUES.category(key).colour,
         "ink": legends.ink_on(legends.VENUES.category(key).colour)}
        for key in legends.VENUE_WORST_FIRST]
    return layer


def school_layer(schools: pd.DataFrame | None, name: str,
                 level_texts: Mapping[str, str]) -> PointLayer:
    """Schools as small purple points (a school is a place, not a person)."""
    look = legends.SCHOOLS.category("school")
    points = [{"lat": float(school["lat"]), "lon": float(school["lon"]),
               "tooltip": f"{school.get('name') or school['code']} · "
                          f"{level_texts.get(school.get('level'), '')}",
               "marker": {"radius": 5, "color": look.outline, "weight": 2, "fill": True,
                          "fillColor": look.colour, "fillOpacity": 0.9}}
              for _, school in _located(schools).iterrows()]
    return _points(folium.FeatureGroup(name=name, show=False), points)
