"""The meeting pack opened as on the meeting-room computer: a file from a USB stick
(``file://``), no server, no internet (every request but the file itself is aborted)."""

from __future__ import annotations

import pytest

from app.cli.main import main
from tests.browser.conftest import block_outside, keep_screenshot, sign_in_page

CODE = "15178"


@pytest.fixture
def pack_file(full, settings, tmp_path, monkeypatch):
    """The leader's pack of 10/2025 written by ``xkmt pack``, with OpenStreetMap as the
    app's tiles (the pack draws no base map whatever the setting)."""
    monkeypatch.setenv("XKMT_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("XKMT_TILES", "OpenStreetMap")
    (tmp_path / "usb").mkdir()
    out = tmp_path / "usb" / "hop_giao_ban.html"
    assert main(["pack", "--commune", CODE, "--month", "2025-10", "-o", str(out)]) == 0
    return out


def _offline(page) -> tuple[list[str], list[str]]:
    """Abort every request that is not the file itself or inline data; collect them and
    every console error or uncaught exception."""
    requests: list[str] = []
    errors: list[str] = []

    def handle(route):
        url = route.request.url
        if url.startswith(("file://", "data:")):
            route.continue_()
        else:
            requests.append(url)
            route.abort()

    page.route("**/*", handle)
    page.on("requestfailed", lambda r: requests.append(f"failed: {r.url}"))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return requests, errors


def test_the_pack_opens_from_a_file_with_no_network(page, pack_file):
    requests, errors = _offline(page)
    page.goto(pack_file.as_uri())
    villages = page.locator(".leaflet-overlay-pane path.leaflet-interactive")
    villages.first.wait_for()
    assert villages.count() >= 10  # every village (the commune outline is not clickable)
    assert page.locator(".leaflet-tile").count() == 0  # no base map
    legend = page.locator(".map-legend .legend-block:not([hidden])")
    assert legend.count() == 1 and legend.locator("li").count() >= 4
    assert "Tỷ lệ chỉ tiêu đạt" in page.locator("#legend-layer-title").inner_text()
    assert "Gói họp giao ban" in page.locator(".pack-note").inner_text()
    assert "TÀI LIỆU LƯU HÀNH NỘI BỘ" in page.locator(".pack-note").inner_text()
    # a click on a village opens its panel, from the data in the file
    page.locator(".xkmt-label", has_text="Thôn 6").wait_for()
    box = page.locator(".xkmt-label", has_text="Thôn 6").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] + 12)
    panel = page.locator("#village-panel")
    panel.wait_for(state="visible")
    assert panel.locator("h2.village-name").inner_text() == "Thôn 6"
    assert panel.locator("section.indicator").count() > 5
    assert "10/2025" in panel.locator(".panel-month").inner_text()
    keep_screenshot(page, "pack_leader_panel.png")
    # another layer: the villages recoloured, its legend shown, still nothing loaded
    before = villages.first.get_attribute("fill")
    page.locator("input[type=radio][name=layer][value=risk]").check()
    assert "Mức độ nguy cơ" in page.locator("#legend-layer-title").inner_text()
    page.locator("#village-select").select_option("T10")
    assert panel.locator("h2.village-name").inner_text() == "Thôn 10"
    fills = {villages.nth(i).get_attribute("fill") for i in range(villages.count())}
    assert fills != {before}
    keep_screenshot(page, "pack_leader_risk.png")
    assert requests == [] and errors == []


@pytest.fixture
def full_live(full, live_server):  # its own server: downloading a pack is recorded
    return live_server


def test_a_leader_downloads_the_pack_of_the_layer_on_screen_and_opens_it(
        full_live, browser, tmp_path):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="vi-VN",
                                  accept_downloads=True)
    page = context.new_page()
    block_outside(page)  # the live page's base map tiles
    sign_in_page(page, full_live, "leader", then=f"/communes/{CODE}/map?month=2025-10")
    # the layer switched in the page, by its script
    page.locator("input[type=radio][name=layer][value=per_thousand]").check()
    with page.expect_download() as download:
        page.get_by_role("button", name="Tải gói họp").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == f"xkmt_{CODE}_2025-10_per_thousand_leader.html"
    offline = context.new_page()
    requests, errors = _offline(offline)
    offline.goto(saved.as_uri())
    offline.locator(".leaflet-overlay-pane path.leaflet-interactive").first.wait_for()
    assert offline.locator("input[type=radio][name=layer][value=per_thousand]").is_checked()
    assert "1.000" in offline.locator("#legend-layer-title").inner_text()
    assert "leader" in offline.locator(".pack-note").inner_text()  # who made it
    assert requests == [] and errors == []
    context.close()
