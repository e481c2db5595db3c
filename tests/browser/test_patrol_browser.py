"""In a real browser: the police open the patrol page, tick the due venues, see the
route drawn, download the sheet, enter the results and see the due list change (offline:
no tiles, nothing leaves the machine)."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from tests.app.test_patrol import UNLOCATED, VENUES
from tests.browser.conftest import block_outside, sign_in_page
from tests.factories import save_records

pytestmark = pytest.mark.browser


@pytest.fixture
def venues(demo):
    rows = [{"code": c, "name": n, "kind": k, "village": v, "lat": la, "lon": lo}
            for c, n, k, v, la, lo in VENUES]
    rows.append(dict(zip(("code", "name", "kind", "village"), UNLOCATED, strict=True)))
    assert save_records(demo, "venues", rows) == []
    assert save_records(demo, "inspections", [
        {"venue": "CS-01", "date": "30/11/2025", "result": "ok"},
        {"venue": "CS-06", "date": "10/12/2025", "result": "ok"}]) == []
    return demo


@pytest.mark.parametrize("live_server", ["none"], indirect=True)
def test_police_plan_a_patrol_and_download_the_sheet(venues, live_server, page):
    blocked = block_outside(page)
    sign_in_page(page, live_server, "police", then="/communes/15178/villages")
    page.get_by_role("link", name="Tuần tra").first.click()  # from the top bar
    page.wait_for_url("**/communes/15178/patrol")
    with page.expect_navigation():  # another day: the page shows that day's due list
        page.get_by_label("Ngày tuần tra").fill("2025-12-15")
    page.get_by_role("button", name="Chọn các cơ sở đến hạn").click()
    ticked = page.locator(".patrol-table input[type=checkbox]:checked")
    # due on 15/12: never inspected CS-04, CS-08, CS-11 and CS-20 (no point); CS-01
    # (30/11, karaoke: 30 days) and CS-06 (10/12) are not
    assert sorted(ticked.evaluate_all("els => els.map(e => e.value)")) == [
        "CS-04", "CS-08", "CS-11", "CS-20"]
    page.get_by_role("button", name="Lập lộ trình").click()
    page.wait_for_selector("#patrol-map path.route-line")
    assert page.locator("#patrol-map .patrol-marker.stop").count() == 3
    numbers = page.locator("#patrol-map .patrol-marker.stop").all_inner_texts()
    assert sorted(numbers) == ["1", "2", "3"]
    assert page.locator("#patrol-map .patrol-marker.start").count() == 1
    assert "Quán bar Đồi Thông" in page.locator(".needs-location").inner_text()
    stops = page.locator(".route-stops li").all_inner_texts()
    with page.expect_download() as download:
        page.get_by_role("link", name="Phiếu tuần tra (PDF)").click()
    content = open(download.value.path(), "rb").read()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    places = [text.index(name) for name in stops]
    assert places == sorted(places)
    # back from the patrol: the results of the stops, in route order, on one page
    page.get_by_role("link", name="Nhập kết quả", exact=True).click()
    page.wait_for_url("**/patrol/results?**")
    rows = page.locator(".results-table tbody tr")
    assert rows.locator("th a").all_inner_texts() == [*stops, "Quán bar Đồi Thông"]
    assert page.locator("input[name=date-0]").input_value() == "15/12/2025"
    first = stops[0]
    page.get_by_label(f"Kết quả kiểm tra: {first}").select_option("ok")
    page.get_by_label(f"Kết quả kiểm tra: {stops[1]}").select_option("violation")
    page.get_by_label(f"Ghi chú: {stops[1]}").fill("gọi 0912345678")
    page.get_by_role("button", name="Lưu kết quả").click()  # refused: a phone number
    assert "0912345678" in page.locator(".has-error .error").inner_text()
    page.get_by_label(f"Ghi chú: {stops[1]}").fill("Phòng 2 mở cửa muộn")
    page.get_by_role("button", name="Lưu kết quả").click()
    page.wait_for_url("**/patrol?day=2025-12-15&saved=2")
    assert "Đã lưu kết quả kiểm tra: 2" in page.locator(".notice.saved").inner_text()
    due = page.locator(".patrol-table tbody tr.due td:nth-child(2) a").all_inner_texts()
    assert first not in due and stops[1] not in due and stops[2] in due
    assert blocked == []
