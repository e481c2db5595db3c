"""Retention anonymises old records and keeps the figures of past months."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import func, select, text

from app import audit, retention
from app.db import transaction
from app.models import DrugTest, Person, PersonState
from tests.factories import save_records


def _monthly_figures(session) -> list[tuple]:
    """People per village and category at each month end, and tests per month."""
    states = session.execute(text(
        "SELECT strftime('%Y-%m', valid_from), village_code, category, count(*) "
        "FROM person_state GROUP BY 1, 2, 3 ORDER BY 1, 2, 3")).all()
    tests = session.execute(text(
        "SELECT strftime('%Y-%m', date), result, count(*) FROM drug_test "
        "GROUP BY 1, 2 ORDER BY 1, 2")).all()
    return states + tests


def _setup(sessions):
    assert not save_records(sessions, "persons", [
        {"code": "CT-1", "village": "T01", "category": "addict", "status": "rehab_home",
         "status_date": "01/11/2024", "management_end": "30/11/2019", "birth_year": 1990,
         "sex": "M"},
        {"code": "CT-12", "village": "T02", "category": "user", "status": "no_treatment",
         "status_date": "01/11/2024", "management_end": "30/11/2025"},
    ])
    assert not save_records(sessions, "drug_tests", [
        {"person": "CT-1", "date": "05/11/2024", "result": "negative"},
        {"person": "CT-12", "date": "06/11/2024", "result": "positive"},
    ])
    assert not save_records(sessions, "outreach", [
        {"kind": "individual_visit", "date": "07/11/2024", "person": "CT-1",
         "villages": "T01"}])
    audit.record(sessions, "view_person", username="police1", object_type="person",
                 object_id="CT-1")


def test_dry_run_lists_and_changes_nothing(demo):
    _setup(demo)
    with demo() as session:
        result = retention.due(session, dt.date(2026, 11, 29), months=60)
    assert result.cutoff == dt.date(2021, 11, 29)
    assert [code for _, code, _ in result.persons] == ["CT-1"]


def test_apply_anonymises_everywhere_and_keeps_past_figures(demo):
    _setup(demo)
    with demo() as session:
        before = _monthly_figures(session)
    with transaction(demo) as session:
        result = retention.due(session, dt.date(2026, 11, 29), months=60)
        assert retention.apply(session, result) == 1
    with demo() as session:
        assert _monthly_figures(session) == before
        codes = set(session.scalars(select(Person.code)))
        assert "CT-12" in codes and "CT-1" not in codes
        anon = session.scalar(select(Person).where(Person.code.startswith("ANON-")))
        assert anon.birth_year is None and anon.sex is None
        assert session.scalar(select(func.count()).select_from(PersonState)) == 2
        assert session.scalar(select(func.count()).select_from(DrugTest)) == 2
        dump = " ".join(str(row) for table in ("change_log", "audit_event", "outreach_event")
                        for row in session.execute(text(f"SELECT * FROM {table}")))
    assert "CT-12" in dump  # the other person is untouched ...
    assert re.search(r"CT-1(?!\d)", dump) is None
    assert anon.code in dump  # ... and the history now names the random code


def test_months_before_clamps_to_month_end():
    assert retention.months_before(dt.date(2026, 3, 31), 1) == dt.date(2026, 2, 28)
    assert retention.months_before(dt.date(2026, 1, 15), 13) == dt.date(2024, 12, 15)
