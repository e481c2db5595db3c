"""The risk map's layers and legends (geo.webmap, geo.maplayers, geo.legends)."""

from __future__ import annotations

import datetime as dt
import json
import re

import geopandas as gpd
import pandas as pd
from bs4 import BeautifulSoup
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


def _fills(drawn) -> dict[str, str]:
    """Village code -> fill colour, as given to the page's script."""
    features = json.loads(json.dumps(drawn.data))["villages"]["features"]["features"]
    return {f["properties"]["code"]: f["properties"]["fill"] for f in features}


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


def _point_map(with_heat: bool, villages=OCTOBER, boxes=BOXES, venues=VENUES,
               schools=None):
    statuses = maplayers.venue_status(pd.Series([{"overdue": ["CS-02"], "drug_findings": []}]))
    overlays = [maplayers.tip_box_layer(boxes, 500, "Boxes", {"working": "working"}),
                maplayers.venue_layer(venues, statuses, "Venues", {"letter:karaoke": "K"})]
    if schools is not None:
        overlays.append(maplayers.school_layer(schools, "Schools", {"primary": "primary"}))
    if with_heat:
        overlays.append(maplayers.tip_heat_layer(TIPS, dt.date(2025, 10, 31), "Tips"))
    drawn = village_map(villages, villages.union_all(), TEXTS, tiles=None, overlays=overlays)
    return drawn.figure.get_root().render(), json.loads(json.dumps(drawn.data))


def test_the_heat_layer_is_only_built_when_asked():
    (without, _), (with_heat, _) = _point_map(False), _point_map(True)
    assert "heatLayer" not in without and "leaflet-heat" not in without
    assert with_heat.count("L.heatLayer(") == 1
    assert '"/vendor/leaflet.heat/leaflet-heat.js"' in with_heat
    data = json.loads(re.search(r"L\.heatLayer\(\s*(\[.*?\]\]),", with_heat, re.S).group(1))
    assert data == [[20.105, 105.505], [20.106, 105.515]]  # the 2024 tip is too old


def test_points_are_places_never_people_and_load_from_the_app():
    html, data = _point_map(True)
    boxes, venues = data["points"]  # the heat layer is folium's: coordinates only
    # coverage of the working and the broken box; the removed one is left out
    assert [p["circle"]["radius"] for p in boxes["points"]] == [500, 500]
    assert [p["tooltip"] for p in boxes["points"]] == ["HT-01 · working", "HT-02 · broken"]
    assert [p["icon"]["className"] for p in venues["points"]] == [  # the closed bar: out
        "xkmt-venue venue-in_time", "xkmt-venue venue-overdue"]
    assert venues["cluster"] and f"var {venues['cluster']} = L.markerClusterGroup(" in html
    assert all(f"var {layer['group']} = L.featureGroup(" in html
               for layer in (boxes, venues, data["villages"], data["labels"]))
    assert "/vendor/leaflet.markercluster/leaflet.markercluster.js" in html
    assert not re.search(r'(src|href)="https?://', html)
    public = {n for n in dir(maplayers) if n.endswith("_layer")}
    assert public == {"tip_box_layer", "tip_heat_layer", "venue_layer", "school_layer"}


# Each ends a template literal, a string or a script, or is HTML with a handler.
PAYLOADS = ("`-alert(11)-`", "${alert(12)}", "</script><script>alert(13)</script>",
            "\"'><img src=x onerror=alert(14)>", "\\`${alert(15)}\\")


def _executable(html: str) -> list[str]:
    return [t.text for t in BeautifulSoup(html, "html.parser").find_all("script")
            if t.get("type") != "application/json"]


def test_no_text_of_the_data_is_written_into_the_script():
    villages = OCTOBER.assign(code=[f"T0{i}{p}" for i, p in enumerate(PAYLOADS[:3])],
                              name=[f"Thôn {p}" for p in PAYLOADS[2:]])
    boxes = BOXES.assign(code=[f"HT{p}" for p in PAYLOADS[:3]])
    venues = VENUES.assign(code=[f"CS{p}" for p in PAYLOADS[2:]])
    schools = VENUES.assign(code=["TH-1", "TH-2", "TH-3"], level="primary",
                            name=[f"Trường {p}" for p in PAYLOADS[1:4]])
    html, data = _point_map(True, villages, boxes, venues, schools)
    scripts = _executable(html)
    assert len(scripts) >= 2 and "L.map(" in "".join(scripts)
    for script in scripts:
        assert "alert(" not in script and "Thôn" not in script and "T00" not in script
    # the data carry every text as it was typed, for the page's script to set as text
    features = data["villages"]["features"]["features"]
    assert [f["properties"]["code"] for f in features] == list(villages["code"])
    assert [f["properties"]["tooltip"] for f in features] == [
        [["Village", name]] for name in villages["name"]]
    assert [p["text"] for p in data["labels"]["points"]] == list(villages["name"])
    boxes_data, venues_data, schools_data = data["points"]
    assert [p["tooltip"] for p in boxes_data["points"]] == [
        f"HT{PAYLOADS[0]} · working", f"HT{PAYLOADS[1]} · broken"]
    assert [p["tooltip"].split(" · ")[0] for p in venues_data["points"]] == [
        f"CS{PAYLOADS[2]}", f"CS{PAYLOADS[3]}"]
    assert [p["tooltip"] for p in schools_data["points"]] == [
        f"Trường {p} · primary" for p in PAYLOADS[1:4]]


def test_the_score_layer_marks_scores_counting_indicators_without_data():
    # T01 7 of 14 met, 1 of them without data: its score counts it as not met, and says
    # so with a dashed outline; T02 judged in full: no mark; T03 nothing could be judged:
    # "no data", hatched grey like a status without data, not red "under 50%".
    villages = NOVEMBER.assign(score=[0.5, 1.0, float("nan")], score_evidence=[
        {"met": 7, "not_met": 6, "no_data": 1, "not_applicable": 5},
        {"met": 14, "not_met": 0, "no_data": 0, "not_applicable": 5},
        {"met": 0, "not_met": 0, "no_data": 14, "not_applicable": 5}])
    score = maplayers.thematic_layers(villages, INDICATORS, None, TITLES)[0]
    assert score.categories == {"T01": "half", "T02": "all", "T03": "no_data"}
    assert score.marks == {"T01": "incomplete"}
    mark = legends.SCORE.marks[0]
    assert (mark.key, mark.dash) == ("incomplete", "6 4")
    no_data = legends.SCORE.category("no_data")
    assert (no_data.colour, no_data.hatch) == (legends.STATUS.category("no_data").colour, True)
