"""The prepared record tables (``geo.engine.tables.Tables``) are made once per data version
and shared by every month's frame (``app.frame.caching``): no month may leave a trace in
them that changes another month's figures. What is computed from the records is shared by
content between databases, never across a difference."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from app import store
from app.access import AsRole
from app.db import make_engine, session_factory
from app.frame import caching, loading, view
from geo.engine.frame import village_frame
from geo.engine.plans import shipped_plans
from geo.engine.tables import Tables
from tests.factories import save_records

CODE = "15178"


def _frame(session, tables, month: str):
    return village_frame(tables, store.load_villages(session, CODE), month, shipped_plans(),
                         commune=CODE, population=store.get_commune(session, CODE).population,
                         done_marks=loading.task_marks(session, CODE))


def test_months_from_one_prepared_table_set_equal_months_from_fresh_ones(full):
    with full() as session:
        months = loading.record_months(session, CODE, store.today())
        raw = loading.load_tables(session, CODE)
        shared = Tables(raw)
        # every fifth month backwards, then one between: a later month is derived on the
        # shared tables before an earlier one, and a month after others
        for month in [*reversed(months[::5]), months[3]]:
            fresh, reused = _frame(session, raw, month), _frame(session, shared, month)
            pd.testing.assert_frame_equal(reused.villages, fresh.villages)
            pd.testing.assert_frame_equal(reused.schools, fresh.schools)
            assert reused.commune == fresh.commune, month


def test_the_cache_prepares_the_tables_once_per_data_version(full, monkeypatch):
    # a process cache of its own: an earlier test of the worker may have left these months'
    # frames in the shared one, with the tables they came from since dropped (one LRU holds
    # both), and then no month is derived here
    monkeypatch.setattr(caching, "SHARED", caching.LruCache(64))
    with full() as session:
        version = caching.data_version(session, CODE)
        first = caching.frame(session, CODE, "2025-09", version)
        second = caching.frame(session, CODE, "2025-10", version)
        prepared = caching.caches(session).tables.get(
            (CODE, version), lambda: pytest.fail("the tables were not cached")).prepared
        assert isinstance(prepared, Tables)
        assert first.tables is second.tables
        # the months' people were derived on that one prepared set
        assert {key[0] for key in prepared.derived} >= {"2025-09", "2025-10"}


@pytest.fixture
def other(full_database, tmp_path):
    """Sessions of a second copy of the full demo, beside the test's own (``full``)."""
    copy = tmp_path / "copy.db"
    shutil.copy(full_database, copy)
    engine = make_engine(f"sqlite:///{copy}")
    yield session_factory(engine)
    engine.dispose()


def test_databases_holding_the_same_records_compute_a_month_once_and_a_change_anew(
        full, other):
    """``caching.SHARED``: by content, not by database. A copy of the demo gets the very
    frame the first computed; once a test is added to it, its month is its own."""
    with full() as session:
        mine = caching.frame(session, CODE, "2025-10")
    with other() as session:
        theirs = caching.frame(session, CODE, "2025-10")
    assert theirs.result is mine.result and theirs.content == mine.content
    tests = mine.result.commune["tests"]
    assert save_records(other, "drug_tests", [
        {"person": "CT-001", "date": "20/10/2025", "result": "negative"}]) == []
    with other() as session:
        changed = caching.frame(session, CODE, "2025-10")
    assert changed.content != mine.content and changed.result is not mine.result
    assert changed.result.commune["tests"] == tests + 1
    with full() as session:  # the first database is as it was
        assert caching.frame(session, CODE, "2025-10").result is mine.result


def test_the_content_digest_tells_any_changed_value_type_or_order():
    table = pd.DataFrame({"code": ["A", "B"], "count": [1.0, 2.0]})
    digest = caching.content_digest("15178", {"t": table}, 100.0)
    assert caching.content_digest("15178", {"t": table.copy()}, 100.0) == digest
    for changed in ({"t": table.assign(count=[1.0, 3.0])}, {"t": table.iloc[::-1]},
                    {"t": table.astype({"count": int})}, {"u": table}):
        assert caching.content_digest("15178", changed, 100.0) != digest
    assert caching.content_digest("15178", {"t": table}, 101.0) != digest
    assert caching.content_digest("15179", {"t": table}, 100.0) != digest


def test_a_view_is_shared_by_content_under_each_databases_own_key(full, other, settings):
    with full() as session:
        mine = view.view_for(session, settings, CODE, "2025-10", AsRole("viewer"), "vi")
        police = view.view_for(session, settings, CODE, "2025-10", AsRole("police"), "vi")
    with other() as session:
        theirs = view.view_for(session, settings, CODE, "2025-10", AsRole("viewer"), "vi")
        english = view.view_for(session, settings, CODE, "2025-10", AsRole("viewer"),
                                "en")
    assert theirs.features is mine.features and theirs.panel is mine.panel
    assert police.features is not mine.features and police.person_codes
    assert english.thematic is not mine.thematic
    assert save_records(other, "drug_tests", [
        {"person": "CT-001", "date": "20/10/2025", "result": "negative"}]) == []
    with other() as session:
        changed = view.view_for(session, settings, CODE, "2025-10", AsRole("viewer"),
                                "vi")
    assert changed.features is not mine.features and changed.key != theirs.key
    with full() as session:  # the first database's view is as it was, under its key
        again = view.view_for(session, settings, CODE, "2025-10", AsRole("viewer"), "vi")
    assert again.features is mine.features and again.key == mine.key
