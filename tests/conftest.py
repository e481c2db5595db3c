"""Shared fixtures: a fresh database per test, the app, the demo commune."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from app import imports
from app.db import make_engine, session_factory, upgrade
from app.main import create_app
from app.settings import Settings


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(database_url=f"sqlite:///{tmp_path / 'xkmt.db'}", tiles="none")


@pytest.fixture
def sessions(settings):
    upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    yield session_factory(engine)
    engine.dispose()


@pytest.fixture
def demo(sessions, settings):
    """The demo commune with its synthetic villages loaded (no records: see
    tests/app/test_demo_records.py for the full demo)."""
    imports.load_demo(sessions, settings, records=False)
    return sessions


@pytest.fixture
def client(demo, settings) -> TestClient:
    return TestClient(create_app(settings))


def snapshot(sessions) -> dict[str, list]:
    """Every row of every table, to show an import changed nothing."""
    with sessions() as session:
        tables = [r[0] for r in session.execute(text(
            "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"))]
        return {t: session.execute(text(f'SELECT * FROM "{t}"')).all() for t in tables}
