"""The map page and the villages GeoJSON."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import unicodedata
from urllib.parse import urlparse

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from app import mapview
from app.frame import caching, loading
from app.i18n import gettext_for
from app.main import create_app
from geo import legends, maplayers
from tests.conftest import client_as, make_user, map_data, shared_app, sign_in
from tests.payloads import MONTH as PAYLOAD_MONTH
from tests.payloads import load_payload_commune


def test_villages_geojson(demo_shared):
    client = demo_shared.client("police")
    response = client.get("/api/communes/15178/villages.geojson")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/geo+json"
    data = response.json()
    assert data["type"] == "FeatureCollection"
    assert len(data["features"]) == 10
    first = data["features"][0]
    assert first["properties"]["name"] == "Thôn 1"
    assert set(first["properties"]) >= {"code", "name", "households", "population"}
    assert first["geometry"]["type"] in ("Polygon", "MultiPolygon")
    lon, lat = first["geometry"]["coordinates"][0][0]
    assert 105.5 < lon < 105.6 and 20.1 < lat < 20.2
    population = {f["properties"]["code"]: f["properties"]["population"]
                  for f in data["features"]}
    assert population["T10"] is None  # blank in the demo file, on purpose
    assert sum(p for p in population.values() if p is not None) == 5991 - 614
    assert "Thôn 1" in response.text  # UTF-8, not \u escapes


def test_unknown_commune_is_404_in_the_users_language(demo_shared):
    client = demo_shared.own_client()  # asks in English: its own language cookie
    response = client.get("/api/communes/99999/villages.geojson")
    assert response.status_code == 404
    assert response.json() == {"detail": "Không có xã nào mang mã 99999."}
    page = client.get("/communes/99999/map?lang=en")
    assert page.status_code == 404
    assert "No commune has the code 99999." in page.text


def test_home_redirects_to_the_default_commune(demo_shared):
    client = demo_shared.client("police")
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 307
    assert response.headers["location"] == "/communes/15178/map"


def _js(text: str) -> str:
    """Text as folium writes it into the page's script (JSON string escapes)."""
    return json.dumps(text)[1:-1]


def _page(client, url="/communes/15178/map"):
    response = client.get(url)
    assert response.status_code == 200
    return response, BeautifulSoup(response.text, "html.parser")


def test_map_page_loads_nothing_from_another_host(demo_shared):
    client = demo_shared.client("police")
    _, soup = _page(client)
    refs = [t.get("src") for t in soup.find_all("script") if t.get("src")]
    refs += [t.get("href") for t in soup.find_all("link") if t.get("href")]
    assert "/vendor/leaflet/leaflet.js" in refs
    assert all(not urlparse(r).netloc for r in refs), refs
    for ref in refs:
        assert client.get(ref).status_code == 200, ref


def test_map_page_in_vietnamese_with_villages_and_the_synthetic_notice(demo_shared):
    client = demo_shared.client("police")
    response, soup = _page(client)
    assert soup.html["lang"] == "vi"
    assert "Xã Cẩm Tân" in soup.title.text
    assert "Dữ liệu giả lập" in soup.select_one(".badge-synthetic").text
    script = [t.text for t in soup.find_all("script")  # folium's, inline
              if not t.get("src") and t.get("type") != "application/json"][-1]
    notice = "Thôn giả lập: ranh giới và số liệu các thôn là dữ liệu giả lập"
    assert _js(notice) in script and _js("Ranh giới xã") in script
    drawn = _config(soup, client)["drawn"]  # what the script draws: villages, names, points
    assert [p["text"] for p in drawn["labels"]["points"]] == [f"Thôn {i}" for i in
                                                             range(1, 11)]
    village = drawn["villages"]["features"]["features"][0]["properties"]
    assert village["tooltip"] == [["Thôn", "Thôn 1"], ["Số hộ", "210"],
                                  ["Số nhân khẩu", "797"]]
    assert response.text == unicodedata.normalize("NFC", response.text)


