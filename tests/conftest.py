"""Shared fixtures: a fresh database per test, the app, the demo commune, signed-in
clients of each role.

Set-up was most of the suite's time, so two things are cheap here that are not in use:
password hashes (``XKMT_PASSWORD_HASH_COST=test``; tests/app/test_password_cost.py checks
the strong default), and databases: migrated (and the demo loaded) once per session, or per
xdist worker, into template files that each test gets a copy of.
"""

from __future__ import annotations

import functools
import json
import re
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import uvicorn
from bs4 import BeautifulSoup
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker

if TYPE_CHECKING:
    from app.settings import Settings

# The app is imported where it is used, not here: pytest-xdist's controller imports this
# module too, before it starts the workers, and needs none of the app (its import took
# several seconds before any worker could start).

PASSWORD = "mật-khẩu-thử-12"
NOT_DATA = {"audit_event", "alembic_version"}  # logs of use, not stored records
TEST_COST = "test"


@functools.cache
def _test_hasher():
    """The password hasher at the test cost, made on first use (``TEST_HASHER``)."""
    from app.security import password_hasher

    return password_hasher(TEST_COST)


def __getattr__(name: str):
    if name == "TEST_HASHER":
        return _test_hasher()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def pytest_collection_modifyitems(items) -> None:
    """The modules marked ``heavy`` (``pytestmark = pytest.mark.heavy``: tests of tens of
    seconds) first, the rest in their order: pytest-xdist hands modules out in this order
    (``--dist loadscope``), so that no worker is left running a long module alone at the
    end while the other waits."""
    items.sort(key=lambda item: item.get_closest_marker("heavy") is None)


@pytest.fixture(autouse=True)
def _cheap_password_hashes(monkeypatch):
    """The command line (``app.cli.main.main``, subprocesses) reads its settings from the
    environment: it hashes at the test cost too."""
    monkeypatch.setenv("XKMT_PASSWORD_HASH_COST", TEST_COST)


def settings_for(path: Path, **overrides) -> Settings:
    """The tests' settings for the SQLite database at ``path``: no tiles, a fixed secret,
    the cheap password hashes; ``overrides`` on top."""
    from app.settings import Settings

    return Settings(**{"database_url": f"sqlite:///{path}", "tiles": "none",
                       "secret_key": "test-secret-key-not-for-use",
                       "password_hash_cost": TEST_COST, **overrides})


@pytest.fixture
def settings(tmp_path) -> Settings:
    return settings_for(tmp_path / "xkmt.db")


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory) -> Path:
    """An SQLite database migrated to the newest revision, made once per test session."""
    from app.db import upgrade

    path = tmp_path_factory.mktemp("migrated") / "xkmt.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def demo_database(migrated_database, tmp_path_factory) -> Path:
    """``migrated_database`` with the demo commune and its villages, made once per session."""
    from app import imports
    from app.db import make_engine, session_factory
    from app.settings import Settings

    path = tmp_path_factory.mktemp("demo") / "xkmt.db"
    shutil.copy(migrated_database, path)
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    imports.load_demo(session_factory(engine), Settings(database_url=url), records=False)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def full_database(demo_database, tmp_path_factory) -> Path:
    """``demo_database`` with every synthetic record of the demo, saved through the same
    checks as an import (``imports.load_demo_records``), made once per session."""
    from app import imports
    from app.db import make_engine, session_factory

    path = tmp_path_factory.mktemp("full") / "xkmt.db"
    shutil.copy(demo_database, path)
    engine = make_engine(f"sqlite:///{path}")
    imports.load_demo_records(session_factory(engine), imports.DEMO_COMMUNE,
                              imports.DEMO_SEED)
    engine.dispose()
    return path


def _template(request, migrated_database) -> Path:
    """The database a test starts from, by the fixtures it asks for."""
    if "full" in request.fixturenames:
        return request.getfixturevalue("full_database")
    if "demo" in request.fixturenames:
        return request.getfixturevalue("demo_database")
    return migrated_database


@pytest.fixture
def sessions(request, settings, migrated_database):
    """Sessions of the settings' database, migrated. A new SQLite file is a copy, made
    before anything connects: of ``full_database`` when the test asks for ``full``, of
    ``demo_database`` when it asks for ``demo`` (itself or through another fixture), else
    of ``migrated_database``; another database is migrated here."""
    from app.db import make_engine, session_factory, upgrade

    path = make_url(settings.database_url).database
    if settings.database_url.startswith("sqlite:///") and path and not Path(path).exists():
        shutil.copy(_template(request, migrated_database), path)
    else:
        upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    yield session_factory(engine)
    engine.dispose()


