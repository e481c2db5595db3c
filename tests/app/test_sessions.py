"""Sessions end at sign-out; guesses and floods of sign-ins against a live uvicorn server
(run as ``xkmt serve`` runs it); forwarded addresses believed only from configured proxies;
HSTS behind HTTPS."""

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import create_engine, func, make_url, select, text, update

from app import imports
from app.cli.main import main, server_config
from app.db import make_engine, session_factory, transaction, upgrade
from app.main import create_app
from app.models import AuditEvent, LoginSession, LoginThrottle
from app.security import password_hasher
from app.settings import Settings
from app.store import TZ
from tests.conftest import PASSWORD, client_as, csrf_of, make_user, serving, sign_in
from tests.postgres import postgres_url  # noqa: F401  (the session fixture)

PERSONS = "/communes/15178/records/persons"  # person-level rows: the police only


def _failures(sessions) -> list[AuditEvent]:
    with sessions() as session:
        return list(session.scalars(select(AuditEvent).where(
            AuditEvent.action == "login_failed").order_by(AuditEvent.id)))


def _checked(sessions) -> int:
    """Failed sign-ins whose password was checked (locked ones are marked ``locked``)."""
    return sum(1 for event in _failures(sessions) if event.detail is None)


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, settings):
    """Settings and sessions of a database holding the demo commune: SQLite, and a fresh
    database on the throwaway PostgreSQL server (skipped without one)."""
    if request.param == "sqlite":
        return settings, request.getfixturevalue("demo")
    server = make_url(request.getfixturevalue("postgres_url"))
    name = f"xkmt_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = server.set(database=name).render_as_string(hide_password=False)
    settings = settings.model_copy(update={"database_url": url})
    upgrade(url)
    engine = make_engine(url)
    request.addfinalizer(engine.dispose)
    sessions = session_factory(engine)
    imports.load_demo(sessions, settings, records=False)
    return settings, sessions


# --- sign-out ---------------------------------------------------------------------------

def test_a_cookie_copied_before_sign_out_is_refused_after_it(database):
    settings, sessions = database
    police = client_as(settings, sessions, "police")
    copy = TestClient(police.app)
    copy.cookies.update(police.cookies)
    assert copy.get(PERSONS).status_code == 200
    assert police.post("/logout", follow_redirects=False).status_code == 303
    refused = copy.get(PERSONS, follow_redirects=False)
    assert refused.status_code == 303 and refused.headers["location"].startswith("/login")
    assert police.get(PERSONS, follow_redirects=False).status_code == 303


def _login(client: TestClient, username: str, password: str) -> int:
    token = csrf_of(client)  # the login page's hidden field
    return client.post("/login", follow_redirects=False, data={
        "username": username, "password": password, "next": "/",
        "csrftoken": token}).status_code


def test_sessions_and_locks_end_in_time_and_are_tidied_away(database):
    settings, sessions = database
    make_user(sessions, "u1", "police")
    app = create_app(settings)
    kept = sign_in(TestClient(app), "u1")
    for n in range(settings.login_max_failures):
        assert _login(TestClient(app), "u1", f"sai-{n}") == 401
    assert _login(TestClient(app), "u1", PASSWORD) == 429
    assert _login(TestClient(app), "doan", "sai") == 401
    # sixteen minutes and a working day later, as far as the database can tell
    with transaction(sessions) as session:
        past = dt.datetime.now(TZ) - dt.timedelta(minutes=settings.login_lockout_minutes + 1)
        session.execute(update(LoginThrottle).values(last_at=past))
        session.execute(update(LoginSession).values(expires_at=past))
    expired = kept.get(PERSONS, follow_redirects=False)  # the cookie alone is not enough
    assert expired.status_code == 303 and expired.headers["location"].startswith("/login")
    assert _login(TestClient(app), "u1", PASSWORD) == 303  # the lock is over
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(LoginSession)) == 1
        names = set(session.execute(select(LoginThrottle.kind, LoginThrottle.name)))
    assert names == {("address", "testclient"), ("account", "u1")}  # not ("account", "doan")


