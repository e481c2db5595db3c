"""The risk map in a real browser (internet blocked): month, layer, legend, village panel,
and what each role may see.

Screenshots go to ``$XKMT_SCREENSHOT_DIR`` when set (none else).
"""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from tests.browser.conftest import (
    block_outside,
    enter,
    keep_screenshot,
    open_page,
    sign_in_page,
    submit,
    wait_ready,
)

pytestmark = pytest.mark.browser
MAP = "/communes/15178/map"



@pytest.fixture
def full_demo(live_server, full):
    return live_server




def _watch_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # blocked tiles log "Failed to load resource"; anything else (CSP refusals) counts
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" and (
        "Failed to load resource" not in msg.text) else None)
    return errors


def _click_village(page, name: str) -> None:
    label = page.locator(".xkmt-label", has_text=name).first
    box = label.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] + 14)


def test_police_picks_a_month_and_a_layer_and_reads_a_village(full_server, page):
    blocked = block_outside(page)
    errors = _watch_errors(page)
    enter(page, full_server, "police", MAP)
    assert page.locator("#month-select").input_value() == "2025-12"  # latest with data
    with page.expect_navigation():
        page.select_option("#month-select", "2025-10")
    wait_ready(page)
    assert "month=2025-10" in page.url
    assert page.locator("#legend-layer-title").inner_text().startswith("Tỷ lệ")

    page.locator(".layer-list label", has_text="P14").click()
    assert page.locator("#legend-layer-title").inner_text().startswith("P14 – ")
    status_legend = page.locator('.legend-block[data-legend="status"]')
    assert status_legend.is_visible()
    assert page.locator('.legend-block[data-legend="score"]').is_hidden()
    assert "Chưa có số liệu" in status_legend.inner_text()
    assert "layer=P14" in page.url
    fills = page.locator(".leaflet-overlay-pane path.leaflet-interactive").evaluate_all(
        "ps => ps.map(p => p.getAttribute('fill'))")
    assert set(fills) <= {"#4dac26", "#b2182b", "url(#xkmt-hatch)", "#ffffff"}, fills

    _click_village(page, "Thôn 1")
    panel = page.locator("#village-panel")
    panel.wait_for(state="visible")
    assert panel.locator(".village-name").inner_text() == "Thôn 1"
    p14 = panel.locator('[data-indicator="P14"]')
    text = p14.inner_text()
    assert "P14 Người nghiện ma túy được xét nghiệm" in text
    # the demo's Thôn 1 has one addict in 10/2025, tested that month: 100 % of ≥ 100 %
    values = p14.locator(".fig-value").all_inner_texts()
    assert values == ["100 %", "≥ 100 %"], values
    assert p14.locator(".status").all_inner_texts() == ["✓ Đạt", "✓ Đạt"]
    assert "Giá trị" in text and "Mức cần đạt" in text and "Tháng trước" in text
    p14.locator("summary").click()
    rows = p14.locator("table.evidence tr").all_inner_texts()
    assert rows == ["Người nghiện\t1", "Đã xét nghiệm\t1", "Chưa xét nghiệm\t0"], rows
    link = p14.locator("a.records-link")
    assert link.get_attribute("href") == \
        "/communes/15178/records/drug_tests?village=T01&month=2025-10"
    keep_screenshot(page, "risk-map-police-panel.png")
    assert errors == [], errors
    assert all(urlparse(u).hostname == "tile.openstreetmap.org" for u in blocked)


def test_no_data_and_not_met_look_different(full_server, page):
    block_outside(page)
    enter(page, full_server, "leader", f"{MAP}?month=2025-10")
    _click_village(page, "Thôn 2")
    page.locator("#village-panel").wait_for(state="visible")
    styles = page.evaluate("""() => ['met', 'not_met', 'no_data'].map(k => {
        const s = document.createElement('span'); s.className = 'status status-' + k;
        document.body.appendChild(s); const c = getComputedStyle(s);
        const out = [c.backgroundColor, c.borderStyle, c.fontStyle].join(' ');
        s.remove(); return out; })""")
    assert len(set(styles)) == 3, styles


def test_leader_sees_no_person_code_and_no_heat_layer(full_server, page):
    block_outside(page)
    errors = _watch_errors(page)
    enter(page, full_server, "leader", f"{MAP}?month=2025-10&layer=risk")
    assert page.locator("#legend-layer-title").inner_text().startswith("Mức độ")
    html = page.content()
    assert "CT-0" not in html  # the demo's person codes are CT-001 …
    control = page.locator(".leaflet-control-layers").inner_text()
    assert "Hòm thư" in control and "Tin báo" not in control
    assert "heatLayer" not in html
    _click_village(page, "Thôn 1")
    panel = page.locator("#village-panel")
    panel.wait_for(state="visible")
    assert panel.locator("a.records-link").count() == 0
    assert panel.locator("a.person-code").count() == 0
    keep_screenshot(page, "risk-map-leader-panel.png")
    assert errors == [], errors


