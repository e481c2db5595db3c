"""A live server on loopback and Debian's Chromium driven by Playwright: a server per test
(``live_server``) or, for tests that only read, one per session and ``tiles`` value
(``full_server``); helpers that sign in through the login form and wait for a page to be
ready."""

from __future__ import annotations

import os
import re
import shutil
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlparse

import pytest
import uvicorn
from sqlalchemy.orm import sessionmaker

from app.db import make_engine, session_factory
from app.main import create_app
from tests.conftest import PASSWORD, make_user, settings_for
from tests.conftest import serving as serve

# Debian's chromium-headless-shell first: the same Chromium build (its package comes from
# the same source), without the windowing browser that ``chromium --headless`` starts, as
# Playwright itself runs headless tests. It took about a quarter less CPU for the same
# tests (tests/browser/test_forms_browser.py and test_glance_browser.py: 52-55 s of CPU,
# 37-41 s with the shell; a new browser context 0.39 s of CPU, 0.20 s with the shell).
BROWSERS = ("chromium-headless-shell", "chromium", "chromium-browser")


def chromium_path() -> str | None:
    return os.environ.get("XKMT_CHROMIUM") or next(
        (found for name in BROWSERS if (found := shutil.which(name))), None)


ROLES = ("police", "leader", "viewer")


def serving(app):
    """``app`` served on a free loopback port; its address."""
    return serve(lambda port: uvicorn.Config(app, host="127.0.0.1", port=port,
                                             log_level="warning"))


@pytest.fixture
def live_server(request, demo, settings):
    """The app on a free loopback port, with OpenStreetMap tiles configured (another
    ``tiles`` setting by indirect parametrisation), and one account per role (named after
    the role, password ``tests.conftest.PASSWORD``)."""
    for role in ROLES:
        make_user(demo, role, role)
    tiles = getattr(request, "param", "OpenStreetMap")
    with serving(create_app(settings.model_copy(update={"tiles": tiles}))) as base:
        yield base


@dataclass
class Shared:
    """A server that tests share, its database, and each role's cookies as its first
    sign-in through the form left them."""

    base: str
    sessions: sessionmaker
    tiles: str
    cookies: dict[str, list] = field(default_factory=dict)


@pytest.fixture(scope="session")
def full_servers(full_database, tmp_path_factory):
    """``full_server``'s servers by ``tiles`` value, each started on first use and kept for
    the session (per xdist worker), so that a month's frames are computed once for all the
    modules that read them."""
    servers: dict[str, Shared] = {}
    with ExitStack() as stack:
        def get(tiles: str) -> Shared:
            if tiles not in servers:
                path = tmp_path_factory.mktemp("shared") / "xkmt.db"
                shutil.copy(full_database, path)
                settings = settings_for(path, tiles=tiles)
                engine = make_engine(settings.database_url)
                stack.callback(engine.dispose)  # once the server has stopped
                sessions = session_factory(engine)
                for role in ROLES:
                    make_user(sessions, role, role)
                base = stack.enter_context(serving(create_app(settings)))
                servers[tiles] = Shared(base, sessions, tiles)
            return servers[tiles]

        yield get


@pytest.fixture
def full_server(request, full_servers) -> Shared:
    """For tests that only read: a server on its own copy of the full demo
    (``full_database``), with ``live_server``'s accounts and the ``tiles`` value of the
    indirect parameter (OpenStreetMap else), shared by every such test of the session.
    Nothing a test does there may change what another reads (a cookie it sets stays in its
    own browser context): tests that write (post a form, download what is audited) get
    ``live_server``."""
    return full_servers(getattr(request, "param", "OpenStreetMap"))


def enter(page, server: Shared, role: str, then: str) -> None:
    """``page`` signed in as ``role`` on the shared ``server``, at ``then`` (a path), ready.
    The role's first time on the server signs in through the login form (``sign_in_page``);
    later pages start from the cookies it left, as a person's browser keeps them."""
    if role in server.cookies:
        page.context.add_cookies(server.cookies[role])
        open_page(page, server.base + then)
    else:
        sign_in_page(page, server.base, role, then=then)
        server.cookies[role] = page.context.cookies()
    assert page.url == server.base + then, (page.url, then)


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is needed for the browser tests "
                        "(apt-get install chromium-headless-shell)")
        pytest.skip("Chromium not installed (apt-get install chromium-headless-shell)")
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


def keep_screenshot(page, name: str, **options) -> None:
    """A picture of the page as ``name`` in ``$XKMT_SCREENSHOT_DIR``, for a person to look
    at, when that is set; else none (a picture checks nothing, and takes time)."""
    folder = os.environ.get("XKMT_SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / name), **options)


def wait_ready(page, timeout: float = 20_000) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(READY, timeout=timeout)
    except PlaywrightTimeout:
        raise AssertionError(f"{page.url} not ready after {timeout / 1000:.0f} s (on a map "
                             "page: map.js never finished drawing it)") from None


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