def test_language_switch_sets_a_cookie(demo_shared):
    client = demo_shared.own_client()  # the cookie it sets is its own
    response, soup = _page(client, "/communes/15178/map?lang=en")
    assert soup.html["lang"] == "en"
    assert "Synthetic data" in soup.select_one(".badge-synthetic").text
    assert response.cookies.get("xkmt_lang") == "en"
    _, again = _page(client)  # the cookie keeps English
    assert again.html["lang"] == "en"


def test_tiles_are_a_setting(demo, settings):
    plain = client_as(settings, demo, "viewer", "v1", tiles="none")
    assert "tile.openstreetmap.org" not in plain.get("/communes/15178/map").text
    osm = client_as(settings, demo, "viewer", "v2", tiles="OpenStreetMap")
    assert "tile.openstreetmap.org" in osm.get("/communes/15178/map").text


# --- the risk map: months, layers, legends, roles ----------------------------------------

@pytest.fixture
def full_demo(full):
    return full


def _config(soup, client) -> dict:
    return map_data(client, soup)


def test_a_bad_month_is_refused_with_a_clear_message(demo_shared):
    client = demo_shared.client("police")
    for bad in ("2025-13", "10/2025", "2025-1"):
        response = client.get(f"/communes/15178/map?month={bad}")
        assert response.status_code == 400
        assert f"“{bad}” không phải là một tháng" in response.text
        assert "ví dụ 2025-10" in response.text


def test_default_month_is_the_latest_with_data_and_layers_follow_the_url(full_shared):
    police = full_shared.client("police")
    _, soup = _page(police)
    assert soup.select_one("#month-select option[selected]")["value"] == "2025-12"
    assert _config(soup, police)["month"] == "2025-12"
    assert soup.select_one('a.month-step[rel=prev]')["href"] == "?month=2025-11&layer=score"
    _, soup = _page(police, "/communes/15178/map?month=2025-10&layer=P14")
    config = _config(soup, police)
    assert config["layer"] == "P14"
    assert soup.select_one(".layer-list input[checked]")["value"] == "P14"
    assert not soup.select_one('.legend-block[data-legend="status"]').has_attr("hidden")
    assert soup.select_one('.legend-block[data-legend="score"]').has_attr("hidden")
    assert soup.select_one('a.month-step[rel=next]')["href"] == "?month=2025-11&layer=P14"
    # the panel's data: T01's P14 in 10/2025 (one addict, tested) and last month's status
    t01 = config["villages"]["T01"]
    assert t01["indicators"]["P14"]["value"] == 100.0
    assert t01["indicators"]["P14"]["status"] == "met" and t01["previous"]["P14"] == "met"
    _, soup = _page(police, "/communes/15178/map?month=2025-10&layer=nonsense")
    assert _config(soup, police)["layer"] == "score"


def test_national_criteria_and_risk_only_from_decision_28(full_shared):
    leader = full_shared.client("leader")
    # in force from its signature, 24/08/2025: judged at the end of August
    _, before = _page(leader, "/communes/15178/map?month=2025-07")
    _, after = _page(leader, "/communes/15178/map?month=2025-08")
    keys = [layer["key"] for layer in _config(before, leader)["layers"]]
    assert "N1" not in keys and "risk" in keys
    categories = _config(before, leader)["villages"]["T01"]["categories"]
    assert set(categories.values()) >= {"not_in_force"}
    assert {"N1", "N2", "N3"} <= {layer["key"] for layer in _config(after, leader)["layers"]}


def test_heat_layer_and_person_codes_only_for_the_police(full_shared):
    police = full_shared.client("police")
    response, soup = _page(police, "/communes/15178/map?month=2025-10")
    assert "L.heatLayer(" in response.text
    codes = _config(soup, police)["person_codes"]
    assert codes and all(re.fullmatch(r"CT-\d{3}", c) for c in codes)
    for role in ("leader", "viewer"):
        other = full_shared.client(role)
        response, soup = _page(other, "/communes/15178/map?month=2025-10")
        assert "heatLayer" not in response.text and "leaflet-heat" not in response.text
        assert not re.search(r"CT-\d{3}", response.text), role
        config = _config(soup, other)
        assert config["person_codes"] == [] and not config["person_links"]