def test_a_new_password_from_the_command_line_ends_every_session(demo, settings,
                                                                  monkeypatch):
    make_user(demo, "u1", "police")
    client = sign_in(TestClient(create_app(settings)), "u1")
    assert client.get(PERSONS).status_code == 200
    monkeypatch.setenv("XKMT_DATABASE_URL", settings.database_url)
    assert main(["users", "set-password", "u1"]) == 0
    assert client.get(PERSONS, follow_redirects=False).status_code == 303


# --- a live server ----------------------------------------------------------------------

def _serving(settings: Settings):
    """The app on a free loopback port, served as ``xkmt serve`` serves it."""
    return serving(lambda port: server_config(create_app(settings), "127.0.0.1", port))


def _attempt(base: str, username: str, password: str, *, headers: dict | None = None,
             cookies: dict | None = None, barrier: threading.Barrier | None = None
             ) -> httpx.Response:
    """A sign-in through the form, with the token of the page it came from."""
    with httpx.Client(base_url=base, timeout=60, headers=headers, cookies=cookies) as client:
        token = csrf_of(client)
        if barrier is not None:
            barrier.wait()
        return client.post("/login", data={
            "username": username, "password": password, "next": "/", "csrftoken": token})


def _together(count: int, attempt: Callable[[int, threading.Barrier], httpx.Response]
              ) -> tuple[list[threading.Thread], list]:
    """Start ``count`` threads whose requests leave at the same moment (a barrier)."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(index: int) -> None:
        try:
            results[index] = attempt(index, barrier)
        except Exception as exc:  # noqa: BLE001 - reported by the test
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    return threads, results


def _statuses(results: list) -> Counter:
    return Counter(r.status_code if isinstance(r, httpx.Response) else repr(r)
                   for r in results)


def test_thirty_concurrent_guesses_get_no_more_password_checks_than_the_limit(database):
    settings, demo = database
    make_user(demo, "u1", "police")
    # all thirty at once: the count alone must hold them, not the bound on sign-ins
    with _serving(settings.model_copy(update={"login_concurrency": 30})) as base:
        threads, results = _together(30, lambda i, barrier: _attempt(
            base, "u1", f"sai-{i}", barrier=barrier))
        for thread in threads:
            thread.join(timeout=120)
        late = _attempt(base, "u1", PASSWORD)  # the right password, too late
    statuses = _statuses(results)
    assert set(statuses) <= {401, 429}, statuses
    assert 1 <= _checked(demo) <= settings.login_max_failures, statuses
    assert statuses[401] == _checked(demo)
    assert late.status_code == 429 and "Đăng nhập sai quá nhiều lần" in late.text


def test_a_flood_of_wrong_sign_ins_does_not_stall_a_signed_in_user(demo, settings):
    make_user(demo, "police", "police")
    # every guess from this address is checked: the heaviest flood
    flooded = settings.model_copy(update={"login_max_failures_per_address": 1000,
                                          "login_wait_seconds": 2,
                                          "password_hash_cost": "strong"})  # as in use
    with _serving(flooded) as base:
        user = httpx.Client(base_url=base, timeout=20, cookies=_signed_in_cookies(base))
        assert user.get(PERSONS).status_code == 200
        threads, results = _together(40, lambda i, barrier: _attempt(
            base, f"doan-{i}", "sai", barrier=barrier))
        time.sleep(0.5)  # the flood has left
        started = time.monotonic()
        try:
            page = user.get(PERSONS)
        except httpx.TimeoutException as exc:
            pytest.fail(f"a signed-in user's page waited more than 20 s: {exc!r}")
        waited = time.monotonic() - started
        for thread in threads:
            thread.join(timeout=120)
        user.close()
    assert page.status_code == 200
    assert waited < 5, f"the signed-in user waited {waited:.1f} s during the flood"
    statuses = _statuses(results)
    assert set(statuses) <= {401, 429}, statuses  # no 500: no pool timeout
    assert statuses[401] == _checked(demo)


def _signed_in_cookies(base: str) -> httpx.Cookies:
    with httpx.Client(base_url=base, timeout=60) as client:
        response = client.post("/login", data={
            "username": "police", "password": PASSWORD, "next": "/",
            "csrftoken": csrf_of(client)})
        assert response.status_code == 303, response.text
        return client.cookies


def test_sign_ins_over_the_bound_wait_then_are_asked_to_try_again(demo, settings):
    # checks as slow as in use: with test-cost hashes most of the eight would be checked
    # at once, and the account locked before the last attempt
    make_user(demo, "u1", "police", hasher=password_hasher("strong"))
    narrow = settings.model_copy(update={"login_concurrency": 1, "login_wait_seconds": 0.05})
    with _serving(narrow) as base:
        threads, results = _together(8, lambda i, barrier: _attempt(
            base, "u1", f"sai-{i}", barrier=barrier))
        for thread in threads:
            thread.join(timeout=120)
        busy = [r for r in results if r.status_code == 429]
        assert busy and all("Đang có nhiều lượt đăng nhập cùng lúc" in r.text for r in busy)
        assert _statuses(results)[401] == _checked(demo) >= 1  # turned away: nothing checked
        english = _attempt(base, "u1", "sai", cookies={"xkmt_lang": "en"})
    assert english.status_code == 401 and "Wrong username or password" in english.text


# --- forwarded addresses ----------------------------------------------------------------

def test_x_forwarded_for_from_an_unconfigured_client_is_ignored(demo, settings):
    make_user(demo, "u1", "police")
    with _serving(settings.model_copy(update={"login_max_failures_per_address": 3})) as base:
        for n in range(3):  # a new forged address for every guess
            forged = {"x-forwarded-for": f"203.0.113.{n}"}
            assert _attempt(base, f"doan-{n}", "sai", headers=forged).status_code == 401
        locked = _attempt(base, "u1", PASSWORD, headers={"x-forwarded-for": "198.51.100.9"})
    assert locked.status_code == 429  # the address is locked all the same
    assert {event.address for event in _failures(demo)} == {"127.0.0.1"}


def test_x_forwarded_for_from_a_configured_proxy_is_believed(demo, settings):
    make_user(demo, "u1", "police")
    behind_proxy = settings.model_copy(update={"login_max_failures_per_address": 3,
                                               "trusted_proxies": "127.0.0.1"})
    guesser = {"x-forwarded-for": "203.0.113.5"}
    with _serving(behind_proxy) as base:
        for n in range(3):
            assert _attempt(base, f"doan-{n}", "sai", headers=guesser).status_code == 401
        assert _attempt(base, "u1", PASSWORD, headers=guesser).status_code == 429
        other = _attempt(base, "u1", PASSWORD, headers={"x-forwarded-for": "198.51.100.9"})
    assert other.status_code == 303  # another person behind the same proxy
    assert {event.address for event in _failures(demo)} == {"203.0.113.5"}


def test_trusted_proxies_must_be_addresses_or_networks():
    assert Settings(trusted_proxies="127.0.0.1, 10.0.0.0/8, ::1").trusted_proxies
    for bad in ("proxy.local", "10.0.0.0/33", "10.0.0.1/8"):
        with pytest.raises(ValidationError, match="XKMT_TRUSTED_PROXIES"):
            Settings(trusted_proxies=bad)


# --- HSTS -------------------------------------------------------------------------------

def test_hsts_is_sent_only_with_secure_cookies(demo, settings):
    plain = TestClient(create_app(settings)).get("/login")
    assert "strict-transport-security" not in plain.headers
    https = TestClient(create_app(settings.model_copy(update={"secure_cookies": True})),
                       base_url="https://testserver").get("/login")
    assert https.headers["strict-transport-security"] == "max-age=31536000"
