"""A live server on loopback and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time

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


def sign_in_page(page, base: str, username: str) -> None:
    """Sign in through the login form, as a person would."""
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "/login" not in page.url, page.url


LOCAL = {"127.0.0.1", "localhost", "::1"}


def block_outside(page) -> list[str]:
    """Block every request that leaves this machine; return the list of blocked URLs."""
    from urllib.parse import urlparse

    blocked: list[str] = []

    def handle(route):
        if urlparse(route.request.url).hostname in LOCAL:
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    page.route("**/*", handle)
    return blocked
