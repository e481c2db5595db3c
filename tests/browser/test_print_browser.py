""""In bản đồ" in a real browser (internet blocked): the dialog prints the layer and the
month on screen, even after the layer was switched without reloading the page."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from tests.browser.conftest import block_outside, sign_in_page

pytestmark = pytest.mark.browser


@pytest.fixture
def full_demo(live_server, full):
    return live_server


def test_the_print_dialog_prints_the_layer_and_month_on_screen(full_demo, page):
    blocked = block_outside(page)
    sign_in_page(page, full_demo, "leader", then="/communes/15178/map?month=2025-10")
    page.locator(".layer-list label", has_text="N1").click()  # switched by the script
    assert "layer=N1" in page.url
    page.locator("details.print-dialog summary").click()
    dialog = page.locator("form.print-form")
    dialog.locator("select[name=orientation]").select_option("portrait")
    dialog.locator("select[name=colour]").select_option("bw")
    assert dialog.locator("input[name=masked]").count() == 0  # the leader's: as allowed
    with page.expect_download(timeout=120_000) as download:
        dialog.locator("button[type=submit]").click()
    content = open(download.value.path(), "rb").read()
    assert download.value.suggested_filename == "ban-do-15178-N1-2025-10.pdf"
    reader = PdfReader(io.BytesIO(content))
    text = reader.pages[0].extract_text()
    assert "BẢN ĐỒ CHỈ TIÊU N1 – THÁNG 10/2025" in text and "Người in: leader" in text
    box = reader.pages[0].mediabox
    assert float(box.width) < float(box.height)  # portrait
    assert blocked == [] or all("tile" in url for url in blocked)
