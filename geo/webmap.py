"""The interactive village map (folium), built from the village frame.

Every script and style sheet comes from ``assets`` (the app's own copy of Leaflet):
the map works with no internet. Only base tiles may come from outside, and they are
optional (``tiles=None``).

No text of the data (village codes and names, record codes and names) is ever written
into the JavaScript folium generates: folium draws the base map, the outline, the layer
control and an empty, named group per layer; the villages, their names and the points,
with every text they show, are :attr:`WebMap.data`, JSON that the page's script
(``app/static/map.js``) draws into those groups and whose texts it sets as text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import folium
import geopandas as gpd
from branca.element import MacroElement, Template
from shapely.geometry.base import BaseGeometry

from geo import legends
from geo.crs import METRIC_CRS
from geo.maplayers import PointLayer

PALETTE = legends.NEIGHBOUR_FILLS  # soft fills that tell neighbouring villages apart
MAX_ZOOM = 19  # the map's own limit, tiles or not (clustering needs one)


@dataclass(frozen=True)
class MapTexts:
    """Every text the map shows, already in the user's language."""

    villages: str
    labels: str
    outline: str
    base_map: str
    tooltip_fields: tuple[tuple[str, str], ...]  # (column, label)
    notice: str | None = None  # e.g. "the villages are synthetic"


@dataclass(frozen=True)
class WebMap:
    """The map folium draws, and the data the page's script draws on it.

    ``data`` is plain JSON: ``villages`` (``group``: the JavaScript name of the group to
    draw them in, ``style``, ``features``: a GeoJSON FeatureCollection whose properties
    are ``code``, ``name``, ``fill`` and ``tooltip``, rows of (label, text)), ``labels``
    (``group``, ``points``: ``lat``, ``lon``, ``text``, ``code``), ``outline`` (the outline
    layer's JavaScript name), ``map`` (the map's JavaScript name), ``points`` (one entry
    per point layer, see :class:`geo.maplayers.PointLayer`) and ``colours`` (the lines and
    the "no data" hatch, :func:`map_colours`).
    """

    figure: folium.Map
    data: dict


def village_map(
    villages: gpd.GeoDataFrame,
    outline: BaseGeometry,
    texts: MapTexts,
    *,
    assets: str = "/vendor",
    tiles: str | None = "OpenStreetMap",
    tiles_attribution: str | None = None,
    fills: Mapping[str, str] | None = None,
    overlays: Sequence[PointLayer] = (),
) -> WebMap:
    """A map of a commune's villages: fills, labels, outline, tooltips, layers.

    Parameters
    ----------
    villages : GeoDataFrame in EPSG:4326 with ``code``, ``name`` and the tooltip columns.
    outline : the commune outline in EPSG:4326.
    texts : the map's texts in the user's language.
    assets : URL prefix under which Leaflet is served (``{assets}/leaflet/leaflet.js``).
    tiles : a folium tile name or URL template; ``None`` for a plain background.
    fills : village code -> fill colour (a thematic layer); default: soft distinct colours.
    overlays : point layers (:mod:`geo.maplayers`), offered as overlays in the layer control.
    """
    fmap = _base_map(assets)
    if tiles:
        folium.TileLayer(tiles, name=texts.base_map, attr=tiles_attribution or None,
                         max_zoom=MAX_ZOOM).add_to(fmap)
    data = {"villages": _villages(fmap, villages, texts, fills),
            "outline": _add_outline(fmap, outline, texts.outline),
            "labels": _labels(fmap, villages, texts.labels), "points": [],
            "colours": map_colours(), "map": fmap.get_name()}
    for overlay in overlays:
        overlay.group.add_to(fmap)
        if overlay.data is not None:
            data["points"].append(overlay.data)
    folium.LayerControl(collapsed=False).add_to(fmap)
    if texts.notice:
        Notice(texts.notice).add_to(fmap)
    minx, miny, maxx, maxy = outline.bounds
    fmap.fit_bounds([[miny, minx], [maxy, maxx]])
    return WebMap(fmap, data)


