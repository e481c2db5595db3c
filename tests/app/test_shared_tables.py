"""The prepared record tables (``geo.engine.tables.Tables``) are made once per data version
and shared by every month's frame (``app.frame.caching``): no month may leave a trace in
them that changes another month's figures."""

from __future__ import annotations

import pandas as pd
import pytest

from app import store
from app.frame import caching, loading
from geo.engine.frame import village_frame
from geo.engine.plans import shipped_plans
from geo.engine.tables import Tables

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
        # every third month backwards, then two again: a later month is derived on the
        # shared tables before an earlier one, and a month after others
        for month in [*reversed(months[::3]), months[3], months[-1]]:
            fresh, reused = _frame(session, raw, month), _frame(session, shared, month)
            pd.testing.assert_frame_equal(reused.villages, fresh.villages)
            pd.testing.assert_frame_equal(reused.schools, fresh.schools)
            assert reused.commune == fresh.commune, month


def test_the_cache_prepares_the_tables_once_per_data_version(full):
    with full() as session:
        version = caching.data_version(session, CODE)
        first = caching.frame(session, CODE, "2025-09", version)
        second = caching.frame(session, CODE, "2025-10", version)
        _, _, prepared = caching.caches(session).tables.get(
            (CODE, version), lambda: pytest.fail("the tables were not cached"))
        assert isinstance(prepared, Tables)
        assert first.tables is second.tables
        # the months' people were derived on that one prepared set
        assert {key[0] for key in prepared.derived} >= {"2025-09", "2025-10"}