@pytest.fixture
def demo(sessions, settings):
    """The demo commune with its synthetic villages loaded (no records: see
    tests/app/test_demo_records.py for the full demo); mostly copied in by ``sessions``."""
    from app import imports, store

    with sessions() as session:
        loaded = store.count_communes(session) > 0
    if not loaded:
        imports.load_demo(sessions, settings, records=False)
    return sessions


@pytest.fixture
def full(demo):
    """The demo commune with every synthetic record, as ``make run`` loads it; mostly
    copied in by ``sessions``."""
    from app import imports

    with demo() as session:
        loaded = session.scalar(text("SELECT count(*) FROM person")) > 0
    if not loaded:
        imports.load_demo_records(demo, imports.DEMO_COMMUNE, imports.DEMO_SEED)
    return demo


def make_user(sessions, username: str, role: str, communes=("15178",), provinces=(), *,
              hasher=None):
    """An account with the test password, ready to sign in (its hash at the test cost,
    unless another ``hasher`` is given: password_hasher("strong") checks as slowly as in
    use)."""
    from app.db import transaction
    from app.security import create_user

    with transaction(sessions) as session:
        user, _ = create_user(session, username, role, communes=list(communes),
                              provinces=list(provinces), password=PASSWORD,
                              hasher=hasher or _test_hasher())
        user.must_change_password = False


CSRF_FIELD = "csrftoken"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


# The hidden field's tag, found before any parsing: a whole page parsed by BeautifulSoup
# was most of a sign-in's time, twice per sign-in.
CSRF_INPUT = re.compile(rf"""<input\b[^>]*\bname=["']?{CSRF_FIELD}["'\s/>][^>]*>""",
                        re.IGNORECASE)


def csrf_of(client: TestClient, path: str = "/login") -> str:
    """The CSRF token in the hidden field of the page at ``path``, as a browser sends it
    (the field's tag parsed as HTML: its value unescaped as a browser reads it)."""
    html = client.get(path).text
    found = CSRF_INPUT.search(html)
    assert found is not None, f"no {CSRF_FIELD} field on {path}"
    return BeautifulSoup(found.group(0), "html.parser").input["value"]


_OPEN_CLIENTS: list[TestClient] = []
_APPS: dict[str, object] = {}  # the test's apps of ``client_as``, by settings


@pytest.fixture(autouse=True)
def _close_clients():
    """Ends the event loops the test's ``FormClient``s opened; forgets its apps."""
    yield
    while _OPEN_CLIENTS:
        _OPEN_CLIENTS.pop().__exit__(None, None, None)
    _APPS.clear()


class FormClient(TestClient):
    """A TestClient that posts forms as a browser does: its session's CSRF token (``csrf``,
    read from a page's hidden field) travels inside the form body, url-encoded or
    multipart, never in a header. ``csrf = None``: forms go without it; a ``csrftoken``
    in ``data`` wins. JSON or raw bodies are sent as given.

    Its requests share one event loop, as a server's do, open until the test ends (a
    TestClient outside ``with`` starts a thread and a loop for each request: ~2.5 ms)."""

    csrf: str | None = None

    def __enter__(self):
        return self if self.portal is not None else super().__enter__()

    def request(self, method, url, *, data=None, **kwargs):
        if self.portal is None:
            _OPEN_CLIENTS.append(self.__enter__())
        if (self.csrf and method.upper() not in SAFE_METHODS and kwargs.get("json") is None
                and kwargs.get("content") is None):
            data = {CSRF_FIELD: self.csrf, **(data or {})}
        return super().request(method, url, data=data, **kwargs)


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> FormClient:
    """Sign in through the login form (with its hidden token); returns a ``FormClient``
    holding the new session's token (a plain TestClient becomes one)."""
    if not isinstance(client, FormClient):
        # FormClient adds no state of its own: the client keeps its options (base URL,
        # raise_server_exceptions...) and cookies
        client.__class__ = FormClient
    response = client.post("/login", data={
        "username": username, "password": password, "next": "/",
        CSRF_FIELD: csrf_of(client, "/login")}, follow_redirects=False)
    assert response.status_code == 303, response.text
    client.csrf = csrf_of(client, "/account/password")  # a new session, a new token
    return client


