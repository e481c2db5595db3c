"""The table contract between app/ and geo/ (issue 11, point 4): the columns of every
record table are written once, in ``geo.engine.tables.COLUMNS``; the queries are derived from it,
and a column on one side only (contract, model, or the code that reads it) fails here
instead of turning into "no data"."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from app import mapview
from app.db import transaction
from app.frame import loading, record_tables
from app.models import TaskMark
from geo.engine.tables import COLUMNS, DATED, Tables

CODE = "15178"


@pytest.fixture
def full_demo(full):
    return full


def test_the_contract_the_queries_and_the_models_agree():
    assert record_tables.problems() == []


def test_a_column_in_the_contract_only_fails_naming_its_table_and_column(demo, monkeypatch):
    monkeypatch.setitem(COLUMNS, "tips", {**COLUMNS["tips"], "priority": "str"})
    with demo() as session, pytest.raises(Exception, match=r"'tips'.*'priority'.*Tip\b"):
        loading.load_tables(session, CODE)
    assert any("'tips'" in p and "'priority'" in p for p in record_tables.problems())


def test_a_table_in_the_contract_only_fails(demo, monkeypatch):
    monkeypatch.setitem(COLUMNS, "patrols", {"village": "str", "date": "date"})
    with demo() as session, pytest.raises(Exception, match=r"'patrols'.*SOURCES"):
        loading.load_tables(session, CODE)


def test_a_model_column_neither_read_nor_declared_unread_fails(monkeypatch):
    venues = record_tables.SOURCES["venues"]
    monkeypatch.setitem(record_tables.SOURCES, "venues",
                        dataclasses.replace(venues, unread=frozenset()))
    assert record_tables.problems() == [
        "table 'venues': the model Venue has the column 'licence', neither in the contract "
        "(geo/engine/tables.py COLUMNS) nor declared unread (app/frame/record_tables.py)"]


def test_a_column_declared_unread_must_exist_and_stay_unread(monkeypatch):
    venues = record_tables.SOURCES["venues"]
    monkeypatch.setitem(record_tables.SOURCES, "venues", dataclasses.replace(
        venues, unread=frozenset({"licence", "kind", "opening_hours"})))
    found = record_tables.problems()
    assert any("'opening_hours'" in p and "no such column" in p for p in found), found
    assert any("'kind'" in p and "the contract reads it" in p for p in found), found


def test_the_dated_columns_are_dates_of_the_contract():
    for table, columns in DATED.items():
        for column in columns:
            assert COLUMNS[table].get(column) == "date", (table, column)


def test_every_table_loaded_carries_exactly_the_contract_columns_filled(full_demo):
    """The demo fills every column it has records for: a query reading a wrong or missing
    column would show up as a column with no value at all."""
    with full_demo() as session:
        tables = loading.load_tables(session, CODE)
    assert set(tables) == set(COLUMNS)
    for table, spec in COLUMNS.items():
        assert list(tables[table].columns) == list(spec), table
        if table == "task_marks":  # the demo marks no task
            continue
        empty = [c for c in spec if tables[table][c].isna().all()]
        assert not empty, (table, empty)


def test_the_point_layers_draw_from_the_contract_columns(full_demo):
    """The map's point layers read places from the tables as ``geo`` regularises them:
    their coordinates are part of the contract, not an extra of one query."""
    with full_demo() as session:
        tables = Tables(loading.load_tables(session, CODE))
        result = loading.compute(session, CODE, "2025-06")
    regular = {name: getattr(tables, name) for name in ("tip_boxes", "venues", "schools",
                                                        "tips")}
    layers = mapview.point_layers(regular, result, police=True, radius_m=500, _=str)
    drawn = {layer.group.layer_name: len(layer.data["points"]) if layer.data else None
             for layer in layers}
    assert drawn["Tip boxes"] > 0 and drawn["Venues"] > 0 and drawn["Schools"] > 0
    assert "Tips, last 12 months (police only)" in drawn


def test_task_marks_come_through_the_contract(full_demo, settings):
    with transaction(full_demo) as session:
        session.add(TaskMark(commune_code=CODE, plan_id="cam-tan-2024-2025", task_id="T1",
                             done_on=dt.date(2025, 1, 15), marked_by="demo_police",
                             marked_at=dt.datetime(2025, 1, 15, tzinfo=dt.UTC)))
    with full_demo() as session:
        marks = loading.load_tables(session, CODE)["task_marks"]
        assert marks.to_dict("records") == [
            {"plan": "cam-tan-2024-2025", "task": "T1", "done_on": dt.date(2025, 1, 15)}]
        assert loading.task_marks(session, CODE) == {
            "cam-tan-2024-2025": {"T1": dt.date(2025, 1, 15)}}
