"""In a real browser: a tip box whose point is not known yet, and a note that names a
person (issue 10, points 3 and 4)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import block_outside, sign_in_page

pytestmark = pytest.mark.browser


def test_a_tip_box_with_only_its_village_is_listed_as_needing_a_location(live_server, page):
    blocked = block_outside(page)
    sign_in_page(page, live_server, "police", then="/communes/15178/records/tip_boxes/new")
    page.locator("#f-code").fill("HT-MOI")
    page.get_by_label("Thôn").select_option(label="Thôn 8")
    page.get_by_label("Ngày lắp đặt").fill("02/11/2024")
    page.get_by_label("Tình trạng hòm thư").select_option(label="đang hoạt động")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url("**/records/tip_boxes?village=T08*")

    row = page.locator("tbody tr", has_text="HT-MOI")
    assert row.locator("td.needs-location").inner_text() == "cần xác định vị trí"
    row.locator("a.edit").click()
    assert page.locator(".notice.needs-location").inner_text().startswith(
        "Cần xác định vị trí")
    assert blocked == []


def test_a_note_naming_a_person_is_refused_beside_the_note(live_server, page):
    block_outside(page)
    sign_in_page(page, live_server, "police", then="/communes/15178/records/incidents/new")
    page.locator("#f-code").fill("VV-MOI")
    page.get_by_label("Loại vụ việc").select_option(label="bắt giữ")
    page.locator("#f-date").fill("03/11/2024")
    page.get_by_label("Thôn", exact=True).select_option(label="Thôn 2")
    page.get_by_label("Ghi chú").fill("Nguyễn Văn A bán ma túy")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_load_state()

    message = page.locator("#field-note .error").inner_text()
    assert "giống họ tên một người (“Nguyễn Văn A”)" in message
    assert page.get_by_label("Ghi chú").input_value() == "Nguyễn Văn A bán ma túy"  # kept
    page.get_by_label("Ghi chú").fill("bắt quả tang tại đường Lê Lợi")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url("**/records/incidents?village=T02*")
    assert page.locator("tbody tr", has_text="VV-MOI").count() == 1
