"""The commune dashboard in a real browser, as the leadership opens it (internet blocked)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import block_outside, enter, keep_screenshot, sign_in_page, submit

pytestmark = pytest.mark.browser


def test_a_leader_reads_the_dashboard_and_follows_a_failing_village_to_the_map(
        full_server, page):
    """Only reads: the module's shared server."""
    blocked = block_outside(page)
    enter(page, full_server, "leader", "/communes/15178/dashboard?month=2025-10")
    assert page.locator("h1").inner_text().startswith("Bảng tổng hợp")
    assert "Không đạt" in page.locator("#national-status").inner_text()
    n1 = page.locator("#national-N1").inner_text()
    assert "Thôn 7" in n1 and "CT-" not in page.content()
    keep_screenshot(page, "dashboard.png", full_page=True)
    submit(page, page.locator("#national-N1 a", has_text="Thôn 7").first)
    assert "/communes/15178/map" in page.url and "layer=N1" in page.url
    assert page.locator(".leaflet-overlay-pane path").count() >= 10
    assert blocked == [] or all("tile.openstreetmap.org" in u for u in blocked)


def test_the_police_mark_a_task_done_after_a_mistyped_day(live_server, full, page):
    blocked = block_outside(page)
    sign_in_page(page, live_server, "police", then="/communes/15178/dashboard?month=2024-12")
    row = page.locator("#task-T1")
    assert "Quá hạn" in row.locator(".status").inner_text()
    row.locator("input[name=done_on]").fill("14/13/2024")
    row.locator("input[name=reference]").fill("Biên bản rà soát số 03/BB")
    submit(page, row.locator("button[value=done]"))
    row = page.locator("#task-T1")
    assert "“14/13/2024” không phải là ngày" in row.locator(".field-error").inner_text()
    assert row.locator("input[name=reference]").input_value() == "Biên bản rà soát số 03/BB"
    row.locator("input[name=done_on]").fill("14/11/2024")
    submit(page, row.locator("button[value=done]"))
    assert page.url.endswith("/communes/15178/dashboard?month=2024-12#tasks")
    row = page.locator("#task-T1")
    assert row.locator(".status").inner_text() == "Đã hoàn thành"
    assert "Biên bản rà soát số 03/BB" in row.inner_text()
    assert blocked == [] or all("tile.openstreetmap.org" in u for u in blocked)