def test_every_script_and_style_is_served_by_the_app(full_shared):
    police = full_shared.client("police")
    _, soup = _page(police, "/communes/15178/map?month=2025-10")
    refs = [t.get("src") for t in soup.find_all("script") if t.get("src")]
    refs += [t.get("href") for t in soup.find_all("link") if t.get("href")]
    assert "/vendor/leaflet.markercluster/leaflet.markercluster.js" in refs
    assert "/vendor/leaflet.heat/leaflet-heat.js" in refs and "/static/map.js" in refs
    assert all(not urlparse(r).netloc for r in refs), refs
    for ref in refs:
        assert police.get(ref).status_code == 200, ref
    assert not re.search(r"https?://(?!127\.0\.0\.1)[\w.-]+/[\w./-]+\.(js|css)", str(soup))


# Categories the demo data never produce (kept: real data can): reported to the lead.
def test_the_demo_shows_every_colour_of_every_legend(full_shared):
    # the frames through the shared app's cache: those the pages above asked for are
    # computed once (the same ``village_frame`` of the same tables)
    with full_shared.app.state.sessions() as session:
        tables = loading.load_tables(session, "15178")
        months = loading.record_months(session, "15178", dt.date(2026, 11, 29))
        assert loading.record_months(session, "15178", dt.date(2025, 3, 1))[-1] == "2025-03"
        assert loading.record_months(session, "99999", dt.date(2026, 11, 29)) == []
        # 10/2024 (broadcasts before the plan): no indicator applies, venues not assessed
        assert (months[0], months[-1], len(months)) == ("2024-10", "2025-12", 15)
        seen: set[tuple[str, str]] = set()
        previous = caching.frame(session, "15178",
                                 loading.previous_month(months[0])).result
        # and 01/2026, a month after the last record (asked by its address): no data
        for month in [*months, mapview.next_month(months[-1])]:
            result = caching.frame(session, "15178", month).result
            for mask in (0, 2):  # police and leader; viewer
                for layer in mapview.layers(result, previous, str, "vi", mask):
                    seen |= {(layer.legend, c) for c in layer.categories.values()}
            statuses = maplayers.venue_status(result.villages.get("P12_evidence"))
            seen |= {("venues", s) for s in statuses.values()}
            if "P12_evidence" not in result.villages:
                seen.add(("venues", "not_judged"))
            elif set(tables["venues"]["code"]) - set(statuses):
                seen.add(("venues", "in_time"))
            previous = result
    seen |= {("tip_boxes", s) for s in tables["tip_boxes"]["status"]}
    every = {(leg.key, c.key) for leg in (*legends.LEGENDS.values(),
                                          *legends.POINT_LEGENDS.values())
             for c in leg.categories}
    assert every - seen == set()


def test_every_legend_label_has_a_vietnamese_translation():
    vi = gettext_for("vi")
    for leg in (*legends.LEGENDS.values(), *legends.POINT_LEGENDS.values()):
        for text in (leg.title, *(c.label for c in leg.categories),
                     *(m.label for m in leg.marks)):
            assert vi(text) != text, text
    assert vi("Not assessed (before Decision 28/2025)") == "Chưa đánh giá (trước QĐ 28/2025)"