def _base_map(assets: str) -> folium.Map:
    fmap = folium.Map(tiles=None, zoom_snap=0.25, height="100%")
    fmap.options["max_zoom"] = MAX_ZOOM
    MetricScale().add_to(fmap)
    # Instance lists replace folium's CDN links: nothing is loaded from another host.
    fmap.default_js = [("leaflet", f"{assets}/leaflet/leaflet.js")]
    fmap.default_css = [("leaflet_css", f"{assets}/leaflet/leaflet.css")]
    return fmap


def _villages(fmap: folium.Map, villages: gpd.GeoDataFrame, texts: MapTexts,
              fills: Mapping[str, str] | None) -> dict:
    group = folium.FeatureGroup(name=texts.villages).add_to(fmap)
    colours = [fills.get(str(c), legends.MAP_COLOURS["no_fill"]) for c in villages["code"]] \
        if fills else \
        [PALETTE[i % len(PALETTE)] for i in range(len(villages))]
    features = []
    for (_, village), fill in zip(villages.iterrows(), colours, strict=True):
        features.append({"type": "Feature", "geometry": village.geometry.__geo_interface__,
                         "properties": {
                             "code": str(village["code"]), "name": str(village["name"]),
                             "fill": fill, "tooltip": [[label, str(village[column])]
                                                       for column, label in
                                                       texts.tooltip_fields]}})
    return {"group": group.get_name(),
            "style": {"color": legends.MAP_COLOURS["village_line"], "weight": 1.5,
                      "fillOpacity": 0.75 if fills else 0.55},
            "features": {"type": "FeatureCollection", "features": features}}


def map_colours() -> dict:
    """The lines and the "no data" hatch the page's script draws (from :mod:`geo.legends`):
    the hatch's background is the colour every hatched category shares."""
    back = {c.colour for leg in legends.LEGENDS.values() for c in leg.categories if c.hatch}
    return {**legends.MAP_COLOURS, "hatch": {
        "back": back.pop() if len(back) == 1 else legends.MAP_COLOURS["no_fill"],
        "line": legends.HATCH_LINE, "period": legends.HATCH_PERIOD,
        "stripe": legends.HATCH_STRIPE}}


def _add_outline(fmap: folium.Map, outline: BaseGeometry, name: str) -> str:
    layer = folium.GeoJson(
        {"type": "Feature", "properties": {}, "geometry": outline.__geo_interface__},
        name=name,
        style_function=lambda _f: {"fill": False, "color": legends.MAP_COLOURS["commune_line"],
                                   "weight": 3,
                                   "dashArray": "8 4"},
        interactive=False,
    ).add_to(fmap)
    return layer.get_name()


def _labels(fmap: folium.Map, villages: gpd.GeoDataFrame, name: str) -> dict:
    group = folium.FeatureGroup(name=name).add_to(fmap)
    points = villages.to_crs(METRIC_CRS).representative_point().to_crs("EPSG:4326")
    return {"group": group.get_name(),
            "points": [{"lat": point.y, "lon": point.x, "text": str(label), "code": str(code)}
                       for code, label, point in zip(villages["code"], villages["name"],
                                                     points, strict=True)]}


class MetricScale(MacroElement):
    """A scale bar in metres only (folium's own also shows feet)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        L.control.scale({imperial: false, maxWidth: 160}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)


class Notice(MacroElement):
    """A fixed box on the map with a short text (e.g. that the data are synthetic)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: "bottomleft"});
        {{ this.get_name() }}.onAdd = function () {
            var div = L.DomUtil.create("div", "xkmt-notice");
            div.textContent = {{ this.text|tojson }};
            return div;
        };
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, text: str):
        super().__init__()
        self._name = "Notice"
        self.text = text
