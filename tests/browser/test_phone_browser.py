"""On a phone (390 px wide): no page is wider than the screen, every link of the top bar
can be reached without scrolling sideways (the bar wraps), and the synthetic-data badge
stays visible."""

from __future__ import annotations

import pytest

from tests.browser.conftest import block_outside, enter, open_page

pytestmark = pytest.mark.browser

PAGES = ("/communes/15178/map?month=2025-10", "/communes/15178/dashboard?month=2025-10",
         "/communes/15178/records/outreach", "/communes/15178/villages",
         "/communes/15178/records/venues/new")


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN",
                                  is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


def test_every_page_fits_a_phone_and_the_top_bar_wraps(full_server, phone):
    """Only opens pages: a server on the full demo for the module (``full_server``)."""
    blocked = block_outside(phone)
    enter(phone, full_server, "police", PAGES[0])
    for path in PAGES:
        if path != PAGES[0]:
            open_page(phone, full_server.base + path)
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390, path
        bar = phone.locator("header.topbar")
        assert bar.evaluate("b => b.scrollWidth <= b.clientWidth"), path  # all of it fits
        for item in bar.locator("a.area, .lang a:visible, button").all():
            box = item.bounding_box()  # in reach as the page opens
            assert box is not None and 0 <= box["x"] and box["x"] + box["width"] <= 390, path
        if path == PAGES[1]:  # the dashboard's badge, scrolled to once the bar is checked
            badge = phone.locator("header.topbar .badge-synthetic")
            badge.scroll_into_view_if_needed()
            assert badge.is_visible() and badge.bounding_box()["width"] > 40
    assert blocked == [] or all("tile.openstreetmap.org" in u for u in blocked)
