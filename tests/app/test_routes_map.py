"""The map page and the villages GeoJSON."""

from __future__ import annotations

import json
import re
import unicodedata
from urllib.parse import urlparse

from bs4 import BeautifulSoup

from tests.conftest import client_as


def test_villages_geojson(client):
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
    assert sum(f["properties"]["population"] for f in data["features"]) == 5991
    assert "Thôn 1" in response.text  # UTF-8, not \u escapes


def test_unknown_commune_is_404_in_the_users_language(client):
    response = client.get("/api/communes/99999/villages.geojson")
    assert response.status_code == 404
    assert response.json() == {"detail": "Không có xã nào mang mã 99999."}
    page = client.get("/communes/99999/map?lang=en")
    assert page.status_code == 404
    assert "No commune has the code 99999." in page.text


def test_home_redirects_to_the_default_commune(client):
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


def test_map_page_loads_nothing_from_another_host(client):
    _, soup = _page(client)
    refs = [t.get("src") for t in soup.find_all("script") if t.get("src")]
    refs += [t.get("href") for t in soup.find_all("link") if t.get("href")]
    assert "/vendor/leaflet/leaflet.js" in refs
    assert all(not urlparse(r).netloc for r in refs), refs
    for ref in refs:
        assert client.get(ref).status_code == 200, ref


def test_map_page_in_vietnamese_with_villages_and_the_synthetic_notice(client):
    response, soup = _page(client)
    assert soup.html["lang"] == "vi"
    assert "Xã Cẩm Tân" in soup.title.text
    assert "Dữ liệu giả lập" in soup.select_one(".badge-synthetic").text
    script = soup.find_all("script")[-1].text
    notice = "Thôn giả lập: ranh giới và số liệu các thôn là dữ liệu giả lập"
    assert _js(notice) in script
    assert len(re.findall(r'class=\\"xkmt-label\\"', script)) == 10
    assert _js("Số nhân khẩu") in script and _js("Ranh giới xã") in script
    assert response.text == unicodedata.normalize("NFC", response.text)


def test_language_switch_sets_a_cookie(client):
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
