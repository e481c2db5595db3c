"""The hostile parameters of ``test_bad_parameters`` on PostgreSQL, whose integers and
strings are stricter than SQLite's (32-bit INTEGER ids, no NUL in text): still no 5xx.
A database of its own on the throwaway server (tests/postgres.py); skipped without it."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from app.settings import Settings
from tests.app.test_access import world  # noqa: F401
from tests.app.test_bad_parameters import server_errors
from tests.postgres import postgres_url  # noqa: F401  (the session fixture)

pytestmark = pytest.mark.heavy  # tens of seconds: started first

DATABASE = "xkmt_bad_parameters"


@pytest.fixture
def settings(postgres_url) -> Settings:  # noqa: F811
    server = create_engine(postgres_url.replace("/xkmt?", "/postgres?"),
                           isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE}"'))
        connection.execute(text(f'CREATE DATABASE "{DATABASE}"'))
    yield Settings(database_url=postgres_url.replace("/xkmt?", f"/{DATABASE}?"), tiles="none",
                   secret_key="test-secret-key-not-for-use")
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{DATABASE}" WITH (FORCE)'))
    server.dispose()


def test_no_hostile_parameter_makes_a_server_error_on_postgresql(world, settings):  # noqa: F811
    assert settings.database_url.startswith("postgresql")
    found = server_errors(world, settings, roles=("police",))
    assert found == [], "\n".join(map(repr, found))
