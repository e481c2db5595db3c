"""The risk map's layers and legends (geo.webmap, geo.maplayers, geo.legends)."""

from __future__ import annotations

import datetime as dt
import json
import re

import geopandas as gpd
import pandas as pd
from shapely.geometry import box

from geo import legends, maplayers
from geo.webmap import MapTexts, village_map

TITLES = {"score": "Score", "change": "Change", "risk": "Risk", "per_thousand": "Per 1,000"}
TEXTS = MapTexts(villages="Villages", labels="Names", outline="Outline", base_map="Base",
                 tooltip_fields=(("name", "Village"),))
INDICATORS = [
    {"id": "P14", "label_vi": "Người nghiện ma túy được xét nghiệm chất ma túy định kỳ hàng "
     "tháng", "label_en": "Addicts tested every month", "levels": ["village"],
     "recognition": False},
    {"id": "P19", "label_vi": "Số người nghiện ở ngoài cộng đồng dưới 10 người",
     "label_en": "Fewer than 10 addicts", "levels": ["commune"], "recognition": False},
    {"id": "N1", "label_vi": "Không có người nghiện (trừ người điều trị thay thế)",
     "label_en": "No addict", "levels": ["village", "commune"], "recognition": True},
]


def _villages(p14: list, score: list, risk: list, people: list) -> gpd.GeoDataFrame:
    frame = gpd.GeoDataFrame({
        "code": ["T01", "T02", "T03"], "name": ["Thôn 1", "Thôn 2", "Thôn 3"],
        "households": [100, 120, 90], "population": [500, 400, 1000],
        "people": people, "P14_status": p14, "N1_status": ["met", "not_met", "met"],
        "score": score, "risk_level": risk,
    }, geometry=[box(105.50, 20.10, 105.51, 20.11), box(105.51, 20.10, 105.52, 20.11),
                 box(105.52, 20.10, 105.53, 20.11)], crs="EPSG:4326")
    return frame.set_index(pd.Index(frame["code"], name="village"))


OCTOBER = _villages(["met", "not_met", "no_data"], [1.0, 0.5, float("nan")],
                    ["III", "none", "I"], [0, 1, 12])
NOVEMBER = _villages(["no_data", "met", "not_applicable"], [0.8, 0.5, 0.3],
                     ["none", "II", "III"], [3, 0, 4])


def _fills(fmap) -> dict[str, str]:
    """Village code -> fill colour, as written into the rendered page."""
    html = fmap.get_root().render()
    return dict(re.findall(r'"code": "(T\d\d)"[^}]*?"fill": "(#[0-9a-f]{6})"', html))


def _layer_map(villages, previous, key: str):
    layers = maplayers.thematic_layers(villages, INDICATORS, previous, TITLES)
    layer = next(t for t in layers if t.key == key)
    legend = legends.LEGENDS[layer.legend]
    fills = {c: legend.category(k).colour for c, k in layer.categories.items()}
    outline = villages.union_all()
    return village_map(villages, outline, TEXTS, tiles=None, fills=fills)


def test_the_same_status_has_the_same_colour_in_two_months():
    october = _fills(_layer_map(OCTOBER, None, "P14"))
    november = _fills(_layer_map(NOVEMBER, OCTOBER, "P14"))
    # T01 met in October, T02 met in November: both the same green, hand-written here
    assert october["T01"] == november["T02"] == "#4dac26"
    assert october["T02"] == "#b2182b"  # not met
    assert october["T03"] == november["T01"] == "#bdbdbd"  # no data (hatched on screen)
    assert november["T03"] == "#ffffff"  # not applicable


def test_every_thematic_layer_is_built_with_the_right_categories():
    layers = maplayers.thematic_layers(NOVEMBER, INDICATORS, OCTOBER, TITLES)
    assert [t.key for t in layers] == ["score", "change", "P14", "N1", "risk", "per_thousand"]
    by_key = {t.key: t for t in layers}
    assert by_key["P14"].title == "P14 – Người nghiện ma túy được xét nghiệm chất ma túy " \
        "định kỳ hàng…"
    assert by_key["P14"].full_title.endswith("định kỳ hàng tháng")
    assert by_key["N1"].group == "national" and by_key["N1"].title == "N1 – Không có người " \
        "nghiện"
    assert by_key["score"].categories == {"T01": "most", "T02": "half", "T03": "low"}
    # 1.0 → 0.8 worse, 0.5 → 0.5 same, nothing → 0.3 cannot compare
    assert by_key["change"].categories == {"T01": "worse", "T02": "same", "T03": "none"}
    assert by_key["risk"].categories == {"T01": "none", "T02": "II", "T03": "III"}
    # 3/500 = 6 ‰, 0, 4/1000 = 4 ‰
    assert by_key["per_thousand"].categories == {"T01": "5-10", "T02": "zero", "T03": "2-5"}
    english = maplayers.thematic_layers(NOVEMBER, INDICATORS, None, TITLES, lang="en")
    assert english[2].title == "P14 – Addicts tested every month"


