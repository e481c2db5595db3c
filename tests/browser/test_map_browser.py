"""The map in a real browser, with every request to another host blocked."""

from __future__ import annotations

import os
from urllib.parse import urlparse

import pytest
from sqlalchemy import func, select

from app.models import Venue
from tests.browser.conftest import block_outside, enter, keep_screenshot, submit

pytestmark = pytest.mark.browser

# The venues the map shows: single venue markers, and clusters with their count.
VENUES_SHOWN = """() => {
  const pane = document.querySelector(".leaflet-marker-pane");
  const clusters = [...pane.querySelectorAll(".marker-cluster")];
  return pane.querySelectorAll(".xkmt-venue-icon").length
    + clusters.reduce((sum, c) => sum + Number(c.textContent), 0);
}"""


@pytest.mark.parametrize("full_server", ["none", "OpenStreetMap"], indirect=True)
def test_venues_draw_with_and_without_base_tiles(full_server, page):
    """XKMT_TILES=none (the offline mode) too: the venue cluster needs the map's maxZoom,
    which only a tile layer used to bring (issue 10, point 8)."""
    with full_server.sessions() as session:
        venues = session.scalar(select(func.count(Venue.id)).where(
            Venue.active, Venue.lat.is_not(None), Venue.lon.is_not(None)))
    assert venues > 0
    blocked = block_outside(page)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    enter(page, full_server, "leader", "/communes/15178/map")
    page.locator(".leaflet-control-layers-overlays label", has_text="Cơ sở kinh doanh") \
        .locator("input").check()
    page.locator(".leaflet-marker-pane .xkmt-venue-icon, .leaflet-marker-pane "
                 ".marker-cluster").first.wait_for(timeout=5000)
    assert page.evaluate(VENUES_SHOWN) == venues
    assert errors == [], errors
    allowed = set() if full_server.tiles == "none" else {"tile.openstreetmap.org"}
    assert {urlparse(u).hostname for u in blocked} <= allowed, blocked


# The tests below only read: they share the OpenStreetMap server of the test above.
@pytest.mark.parametrize("full_server", ["OpenStreetMap"], indirect=True)
def test_map_draws_villages_and_labels_with_the_internet_blocked(full_server, page):
    blocked = block_outside(page)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # a Content-Security-Policy refusal shows as a console error: there must be none
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" and (
        "Content Security Policy" in msg.text) else None)

    enter(page, full_server, "leader", "/communes/15178/map")

    polygons = page.locator(".leaflet-overlay-pane path.leaflet-interactive")
    polygons.first.wait_for()
    assert polygons.count() == 10  # the outline is drawn too, but not interactive
    assert page.locator(".leaflet-overlay-pane path").count() == 11
    labels = page.locator(".xkmt-label")
    assert sorted(labels.all_inner_texts()) == sorted(f"Thôn {i}" for i in range(1, 11))
    viewport = page.viewport_size
    for box in (labels.nth(i).bounding_box() for i in range(labels.count())):
        assert 0 <= box["x"] and box["x"] + box["width"] <= viewport["width"]
        assert 48 <= box["y"] and box["y"] + box["height"] <= viewport["height"]
    assert page.locator(".leaflet-control-layers").is_visible()
    assert "giả lập" in page.locator(".xkmt-notice").inner_text()
    assert errors == []
    # Only base tiles were asked of another host; Leaflet and styles came from the app.
    assert blocked and all(urlparse(u).hostname == "tile.openstreetmap.org" for u in blocked)
    if os.environ.get("XKMT_SCREENSHOT"):  # a picture of the map where that says
        page.screenshot(path=os.environ["XKMT_SCREENSHOT"])
    keep_screenshot(page, "map.png")


@pytest.mark.parametrize("full_server", ["OpenStreetMap"], indirect=True)
def test_hovering_a_village_shows_its_figures(full_server, page):
    block_outside(page)
    enter(page, full_server, "leader", "/communes/15178/map")
    label = page.locator(".xkmt-label", has_text="Thôn 6")
    box = label.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] + 12)
    tooltip = page.locator(".leaflet-tooltip")
    tooltip.wait_for()
    text = tooltip.inner_text()
    assert "Thôn 6" in text and "Số hộ" in text and "Số nhân khẩu" in text


@pytest.mark.parametrize("full_server", ["OpenStreetMap"], indirect=True)
def test_english_switch(full_server, page):
    """The switch sets a cookie of this page's own browser context, not the shared one."""
    block_outside(page)
    enter(page, full_server, "leader", "/communes/15178/map")
    submit(page, page.get_by_role("link", name="English"))
    assert "Synthetic data" in page.locator(".badge-synthetic").inner_text()
    assert page.locator(".leaflet-control-layers").inner_text().count("Villages") == 1
