"""The interactive village map (folium), built from the village frame.

Every script and style sheet comes from ``assets`` (the app's own copy of Leaflet):
the map works with no internet. Only base tiles may come from outside, and they are
optional (``tiles=None``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

import folium
import geopandas as gpd
from branca.element import MacroElement, Template
from shapely.geometry.base import BaseGeometry

# Soft categorical fills: tell neighbouring villages apart, keep labels readable.
PALETTE = ("#8dd3c7", "#ffffb3", "#bebada", "#fb8072", "#80b1d3", "#fdb462",
           "#b3de69", "#fccde5", "#d9d9d9", "#bc80bd", "#ccebc5", "#ffed6f")


@dataclass(frozen=True)
class MapTexts:
    """Every text the map shows, already in the user's language."""

    villages: str
    labels: str
    outline: str
    base_map: str
    tooltip_fields: tuple[tuple[str, str], ...]  # (column, label)
    notice: str | None = None  # e.g. "the villages are synthetic"


def village_map(
    villages: gpd.GeoDataFrame,
    outline: BaseGeometry,
    texts: MapTexts,
    *,
    assets: str = "/vendor",
    tiles: str | None = "OpenStreetMap",
    tiles_attribution: str | None = None,
    fills: Mapping[str, str] | None = None,
    overlays: Sequence[folium.map.Layer] = (),
) -> folium.Map:
    """A folium map of a commune's villages: fills, labels, outline, tooltips, layers.

    Parameters
    ----------
    villages : GeoDataFrame in EPSG:4326 with ``code``, ``name`` and the tooltip columns.
    outline : the commune outline in EPSG:4326.
    texts : the map's texts in the user's language.
    assets : URL prefix under which Leaflet is served (``{assets}/leaflet/leaflet.js``).
    tiles : a folium tile name or URL template; ``None`` for a plain background.
    fills : village code -> fill colour (a thematic layer); default: soft distinct colours.
    overlays : further layers (points), offered as overlays in the layer control.

    The village layer's JavaScript name is ``fmap.villages_layer`` (for the page's script,
    which recolours it when another thematic layer is chosen).
    """
    fmap = _base_map(assets)
    if tiles:
        folium.TileLayer(tiles, name=texts.base_map, attr=tiles_attribution or None,
                         max_zoom=19).add_to(fmap)
    fmap.villages_layer = _add_villages(fmap, villages, texts, fills)
    _add_outline(fmap, outline, texts.outline)
    _add_labels(fmap, villages, texts.labels)
    for overlay in overlays:
        overlay.add_to(fmap)
    folium.LayerControl(collapsed=False).add_to(fmap)
    if texts.notice:
        Notice(texts.notice).add_to(fmap)
    minx, miny, maxx, maxy = outline.bounds
    fmap.fit_bounds([[miny, minx], [maxy, maxx]])
    return fmap


def _base_map(assets: str) -> folium.Map:
    fmap = folium.Map(tiles=None, zoom_snap=0.25, height="100%")
    MetricScale().add_to(fmap)
    # Instance lists replace folium's CDN links: nothing is loaded from another host.
    fmap.default_js = [("leaflet", f"{assets}/leaflet/leaflet.js")]
    fmap.default_css = [("leaflet_css", f"{assets}/leaflet/leaflet.css")]
    return fmap


def _add_villages(fmap: folium.Map, villages: gpd.GeoDataFrame, texts: MapTexts,
                  fills: Mapping[str, str] | None) -> str:
    data = villages.copy()
    data["fill"] = [fills.get(str(c), "#ffffff") for c in data["code"]] if fills else \
        [PALETTE[i % len(PALETTE)] for i in range(len(data))]
    columns = ["code", "name", "fill", *(c for c, _ in texts.tooltip_fields), "geometry"]
    data = data[list(dict.fromkeys(columns))]
    opacity = 0.75 if fills else 0.55
    layer = folium.GeoJson(
        data.__geo_interface__,
        name=texts.villages,
        style_function=lambda f: {"fillColor": f["properties"]["fill"], "color": "#4d4d4d",
                                  "weight": 1.5, "fillOpacity": opacity},
        highlight_function=None if fills else lambda _f: {
            "weight": 3, "color": "#000000", "fillOpacity": 0.7},
        tooltip=folium.GeoJsonTooltip(fields=[c for c, _ in texts.tooltip_fields],
                                      aliases=[label for _, label in texts.tooltip_fields],
                                      sticky=True),
    )
    layer.add_to(fmap)
    return layer.get_name()


def _add_outline(fmap: folium.Map, outline: BaseGeometry, name: str) -> None:
    folium.GeoJson(
        gpd.GeoSeries([outline], crs="EPSG:4326").__geo_interface__,
        name=name,
        style_function=lambda _f: {"fill": False, "color": "#b2182b", "weight": 3,
                                   "dashArray": "8 4"},
        interactive=False,
    ).add_to(fmap)


def _add_labels(fmap: folium.Map, villages: gpd.GeoDataFrame, name: str) -> None:
    group = folium.FeatureGroup(name=name)
    points = villages.to_crs("EPSG:32648").representative_point().to_crs("EPSG:4326")
    for label, point in zip(villages["name"], points, strict=True):
        folium.Marker(
            [point.y, point.x],
            icon=folium.DivIcon(html=f'<div class="xkmt-label">{escape(label)}</div>',
                                class_name="xkmt-label-icon", icon_size=(140, 22),
                                icon_anchor=(70, 11)),
            interactive=False,
        ).add_to(group)
    group.add_to(fmap)


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
