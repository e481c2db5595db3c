"""PostgreSQL: the same code paths as on SQLite, on a throwaway server (tests/postgres.py).

One PostgreSQL database is migrated and loaded with the full demo (commune, villages,
synthetic records, exactly as ``xkmt demo load``) for the whole module, with a SQLite twin
loaded the same way to compare against. No mocks. Skipped when the PostgreSQL server
binaries are not installed (failed under CI).
"""

from __future__ import annotations

import datetime as dt
import math
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, inspect, select, text

from app import imports
from app.cli.main import main
from app.db import make_engine, session_factory, upgrade
from app.frame import loading
from app.main import create_app
from app.models import ChangeLog, Person, Venue
from app.records import excel
from app.records.importer import ImportRejected, import_file
from app.records.schema import RECORD_TYPES
from app.records.service import Context
from app.settings import Settings
from tests.app.test_import_records import PLANTED_PERSONS, PLANTED_VENUES, person, workbook
from tests.conftest import NOT_DATA, make_user, sign_in
from tests.postgres import postgres_url  # noqa: F401  (the session fixture)

COMMUNE = imports.DEMO_COMMUNE
MONTHS = ("2024-10", "2025-10", "2025-12")
NOW = dt.datetime(2026, 11, 29, 10, 5, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def _loaded(url: str):
    """Migrations to head, then the full demo, as `xkmt db upgrade` and `xkmt demo load`."""
    settings = Settings(database_url=url, tiles="none",
                        secret_key="test-secret-key-not-for-use")
    upgrade(url)
    engine = make_engine(url)
    sessions = session_factory(engine)
    imports.load_demo(sessions, settings)
    return settings, engine, sessions


@pytest.fixture(scope="module")
def pg(postgres_url):  # noqa: F811
    settings, engine, sessions = _loaded(postgres_url)
    assert engine.dialect.name == "postgresql"
    yield settings, sessions
    engine.dispose()


@pytest.fixture(scope="module")
def lite(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sqlite-twin")
    settings, engine, sessions = _loaded(f"sqlite:///{folder / 'xkmt.db'}")
    yield settings, sessions
    engine.dispose()


def snapshot(sessions) -> dict[str, list]:
    """Every row of every data table, sorted (on any database)."""
    with sessions() as session:
        tables = sorted(set(inspect(session.connection()).get_table_names()) - NOT_DATA)
        return {t: sorted(map(repr, session.execute(text(f'SELECT * FROM "{t}"'))))
                for t in tables}


def counts(sessions) -> dict[str, int]:
    """Rows of every data table but the accounts (the web tests add one)."""
    return {table: len(rows) for table, rows in snapshot(sessions).items()
            if table not in ("user_account", "user_scope")}


def change_count(sessions) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(ChangeLog))


def test_migrations_and_demo_fill_the_same_rows_as_on_sqlite(pg, lite):
    on_pg, on_lite = counts(pg[1]), counts(lite[1])
    assert on_pg == on_lite
    assert on_pg["person"] > 0 and on_pg["change_log"] > 100
    version = "SELECT version_num FROM alembic_version"
    with pg[1]() as on_pg, lite[1]() as on_lite:
        assert on_pg.scalar(text(version)) == on_lite.scalar(text(version)) is not None


def test_cli_upgrades_and_keeps_the_password_of_the_url_to_itself(pg, monkeypatch, capsys):
    """`xkmt db upgrade` on the migrated database is a no-op; the URL it prints hides the
    password (trust authentication ignores it); `demo load --if-empty` loads nothing."""
    with_password = pg[0].database_url.replace("://xkmt@", "://xkmt:s3cret-pw@")
    monkeypatch.setenv("XKMT_DATABASE_URL", with_password)
    before = snapshot(pg[1])
    assert main(["--lang", "en", "db", "upgrade"]) == 0
    assert main(["--lang", "en", "demo", "load", "--if-empty"]) == 0
    out = capsys.readouterr().out
    assert "Database ready: postgresql+psycopg://xkmt:***@/xkmt" in out
    assert "s3cret" not in out and "demo not loaded" in out
    assert snapshot(pg[1]) == before


def _plain(value):
    """A value comparable with == (NaN equals NaN, numpy scalars as Python ones)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return "NaN"
    return value


@pytest.mark.parametrize("month", MONTHS)
def test_compliance_is_the_same_as_on_sqlite(pg, lite, month):
    with pg[1]() as session:
        on_pg = loading.compute(session, COMMUNE, month)
    with lite[1]() as session:
        on_lite = loading.compute(session, COMMUNE, month)
    assert list(on_pg.villages.columns) == list(on_lite.villages.columns)
    columns = [c for c in on_lite.villages.columns if c != "geometry"
               and not c.endswith("_evidence")]  # codes, counts, values, targets, statuses
    assert len(columns) > 20
    pd.testing.assert_frame_equal(pd.DataFrame(on_pg.villages[columns]),
                                  pd.DataFrame(on_lite.villages[columns]))
    evidence = [c for c in on_lite.villages.columns if c.endswith("_evidence")]
    assert _plain(on_pg.villages[evidence].to_dict("records")) == _plain(
        on_lite.villages[evidence].to_dict("records"))
    assert _plain(on_pg.commune) == _plain(on_lite.commune)
    assert on_pg.commune["national_status"] == on_lite.commune["national_status"]


def test_excel_export_reimports_without_changing_anything(pg):
    _settings, sessions = pg
    with sessions() as session:
        ctx = Context.load(session, COMMUNE)
        exported = excel.workbook_bytes(excel.export_workbook(
            session, ctx, RECORD_TYPES, "vi", actor="cli", now=NOW))
    before, logged = snapshot(sessions), change_count(sessions)
    with sessions() as session:
        result = import_file(session, COMMUNE, "demo_export.xlsx", exported, actor="cli")
    assert sum(s.summary.unchanged for s in result.sheets) > 100
    assert all(s.summary.created == s.summary.updated == 0 for s in result.sheets)
    assert snapshot(sessions) == before
    assert change_count(sessions) == logged


def test_a_refused_import_changes_nothing(pg):
    _settings, sessions = pg
    good = person("P900", since=dt.date(2025, 1, 15))
    data = workbook(sessions, {"persons": [good, *PLANTED_PERSONS],
                               "venues": PLANTED_VENUES})
    before = snapshot(sessions)
    with sessions() as session, pytest.raises(ImportRejected) as caught:
        import_file(session, COMMUNE, "so_theo_doi.xlsx", data, actor="cli")
    assert len(caught.value.problems) >= 7
    assert snapshot(sessions) == before
    with sessions() as session:
        assert session.scalars(select(Person).where(Person.code == "P900")).first() is None


@pytest.fixture(scope="module")
def web(pg) -> TestClient:
    settings, sessions = pg
    make_user(sessions, "police_pg", "police")
    return sign_in(TestClient(create_app(settings)), "police_pg")


@pytest.mark.parametrize("path", [
    f"/communes/{COMMUNE}/map?month=2025-10",
    f"/communes/{COMMUNE}/dashboard?month=2025-10",
    f"/communes/{COMMUNE}/records/persons",
])
def test_pages_are_served(web, path):
    response = web.get(path)
    assert response.status_code == 200, response.text[:2000]
    assert "Cẩm Tân" in response.text


def test_village_geojson_is_served(web, pg):
    response = web.get(f"/api/communes/{COMMUNE}/villages.geojson?month=2025-10")
    assert response.status_code == 200
    features = response.json()["features"]
    with pg[1]() as session:
        assert len(features) == len(Context.load(session, COMMUNE).villages) > 0


def test_a_refused_upload_on_the_web_changes_nothing(web, pg):
    sessions = pg[1]
    data = workbook(sessions, {"persons": [person("P901"), *PLANTED_PERSONS]})
    before = snapshot(sessions)
    response = web.post(f"/communes/{COMMUNE}/records/import",
                        files={"file": ("so_theo_doi.xlsx", data)})
    assert response.status_code == 422
    assert snapshot(sessions) == before


def test_too_long_a_name_gets_a_message_not_a_database_error(web, pg):
    sessions = pg[1]
    before = snapshot(sessions)
    response = web.post(f"/communes/{COMMUNE}/records/venues/new", follow_redirects=False,
                        data={"code": "CS-PG2", "name": "K" * 201, "kind": "karaoke",
                              "active": "on", "lat": "20.1374", "lon": "105.5226"})
    assert response.status_code == 422
    assert "quá dài: 201 ký tự, tối đa 200 ký tự" in response.text
    assert snapshot(sessions) == before


def test_a_record_saved_after_the_load_gets_the_next_id(web, pg):
    """Last, as it adds a record: the ids (PostgreSQL sequences) go on after the load."""
    sessions = pg[1]
    with sessions() as session:
        last = session.scalar(select(func.max(Venue.id)))
    logged = change_count(sessions)
    response = web.post(f"/communes/{COMMUNE}/records/venues/new", follow_redirects=False,
                        data={"code": "CS-PG1", "name": "Karaoke (giả lập)", "kind": "karaoke",
                              "active": "on", "lat": "20.1374", "lon": "105.5226"})
    assert response.status_code == 303
    with sessions() as session:
        venue = session.scalars(select(Venue).where(Venue.code == "CS-PG1")).one()
    assert venue.id > last and venue.village_code == "T01"
    assert change_count(sessions) == logged + 1