def test_small_counts_are_not_given_back_by_the_rate():
    villages = OCTOBER.assign(people=[2, 1, 3])
    layer = maplayers.thematic_layers(villages, INDICATORS, None, TITLES, mask_up_to=2)[-1]
    assert layer.categories == {"T01": "few", "T02": "few", "T03": "2-5"}


def test_before_decision_28_the_risk_layer_says_not_assessed():
    villages = OCTOBER.assign(risk_level=None)
    layer = next(t for t in maplayers.thematic_layers(villages, INDICATORS, None, TITLES)
                 if t.key == "risk")
    assert set(layer.categories.values()) == {"not_in_force"}


def test_legends_are_fixed_data_with_distinct_colours():
    for legend in (*legends.LEGENDS.values(), *legends.POINT_LEGENDS.values()):
        keys = legend.keys()
        assert len(set(keys)) == len(keys)
        looks = {(c.colour, c.hatch) for c in legend.categories}
        assert len(looks) == len(keys), legend.key  # no two categories look the same
    no_data, not_met = legends.STATUS.category("no_data"), legends.STATUS.category("not_met")
    assert no_data.hatch and not not_met.hatch and no_data.colour != not_met.colour


TIPS = pd.DataFrame({"code": ["NT-1", "NT-2", "NT-3"], "lat": [20.105, 20.106, 20.107],
                     "lon": [105.505, 105.515, 105.525],
                     "received": [dt.date(2025, 10, 3), dt.date(2025, 2, 1),
                                  dt.date(2024, 1, 1)]})
BOXES = pd.DataFrame({"code": ["HT-01", "HT-02", "HT-03"], "status": ["working", "broken",
                                                                        "removed"],
                      "lat": [20.105, 20.105, 20.105], "lon": [105.505, 105.515, 105.525]})
VENUES = pd.DataFrame({"code": ["CS-01", "CS-02", "CS-03"], "kind": ["karaoke", "hotel", "bar"],
                       "active": [True, True, False], "lat": [20.104, 20.105, 20.106],
                       "lon": [105.505, 105.515, 105.525]})


def _point_map(with_heat: bool) -> str:
    statuses = maplayers.venue_status(pd.Series([{"overdue": ["CS-02"], "drug_findings": []}]))
    overlays = [maplayers.tip_box_layer(BOXES, 500, "Boxes", {"working": "working"}),
                maplayers.venue_layer(VENUES, statuses, "Venues", {"letter:karaoke": "K"})]
    if with_heat:
        overlays.append(maplayers.tip_heat_layer(TIPS, dt.date(2025, 10, 31), "Tips"))
    fmap = village_map(OCTOBER, OCTOBER.union_all(), TEXTS, tiles=None, overlays=overlays)
    return fmap.get_root().render()


def test_the_heat_layer_is_only_built_when_asked():
    without, with_heat = _point_map(False), _point_map(True)
    assert "heatLayer" not in without and "leaflet-heat" not in without
    assert with_heat.count("L.heatLayer(") == 1
    assert '"/vendor/leaflet.heat/leaflet-heat.js"' in with_heat
    data = json.loads(re.search(r"L\.heatLayer\(\s*(\[.*?\]\]),", with_heat, re.S).group(1))
    assert data == [[20.105, 105.505], [20.106, 105.515]]  # the 2024 tip is too old


def test_points_are_places_never_people_and_load_from_the_app():
    html = _point_map(True)
    assert html.count("L.circle(") == 2  # coverage of the working and the broken box
    assert '"radius": 500' in html
    assert html.count("xkmt-venue venue-") == 2  # the closed bar is left out
    assert "venue-overdue" in html and "venue-in_time" in html
    assert "/vendor/leaflet.markercluster/leaflet.markercluster.js" in html
    assert not re.search(r'(src|href)="https?://', html)
    public = {n for n in dir(maplayers) if n.endswith("_layer")}
    assert public == {"tip_box_layer", "tip_heat_layer", "venue_layer", "school_layer"}