def test_the_drawn_map_is_reused_but_never_across_roles_nonces_or_changed_records(
        full_demo, settings):
    app = create_app(settings)  # one app, one cache, several people
    for role in ("police", "leader"):
        make_user(full_demo, f"{role}-c", role)
    police = sign_in(TestClient(app), "police-c")
    leader = sign_in(TestClient(app), "leader-c")
    url = "/communes/15178/map?month=2025-10"
    with app.state.sessions() as session:
        answers = caching.caches(session).answers
    drawn = lambda: [k for k in answers.keys() if k[0] == "drawn"]  # noqa: E731
    first, second = (_page(police, url)[1] for _ in range(2))
    _page(police, url + "&layer=P14")  # another layer: the same drawing, coloured in the page
    assert len(drawn()) == 1  # drawn once
    assert str(first.select_one(".map-wrap")) == str(second.select_one(".map-wrap"))
    nonces = [soup.select_one("script[nonce]:not([src])")["nonce"] for soup in (first,
                                                                                 second)]
    assert nonces[0] != nonces[1]  # each response its own nonce, on the cached head too
    assert all(f'nonce="{n}"' in str(s.head) for n, s in zip(nonces, (first, second),
                                                              strict=True))
    tokens = {soup.select_one("input[name=csrftoken]")["value"] for soup in (first, second)}
    assert tokens == {police.csrf}  # the session's own token, in the cached page too
    response, soup = _page(leader, url)  # after the police: not the police's map
    assert "heatLayer" not in response.text and len(drawn()) == 2
    assert soup.select_one("input[name=csrftoken]")["value"] == leader.csrf != police.csrf
    assert "leader-c" in soup.select_one(".who").text and "police-c" not in response.text
    def venues(soup) -> list[str]:
        layers = _config(soup, police)["drawn"]["points"]
        return [p["tooltip"] for layer in layers for p in layer["points"] if "icon" in p]

    assert not any(v.startswith("V-NEW ·") for v in venues(first))
    saved = police.post("/communes/15178/records/venues/new", data={
        "code": "V-NEW", "name": "Karaoke Thử Nghiệm", "kind": "karaoke", "active": "on",
        "lat": "20.125", "lon": "105.535"}, follow_redirects=False)
    assert saved.status_code == 303
    again = BeautifulSoup(police.get(url).text, "html.parser")
    assert any(v.startswith("V-NEW · ") for v in venues(again))  # drawn anew


# --- hostile names (issue 9, point 1) ---------------------------------------------------

@pytest.fixture(scope="module")
def payload_shared(tmp_path_factory, demo_database):
    """The commune of hostile names (tests/payloads.py) loaded once into a copy of the
    demo database, served by one app to the roles that only read it; with what was
    placed."""
    made = shared_app(tmp_path_factory, demo_database)
    shared = next(made)
    placed = load_payload_commune(shared.sessions, shared.settings,
                                  tmp_path_factory.mktemp("payload"))
    yield shared, placed
    next(made, None)  # signs the clients out, closes the database


@pytest.mark.parametrize("role", ["police", "leader", "viewer"])
def test_no_text_of_the_data_is_written_into_any_script_only_into_json_data(
        payload_shared, role):
    shared, placed = payload_shared
    client = shared.client(role)
    response, soup = _page(client, f"/communes/15178/map?month={PAYLOAD_MONTH}")
    scripts = [t.text for t in soup.find_all("script") if t.get("type") != "application/json"]
    assert any("L.map(" in script for script in scripts)
    for script in scripts:
        assert "alert(" not in script
        for text in placed.texts:  # not as typed, nor escaped for JavaScript or HTML
            assert all(form not in script for form in (text, _js(text), html.escape(text)))
    assert "<img src=x" not in response.text and "<script>alert" not in response.text
    drawn = _config(soup, client)["drawn"]  # the texts are data, as typed, for map.js
    assert [p["text"] for p in drawn["labels"]["points"]] == list(placed.villages.values())
    features = drawn["villages"]["features"]["features"]
    assert {f["properties"]["code"]: f["properties"]["tooltip"][0][1] for f in features} \
        == placed.villages
    tooltips = {p["tooltip"].split(" · ")[0] for layer in drawn["points"]
                for p in layer["points"]}
    assert {point[0] for kind in ("venues", "tip_boxes") for point in placed.points[kind]} \
        | {point[1] for point in placed.points["schools"]} <= tooltips