def client_as(settings, sessions, role: str, username: str | None = None,
              communes=("15178",), **overrides) -> TestClient:
    """A TestClient signed in with a new account of ``role``, of the test's app for these
    settings: the clients of one test share it, as users share a server (and its caches:
    a month's frame is computed once for the police and the viewer)."""
    username = username or f"{role}_{len(communes)}"
    make_user(sessions, username, role, communes)
    chosen = settings.model_copy(update=overrides) if overrides else settings
    key = chosen.model_dump_json()
    if key not in _APPS:
        from app.main import create_app

        _APPS[key] = create_app(chosen)
    return sign_in(FormClient(_APPS[key]), username)


@dataclass
class SharedApp:
    """One app on its own copy of a template database, shared by the tests of a module
    that only read (``full_shared``, ``demo_shared``): the database is copied, the app
    created and each role signed in through the form once per module, and the app's
    caches (frames, views, answers) serve every test after the first, as a server's do.
    Nothing a test does there may change what another reads: tests that write take
    ``full``/``demo`` and ``client_as``."""

    settings: Settings
    sessions: sessionmaker
    app: FastAPI
    clients: dict[tuple, FormClient] = field(default_factory=dict)
    made: int = 0  # accounts of own_client

    def client(self, role: str, communes=("15178",)) -> FormClient:
        """Signed in as a ``role`` account of ``communes``, the same client on every call
        (its cookies are the module's: a test that signs out or changes them takes its
        own client)."""
        key = (role, tuple(communes))
        if key not in self.clients:
            username = f"{role}_{len(communes)}_shared"
            make_user(self.sessions, username, role, communes)
            self.clients[key] = sign_in(FormClient(self.app).__enter__(), username)
        return self.clients[key]

    def own_client(self, role: str = "police") -> FormClient:
        """A new ``role`` account signed in on the shared app, with a session and cookies
        of its own, for the test only: for a test that changes its language, its token or
        signs out, leaving the module's clients as they were."""
        self.made += 1
        username = f"{role}_own_{self.made}"
        make_user(self.sessions, username, role)
        return sign_in(FormClient(self.app), username)


def shared_app(tmp_path_factory, template: Path) -> Iterator[SharedApp]:
    """A :class:`SharedApp` on a copy of ``template`` (a module fixture yields from it)."""
    from app.db import make_engine, session_factory
    from app.main import create_app

    path = tmp_path_factory.mktemp("shared") / "xkmt.db"
    shutil.copy(template, path)
    settings = settings_for(path)
    engine = make_engine(settings.database_url)
    shared = SharedApp(settings, session_factory(engine), create_app(settings))
    yield shared
    for client in shared.clients.values():
        client.__exit__(None, None, None)
    engine.dispose()


@pytest.fixture(scope="module")
def full_shared(tmp_path_factory, full_database) -> Iterator[SharedApp]:
    """The full demo (``full_database``) served by one app for the module's tests that
    only read (:class:`SharedApp`)."""
    yield from shared_app(tmp_path_factory, full_database)


@pytest.fixture(scope="module")
def demo_shared(tmp_path_factory, demo_database) -> Iterator[SharedApp]:
    """The demo commune without records (``demo_database``), as ``full_shared``."""
    yield from shared_app(tmp_path_factory, demo_database)


@pytest.fixture
def client(demo, settings) -> TestClient:
    """Signed in as the commune police (who may see every record)."""
    return client_as(settings, demo, "police")


def snapshot(sessions) -> dict[str, list]:
    """Every row of every data table, to show an import changed nothing (the audit log
    is left out: it records the attempt, by design)."""
    with sessions() as session:
        tables = [r[0] for r in session.execute(text(
            "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"))
            if r[0] not in NOT_DATA]
        return {t: session.execute(text(f'SELECT * FROM "{t}"')).all() for t in tables}


def map_data(client, soup) -> dict:
    """The map page's figures as its script gets them: the page's own block (month,
    chosen layer, where the figures are) with the JSON fetched from there."""
    page = json.loads(soup.select_one("#map-config").string)
    answer = client.get(page["data"])
    assert answer.status_code == 200, answer.text[:300]
    return {**answer.json(), **page}


@contextmanager
def serving(config: Callable[[int], uvicorn.Config]) -> Iterator[str]:
    """A live server on a free loopback port (``config(port)`` says how it serves), in a
    thread; its address while the block runs."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(config(port))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
