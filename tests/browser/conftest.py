"""A live server on loopback and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
from urllib.parse import quote, urlparse

import pytest
import uvicorn

from app.main import create_app
from tests.conftest import PASSWORD, make_user


def chromium_path() -> str | None:
    return os.environ.get("XKMT_CHROMIUM") or shutil.which("chromium") or shutil.which(
        "chromium-browser")


ROLES = ("police", "leader", "viewer")


@pytest.fixture
def live_server(request, demo, settings):
    """The app on a free loopback port, with OpenStreetMap tiles configured (another
    ``tiles`` setting by indirect parametrisation), and one account per role (named after
    the role, password ``tests.conftest.PASSWORD``)."""
    for role in ROLES:
        make_user(demo, role, role)
    tiles = getattr(request, "param", "OpenStreetMap")
    app = create_app(settings.model_copy(update={"tiles": tiles}))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is needed for the browser tests (apt-get install chromium)")
        pytest.skip("Chromium not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update",
            "--disable-sync"])
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="vi-VN")
    page = context.new_page()
    yield page
    context.close()


# What ``wait_until="networkidle"`` was used for, without its half second of silence after
# every page: the page loaded and, on a map page, the map drawn from its figures with its
# listeners on (map.js marks the page once ``start`` has run).
READY = """() => document.readyState === "complete" && (!document.getElementById("map-config")
  || document.documentElement.dataset.mapReady === "true")"""


def wait_ready(page) -> None:
    page.wait_for_function(READY)


def open_page(page, url: str) -> None:
    """Go to ``url`` and wait until it is ready (``wait_ready``)."""
    page.goto(url)
    wait_ready(page)


def submit(page, locator) -> None:
    """Click ``locator`` (a form's button) and wait for the page it leads to."""
    with page.expect_navigation():
        locator.click()
    wait_ready(page)


def sign_in_page(page, base: str, username: str, then: str | None = None) -> None:
    """Sign in through the login form, as a person would; with ``then`` (a path), through
    the form of the login page a signed-out visit to ``then`` leads to (its hidden ``next``
    field), landing there."""
    page.goto(f"{base}/login" + (f"?next={quote(then, safe='')}" if then else ""))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    submit(page, page.locator("button[type=submit]"))
    assert "/login" not in page.url, page.url
    if then:
        assert page.url == base + then, (page.url, then)


LOCAL = {"127.0.0.1", "localhost", "::1"}
# Requests to this machine are not routed at all (the browser's driver matches the pattern,
# no round trip to Python); the handler sees every other one.
NOT_LOCAL = re.compile(r"^(?!https?://(?:127\.0\.0\.1|localhost|\[::1\])(?::\d+)?(?:[/?#]|$))")


def block_outside(page) -> list[str]:
    """Block every request that leaves this machine; return the list of blocked URLs."""
    blocked: list[str] = []

    def handle(route):
        if urlparse(route.request.url).hostname in LOCAL:
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    page.route(NOT_LOCAL, handle)
    return blocked
