"""Reports in a real browser: a leader follows the dashboard's reminder to the "Báo cáo"
page and downloads the monthly report; the police mark a report sent after a mistyped day."""

from __future__ import annotations

import pytest
from docx import Document

from tests.browser.conftest import block_outside, keep_screenshot, sign_in_page, submit

pytestmark = pytest.mark.browser


def test_a_leader_follows_the_reminder_and_downloads_the_monthly_report(
        live_server, full, page, tmp_path):
    blocked = block_outside(page)
    sign_in_page(page, live_server, "leader", then="/communes/15178/dashboard?month=2025-09")
    banner = page.locator("#report-banner")
    assert "Báo cáo cần gửi" in banner.inner_text()
    submit(page, banner.get_by_text("Lập báo cáo"))
    assert page.url.endswith("/communes/15178/reports")
    page.select_option("select[name=month]", "2025-09")
    with page.expect_download(timeout=120_000) as info:
        page.get_by_role("button", name="Tải xuống").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert path.name == "bao_cao_thang_2025-09_15178.docx"
    document = Document(str(path))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "BÁO CÁO" in text and "CT-" not in text
    assert blocked == [] or all("tile.openstreetmap.org" in u for u in blocked)


def test_the_police_mark_a_report_sent_after_a_mistyped_day(live_server, full, page):
    sign_in_page(page, live_server, "police", then="/communes/15178/calendar")
    row = page.locator("#report-R-FINAL")
    assert "Quá hạn" in row.inner_text() or "Chưa đến hạn" in row.inner_text()
    row.locator("input[name=sent_on]").fill("32/01/2026")
    submit(page, row.get_by_role("button", name="Đánh dấu đã gửi"))
    row = page.locator("#report-R-FINAL")
    assert "không phải là ngày" in row.locator(".error").inner_text()
    assert row.locator("input[name=sent_on]").input_value() == "32/01/2026"
    row.locator("input[name=sent_on]").fill("12/01/2026")
    submit(page, row.get_by_role("button", name="Đánh dấu đã gửi"))
    row = page.locator("#report-R-FINAL")
    assert "Đã hoàn thành" in row.inner_text() and "police" in row.inner_text()
    keep_screenshot(page, "calendar.png", full_page=True)
