"""A police officer records a venue in a real browser, with every other host blocked."""

from __future__ import annotations

import pytest

from tests.browser.conftest import block_outside, keep_screenshot, sign_in_page

pytestmark = pytest.mark.browser


def test_an_officer_adds_a_karaoke_and_finds_it_in_thon_6(live_server, page):
    blocked = block_outside(page)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    sign_in_page(page, live_server, "police", then="/communes/15178/records/venues/new")
    assert page.locator("h1").inner_text() == "Cơ sở kinh doanh có nguy cơ: thêm mới"
    page.locator("#f-code").fill("KARA-01")
    page.get_by_label("Tên cơ sở").fill("Karaoke Hoa Sen")
    page.get_by_label("Loại cơ sở").select_option(label="karaoke")
    page.get_by_label("Vĩ độ").fill("20.125")
    page.get_by_label("Kinh độ").fill("105.535")
    assert page.get_by_label("Đang hoạt động").is_checked()  # the schema's default
    keep_screenshot(page, "venue_form.png", full_page=True)
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url("**/records/venues?village=T06*")

    assert page.locator(".notice.ok").inner_text() == "Đã lưu: KARA-01."
    assert page.locator('select[name="village"]').input_value() == "T06"
    headers = page.locator("table.records-table thead th").all_inner_texts()
    row = page.locator("tbody tr", has_text="KARA-01")
    cells = row.locator("td").all_inner_texts()
    assert cells[headers.index("Tên cơ sở")] == "Karaoke Hoa Sen"
    assert cells[headers.index("Loại cơ sở")] == "karaoke"
    assert cells[headers.index("Thôn")] == "Thôn 6"
    assert "saved" in (row.get_attribute("class") or "")
    keep_screenshot(page, "venue_list.png", full_page=True)
    assert errors == [] and blocked == []


def test_a_point_outside_the_commune_is_shown_beside_the_field(live_server, page):
    block_outside(page)
    sign_in_page(page, live_server, "police", then="/communes/15178/records/venues/new")
    page.locator("#f-code").fill("KARA-02")
    page.get_by_label("Tên cơ sở").fill("Karaoke Ngoài Xã")
    page.get_by_label("Loại cơ sở").select_option(label="karaoke")
    page.get_by_label("Vĩ độ").fill("20.2")
    page.get_by_label("Kinh độ").fill("105.535")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_load_state()

    message = page.locator("#field-lat .error")
    assert "vị trí nằm ngoài địa giới xã" in message.inner_text()
    assert page.locator(".notice.error").is_visible()
    assert page.get_by_label("Tên cơ sở").input_value() == "Karaoke Ngoài Xã"  # kept
    keep_screenshot(page, "venue_form_error.png", full_page=True)
    page.goto(f"{page.url.split('/records')[0]}/records/venues")
    assert page.locator("tbody tr", has_text="KARA-02").count() == 0