def test_a_village_opens_from_the_list_too_on_a_keyboard(full_server, page):
    errors = _watch_errors(page)
    block_outside(page)
    enter(page, full_server, "viewer", f"{MAP}?month=2025-10&layer=per_thousand")
    picker = page.locator("#village-select")
    picker.focus()
    page.select_option("#village-select", "T10")
    panel = page.locator("#village-panel")
    panel.wait_for(state="visible")
    assert panel.locator(".village-name").inner_text() == "Thôn 10"
    facts = panel.locator(".village-facts").inner_text()
    assert "Số nhân khẩu\nchưa có số liệu" in facts  # T10's figure is blank in the demo
    assert panel.locator("a.enter-figure").count() == 0  # a viewer cannot correct it
    page.keyboard.press("Escape")
    panel.wait_for(state="hidden")
    assert picker.input_value() == ""
    _click_village(page, "Thôn 2")
    panel.wait_for(state="visible")
    assert picker.input_value() == "T02"  # the list follows a click on the map
    assert errors == [], errors


def test_the_police_are_led_from_a_missing_population_to_where_it_is_entered(full_demo,
                                                                              page):
    block_outside(page)
    sign_in_page(page, full_demo, "police", then=f"{MAP}?month=2025-10&layer=per_thousand")
    page.select_option("#village-select", "T10")
    link = page.locator("#village-panel a.enter-figure")
    assert link.inner_text() == "nhập số liệu"
    submit(page, link)
    assert page.url.endswith("/communes/15178/villages#village-T10")
    row = page.locator("#village-T10")
    row.locator("input[name=population]").fill("640")
    submit(page, row.locator("button[type=submit]"))
    open_page(page, f"{full_demo}{MAP}?month=2025-10&layer=per_thousand")
    page.select_option("#village-select", "T10")
    facts = page.locator("#village-panel .village-facts").inner_text()
    assert "Số nhân khẩu\n640" in facts
    assert page.locator("#village-panel a.enter-figure").count() == 0


def test_a_score_counting_indicators_without_data_is_outlined_and_says_so(full_server, page):
    """In 06/2025 the demo's Thôn 5 has one indicator without data (issue 10, point 6)."""
    errors = _watch_errors(page)
    block_outside(page)
    enter(page, full_server, "leader", f"{MAP}?month=2025-06")
    config = page.evaluate("fetch(JSON.parse(document.getElementById('map-config')"
                           ".textContent).data).then(r => r.json())")  # as map.js does
    tally = config["villages"]["T05"]["score_evidence"]
    scored = tally["met"] + tally["not_met"] + tally["no_data"]
    text = f"{tally['met']} / {scored} đạt, 1 chưa có số liệu"
    marked = [c for c, v in config["villages"].items() if v["marks"]]
    assert marked == ["T05"]
    dashed = page.locator('.leaflet-overlay-pane path.leaflet-interactive'
                          '[stroke-dasharray="6 4"]')
    assert dashed.count() == 1
    mark = page.locator('.legend-block[data-legend="score"] li[data-mark="incomplete"]')
    assert mark.is_visible() and "Viền nét đứt" in mark.inner_text()

    label = page.locator(".xkmt-label", has_text="Thôn 5").first.bounding_box()
    page.mouse.move(label["x"] + label["width"] / 2, label["y"] + label["height"] + 14)
    tooltip = page.locator(".leaflet-tooltip")
    tooltip.wait_for()
    assert "Thôn 5" in tooltip.inner_text() and text in tooltip.inner_text()
    _click_village(page, "Thôn 5")
    facts = page.locator("#village-panel .village-facts")
    facts.wait_for()
    assert text in facts.inner_text()

    page.locator(".layer-list label", has_text="P14").click()  # an indicator's layer
    assert dashed.count() == 0
    page.mouse.move(10, 10)
    page.mouse.move(label["x"] + label["width"] / 2, label["y"] + label["height"] + 14)
    tooltip.first.wait_for()
    shown = page.locator(".leaflet-tooltip").first.inner_text()
    assert text not in shown and "P14 –" in shown  # the layer's own value, not the score
    assert errors == [], errors
